"""Text from alerts and people, made inert for the medium it is sent to.

* Slack mrkdwn: ``&``, ``<`` and ``>`` become ``&amp;``, ``&lt;``, ``&gt;`` (Slack's "Escaping
  text" rules), so an incident titled ``<!channel>`` or ``<https://evil|Acknowledge>`` shows
  those characters instead of pinging everyone or drawing a link. Formatting characters
  (``*``, ``_``, ``~``, backticks) are left alone: they can only change how text looks.
* GitHub Markdown: a ``<`` that could open HTML (``<!--``, ``<img``, ``</details>``, ``<?``, an
  autolink) becomes ``&lt;``, which GitHub shows as the character. No raw HTML, no hidden
  comment and so none of tocsin's ``<!-- tocsin-… -->`` markers can be planted through alert or
  user text (a planted marker would let a later incident adopt the issue). ``a < b`` and
  Markdown formatting are unchanged.
* HTML (e-mail parts): ``html.escape``, at the adapter that writes the HTML.
"""

from __future__ import annotations

import re

_SLACK = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_HTML_START = re.compile(r"<(?=[A-Za-z!/?])")
_LINK_TARGET: dict[str, str | int | None] = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"}


def slack(text: str) -> str:
    """``text`` as literal characters inside a Slack mrkdwn text field."""
    return text.translate(_SLACK)


def from_slack(text: str) -> str:
    """Text Slack sent (a slash command's ``text``: ``&``, ``<``, ``>`` arrive as entities), as
    the person typed it. Mentions and links Slack formatted stay as Slack wrote them."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def github(text: str) -> str:
    """``text`` (alert- or user-supplied) as GitHub Markdown that carries no HTML."""
    return _HTML_START.sub("&lt;", text)


def link_target(url: str) -> str:
    """A URL as a Markdown link target: characters that would end it (or open HTML) encoded."""
    return url.translate(str.maketrans(_LINK_TARGET))

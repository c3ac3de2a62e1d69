"""Alert and user text made inert for Slack mrkdwn and GitHub Markdown."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tocsin.domain import markup


def test_slack_control_sequences_become_literal_text():
    assert markup.slack("<!channel> see <https://evil|Acknowledge> & more") == (
        "&lt;!channel&gt; see &lt;https://evil|Acknowledge&gt; &amp; more"
    )
    assert markup.slack("*bold* _it_ `code`") == "*bold* _it_ `code`"


@given(st.text())
def test_slack_output_has_no_angle_bracket_and_only_entity_ampersands(text):
    escaped = markup.slack(text)
    assert "<" not in escaped
    assert ">" not in escaped
    assert escaped.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").count("&") == 0


def test_github_text_opens_no_html_and_no_comment():
    assert markup.github("<!-- tocsin-incident-2 -->") == "&lt;!-- tocsin-incident-2 -->"
    assert markup.github("<img src=x> </details> <?php") == "&lt;img src=x> &lt;/details> &lt;?php"
    assert markup.github("latency < 5 ms, *p99*") == "latency < 5 ms, *p99*"


@given(st.text())
def test_github_output_never_starts_a_tag_or_comment(text):
    escaped = markup.github(text)
    assert "<!" not in escaped
    assert not any(
        escaped[i + 1 : i + 2].isascii() and escaped[i + 1 : i + 2].isalpha()
        for i, c in enumerate(escaped)
        if c == "<"
    )

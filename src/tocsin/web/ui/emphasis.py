"""``**bold**`` in a timeline line (the plan's status update template writes the status that
way: ``🔴 **Investigating** - …``) shown bold, everything else escaped as text."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_BOLD = re.compile(r"\*\*([^*\n]+?)\*\*")


def strong(text: str) -> Markup:
    """``text`` escaped, its ``**…**`` spans as ``<strong>``; a lone ``**`` stays as typed."""
    return Markup(_BOLD.sub(r"<strong>\1</strong>", str(escape(text))))  # noqa: S704 - escaped first

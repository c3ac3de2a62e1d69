"""Server-rendered SVG bar charts for the reports page: no script, no CDN, readable without
colour (every bar carries its value as text and a title)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 520
BAR = 22
GAP = 12
LABEL = 60
VALUE = 110


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None
    shown: str
    css: str = ""


def bars(title: str, data: Sequence[Bar], *, limit: float | None = None) -> Markup:
    """A horizontal bar chart; ``limit`` draws a dashed reference line (e.g. the response time)."""
    top = max([b.value or 0.0 for b in data] + [limit or 0.0, 1e-9])
    span = WIDTH - LABEL - VALUE
    height = len(data) * (BAR + GAP) + GAP
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}"'
        f' width="100%" preserveAspectRatio="xMinYMin meet"><title>{escape(title)}</title>'
    ]
    for n, bar in enumerate(data):
        y = GAP + n * (BAR + GAP)
        length = 0.0 if bar.value is None else max(2.0, span * bar.value / top)
        base = y + BAR * 0.7
        label, shown = escape(bar.label), escape(bar.shown)
        parts.append(f'<text class="chart-label" x="0" y="{base:.1f}">{label}</text>')
        parts.append(
            f'<rect class="chart-bar {escape(bar.css)}" x="{LABEL}" y="{y}" width="{length:.1f}"'
            f' height="{BAR}"><title>{label}: {shown}</title></rect>'
        )
        parts.append(f'<text class="chart-value" x="{LABEL + length + 6:.1f}" y="{base:.1f}">{shown}</text>')
    if limit is not None:
        x = LABEL + span * limit / top
        parts.append(f'<line class="chart-limit" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped

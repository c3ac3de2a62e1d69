"""The small pieces every incident row shows (severity, phase, response clock, "… ago"), as
Python rather than Jinja2 macros: the dashboard renders two hundred rows every five seconds per
open browser, and a macro call costs more than the HTML it writes. ``macros.html`` calls these
too, so each piece is written once."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from markupsafe import Markup, escape

from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import SeverityLevel
from tocsin.platform import i18n
from tocsin.platform.i18n import gettext as _
from tocsin.web.labels import phase_label
from tocsin.web.ui.formats import duration, iso, utc_date
from tocsin.web.ui.views import Clock

_SEVERITY = Markup(
    '<span class="sev sev-%s %s" title="%s: %s"><span class="sev-shape" aria-hidden="true"></span>'
    '<b>%s</b><span class="sev-name">%s</span></span>'
)
_PHASE = Markup('<span class="phase phase-%s">%s</span>')


@lru_cache(maxsize=64)
def severity_badge(level: SeverityLevel, size: str = "") -> Markup:
    value = level.severity.value
    return _SEVERITY % (value.lower(), size, level.label, level.impact, value, level.name)


def phase_badge(phase: Phase) -> Markup:
    return _phase_badge(phase.value, i18n.language())


@lru_cache(maxsize=64)
def _phase_badge(value: str, language: str) -> Markup:  # noqa: ARG001 - a key: labels are translated
    return _PHASE % (value, phase_label(value))


def clock_badge(c: Clock, big: bool = False) -> Markup:
    # f-strings, the two texts escaped: ``Markup %`` escapes every value, even the numbers
    extra = " clock-big" if big else ""
    state, text = escape(c.state_label), escape(c.text)
    if c.running:
        deadline = f'data-deadline="{iso(c.due_at)}" data-response-seconds="{c.response_seconds}"'
        return Markup(  # noqa: S704 - the state is ours, the texts escaped above
            f'<span class="clock{extra}" data-state="{c.state}" {deadline} role="timer" aria-live="off">\n'
            f'  <span class="clock-state">{state}</span>\n  <span class="clock-text">{text}</span>\n</span>\n'
        )
    return Markup(  # noqa: S704 - the state is ours, the texts escaped above
        f'<span class="clock{extra}" data-state="{c.state}">\n'
        f'  <span class="clock-state">{state}</span>\n  <span class="clock-text">{text}</span>\n</span>\n'
    )


def ago(at: datetime, now: datetime) -> Markup:
    """As Jinja2's ``_()`` writes it: the translation as markup, the value escaped into it."""
    stamp = iso(at)
    text = _("%(duration)s ago") % {"duration": escape(duration(now - at))}
    return Markup(  # noqa: S704 - the times are digits, the duration escaped above
        f'<time datetime="{stamp}" data-since="{stamp}" title="{utc_date(at)}">{text}</time>'
    )

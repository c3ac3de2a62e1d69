"""How times and durations read on the pages (Jinja2 filters, and the Python that writes HTML)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from markupsafe import Markup, escape

from tocsin.domain import localtime
from tocsin.platform import i18n
from tocsin.platform.i18n import gettext as _


def duration(value: timedelta | float | None) -> str:
    """As the plan writes them: ``45 s``, ``15 min``, ``1 h``, ``24 h``, ``48 h``; otherwise
    ``5 min 30 s``, ``1 h 05 min``, ``51 h 03 min``; days only past a week (``12 d 03 h``)."""
    if value is None:
        return ""
    seconds = int(abs(value.total_seconds() if isinstance(value, timedelta) else value))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours >= 7 * 24:
        days, hours = divmod(hours, 24)
        return _("%(days)s d %(hours)02d h") % {"days": days, "hours": hours}
    if hours:
        return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs and minutes < 10 else f"{minutes} min"
    return f"{secs} s"


def utc(value: datetime | None, fmt: str = "%H:%M:%S") -> str:
    return f"{value.astimezone(UTC):{fmt}} UTC" if value else ""


def utc_date(value: datetime | None) -> str:
    return utc(value, "%Y-%m-%d %H:%M")


def _local(value: datetime | None, fmt: str, kind: str) -> Markup:
    """A ``<time>`` in the viewer's time zone (their ``people`` entry), with the UTC value on
    hover; without one, in UTC, and ``tocsin.js`` turns it into the browser's time zone."""
    if value is None:
        return Markup("")
    zone = i18n.timezone()
    shown = in_utc = utc(value, fmt)
    if zone:
        at = value.astimezone(localtime.zone(zone))
        shown = f"{at:{fmt}} {at.tzname()}"
    # an f-string (a room renders a hundred per poll): the times are digits, the zone's name escaped
    return Markup(  # noqa: S704 - see above
        f'<time datetime="{iso(value)}" title="{in_utc}" data-local="{kind}">{escape(shown)}</time>'
    )


def when(value: datetime | None) -> Markup:
    return _local(value, "%H:%M:%S", "time")


def when_date(value: datetime | None) -> Markup:
    return _local(value, "%Y-%m-%d %H:%M", "datetime")


def iso(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""

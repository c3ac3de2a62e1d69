"""An on-call calendar as iCalendar (RFC 5545) text, with the ``icalendar`` library.

Times are UTC (``DTSTART:20261130T080000Z``), so every client shows them in its own zone and
DST is never guessed twice. UIDs are stable per (schedule, person, start): a client refreshing
the feed updates events instead of duplicating them.
"""

from __future__ import annotations

from datetime import datetime

import icalendar

from tocsin.services.paging.feeds import Calendar

PRODID = "-//tocsin//on-call//EN"


def render(calendar: Calendar, *, now: datetime) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar.name)
    for entry in calendar.entries:
        event = icalendar.Event()
        start = entry.shift.start
        event.add("uid", f"{entry.schedule_id}-{entry.person_id}-{start:%Y%m%dT%H%M%SZ}@tocsin")
        event.add("dtstamp", now)
        event.add("dtstart", start)
        event.add("dtend", entry.shift.end)
        event.add("summary", f"On call: {entry.person_name} ({entry.schedule_name})")
        event.add(
            "description", f"{entry.schedule_name}: {entry.person_name} is on call ({entry.shift.source})."
        )
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())

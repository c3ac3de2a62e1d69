"""How a new incident is named from its group's alerts: the most severe firing alert leads
(the first of equals), its name and summary make the title (cut to ``MAX_TITLE``). Pure."""

from __future__ import annotations

from collections.abc import Sequence

from tocsin.domain.alert import Alert
from tocsin.domain.text import MAX_TEXT, MAX_TITLE


def lead(alerts: Sequence[Alert]) -> Alert:
    """The alert that names a new incident: the most severe firing one, the first of equals."""
    return min((a for a in alerts if a.firing), key=lambda a: a.severity.rank)


def title_of(alert: Alert) -> tuple[str, str]:
    """The incident's title and summary from its leading alert: ``name: summary`` with runs of
    white space made one space, cut to ``MAX_TITLE`` with an ellipsis; the summary is the
    ``description`` annotation, else the alert's summary, cut to ``MAX_TEXT``."""
    name = " ".join(alert.name.split()) or alert.fingerprint
    summary = " ".join(alert.summary.split())
    title = f"{name}: {summary}" if summary else name
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1] + "…"
    description = alert.annotations.get("description", "") or alert.summary
    return title, description.strip()[:MAX_TEXT]

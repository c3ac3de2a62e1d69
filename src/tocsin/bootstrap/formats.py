"""Wire formats that entrypoints render directly (iCalendar feeds, the language a phone call
speaks), handed out by the composition root so that web never imports adapters."""

from tocsin.adapters import ical
from tocsin.adapters.twilio import voice as spoken_language

__all__ = ["ical", "spoken_language"]

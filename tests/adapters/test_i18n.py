"""The catalogs: every English text marked in the code and templates has its French, the
compiled .mo files are those of the .po files, and the language a request gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tocsin.domain import breach, breach_communication, compliance, isolation_record, maintenance, statuspage
from tocsin.domain import postmortem as pm
from tocsin.domain.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from tocsin.domain.security_steps import StepState
from tocsin.platform import i18n
from tocsin.web import labels

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "tocsin"
LOCALE = PACKAGE / "locale"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _catalog(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "tocsin.po").open("rb") as po:
        return read_po(po, locale=language)


def _extracted() -> set[str]:
    """What ``make messages`` would extract today (babel.cfg), straight from the sources."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_marked_text_has_its_french():
    """Fails when a template or the code wraps a string that the French catalog lacks (or has
    left empty or fuzzy): run ``make messages`` and translate it in fr/LC_MESSAGES/tocsin.po."""
    catalog = _catalog("fr")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else (m.string,))
    }
    missing = sorted(_extracted() - translated)
    assert not missing, f"not translated in French: {missing}"


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%\(\w+\)0\dd|%s|%%|\{\w+\}")


def test_the_french_keeps_every_placeholder_of_the_english():
    for message in _catalog("fr"):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[1]
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        for target in targets:
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), message.id
        assert not list(message.check(_catalog("fr"))), message.id


def _key(value):
    return value if isinstance(value, str) else tuple(value)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_compiled_catalog_is_the_po_file(language):
    """The .mo that ships is compiled from the .po as it is now (``make messages`` compiles)."""
    with (LOCALE / language / "LC_MESSAGES" / "tocsin.mo").open("rb") as mo:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(mo) if m.id}
    source = {_key(m.id): _key(m.string) for m in _catalog(language) if m.id and not m.fuzzy}
    translated = {k: v for k, v in source.items() if all(v if isinstance(v, tuple) else (v,))}
    assert {k: compiled.get(k) for k in translated} == translated
    assert set(compiled) <= set(source)


def test_every_word_the_domain_shows_is_in_the_catalog():
    """Labels that templates translate at run time (``_(value.label)``) must be marked too."""
    shown = [
        *(s.label for s in statuspage.UpdateStatus),
        *(s.label for s in statuspage.ComponentStatus),
        *(s.label for s in maintenance.MaintenanceStatus),
        *(i.description for i in statuspage._BY_COMPONENT.values()),
        *(s.label for s in StepState),
        *(s.value for s in isolation_record.Status),
        *(s.label for s in breach.State),
        *(s.label for s in breach.Method),
        *(s.label for s in breach.Risk),
        *(s.value for s in breach.Risk),
        *(s.value for s in breach_communication.DeliveryState),
        *(v.value for v in compliance.Verdict),
        *(s.value.capitalize() for s in pm.Status),
        *(
            e.title
            for e in (DomainError, NotFound, InvalidTransition, Conflict, InvalidInput, PermissionDenied)
        ),
        *labels.PHASES.values(),
        *labels.EVENTS.values(),
    ]
    translated = {m.id for m in _catalog("fr") if isinstance(m.id, str) and m.string}
    untranslated = sorted(set(shown) - translated)
    assert not untranslated, untranslated
    assert i18n.translations("fr").gettext("Post-incident") == "Post-Incident"  # the plan's word


def test_every_event_kind_has_a_label():
    from tocsin.domain.events import EventKind

    assert {k.value for k in EventKind} <= set(labels.EVENTS)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-BE,fr;q=0.9,en;q=0.8", "fr"),
        ("en-GB,en;q=0.9,fr;q=0.8", "en"),
        ("de-DE,de;q=0.9,fr;q=0.5", "fr"),
        ("fr;q=0.2,en;q=0.7", "en"),
        ("fr;q=0, en", "en"),
        ("nl-BE", None),
        ("", None),
        ("fr;q=oops", None),
        ("*", None),
    ],
)
def test_accept_language(header, expected):
    assert i18n.from_accept_language(header) == expected


def test_the_users_setting_then_the_browser_then_the_server():
    assert i18n.negotiate("fr", "en", "en") == "fr"
    assert i18n.negotiate(None, "fr-BE", "en") == "fr"
    assert i18n.negotiate(None, "nl-BE", "fr") == "fr"
    assert i18n.negotiate(None, None, "xx") == "en"


def test_each_context_has_its_own_language():
    assert i18n.gettext("Dashboard") == "Dashboard"
    with i18n.using("fr"):
        assert i18n.gettext("Dashboard") == "Tableau de bord"
        assert i18n.ngettext("%(num)d entry", "%(num)d entries", 2) == "%(num)d entrées"
        with i18n.using("en"):
            assert i18n.gettext("Dashboard") == "Dashboard"
        assert i18n.language() == "fr"
    assert i18n.language() == "en"

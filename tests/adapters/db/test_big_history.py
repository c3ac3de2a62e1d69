"""Reads that stay cheap on a big history (migration 0018): keyset paging, newest resolved,
full-text search (FTS5 on SQLite, trigram indexes on PostgreSQL), timeline pages, uptime
history from a window, alert counts from the group tally."""

import itertools
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.adapters.db.test_repositories import T0, add, an_incident
from tocsin.adapters.db import repositories
from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.incident import IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Severity
from tocsin.domain.statuspage import ComponentStatus
from tocsin.services.ports import IncidentFilter, IncidentKey
from tocsin.services.statuspage.ports import StatusChange


def listing(services, **query):
    with services.read() as uow:
        return uow.incidents.list(IncidentFilter(**query))


@pytest.fixture
def thirty(services):
    severities = itertools.cycle([Severity.P2, Severity.P0, Severity.P3, Severity.P1])
    incidents = [
        an_incident(n, severity=next(severities), detected_at=T0 + timedelta(minutes=n % 7))
        for n in range(1, 31)
    ]
    add(services, *incidents)
    return incidents


@pytest.mark.usefixtures("thirty")
@pytest.mark.parametrize("limit", [1, 4, 7, 30])
def test_paging_with_the_cursor_walks_the_same_order_as_offsets(services, limit):
    by_offset = [i.id for i in listing(services, limit=50).items]
    walked, after = [], None
    while True:
        page = listing(services, limit=limit, after=after)
        walked += [i.id for i in page.items]
        if len(page.items) < limit:
            break
        after = IncidentKey.of(page.items[-1])
    assert walked == by_offset
    assert page.total == 30


@pytest.mark.usefixtures("thirty")
def test_an_offset_after_the_cursor_skips_from_there(services):
    everything = [i.id for i in listing(services, limit=50).items]
    fifth = listing(services, limit=1, offset=4).items[0]
    page = listing(services, limit=5, offset=3, after=IncidentKey.of(fifth))
    assert [i.id for i in page.items] == everything[8:13]


def test_newest_resolved_orders_by_resolution_not_severity(services):
    resolved = [
        an_incident(1, severity=Severity.P0, phase=Phase.CLOSED, resolved_at=T0 + timedelta(hours=1)),
        an_incident(2, severity=Severity.P3, phase=Phase.CLOSED, resolved_at=T0 + timedelta(hours=5)),
        an_incident(3, severity=Severity.P1, phase=Phase.POST_INCIDENT, resolved_at=T0 + timedelta(hours=3)),
        an_incident(4, severity=Severity.P0, phase=Phase.CLOSED),  # closed without a resolution time
        an_incident(5, severity=Severity.P2, phase=Phase.TRIAGE),
    ]
    add(services, *resolved)
    page = listing(services, open=False, newest_resolved=True, limit=2)
    assert [i.id for i in page.items] == [2, 3]
    assert page.total == 3


@pytest.fixture
def worded(services):
    add(
        services,
        an_incident(1, title="Database REPLICATION lag", summary="primary in eu-west"),
        an_incident(2, title="Login failures", summary="after the replication switch-over"),
        an_incident(3, title="Replication broken", summary="restricted", security=True),
        an_incident(4, title="Disk full on host-7", summary="100% used"),
        an_incident(5, title='Quote "x" and 50%_off', summary=""),
    )


@pytest.mark.usefixtures("worded")
@pytest.mark.parametrize(
    ("search", "cleared", "ids"),
    [
        ("replication", True, [1, 2, 3]),
        ("REPLICATION", True, [1, 2, 3]),
        ("plicat", True, [1, 2, 3]),
        ("replication", False, [1, 2]),  # a restricted incident's words never match
        ("#3", False, [3]),  # its number does
        ("host-7", True, [4]),
        ("100%", True, [4]),
        ('"x"', True, [5]),
        ("50%_", True, [5]),
        ("eu", True, [1]),  # under three characters: scanned, same answer
        ("nowhere", True, []),
    ],
)
def test_search_finds_the_text_anywhere_in_title_or_summary(services, search, cleared, ids):
    page = listing(services, search=search, cleared=cleared)
    assert sorted(i.id for i in page.items) == ids
    assert page.total == len(ids)


@pytest.mark.usefixtures("thirty")
@pytest.mark.parametrize("open_", [None, True, False])
def test_a_broad_search_walks_the_list_order_to_the_same_page_as_a_narrow_one(services, monkeypatch, open_):
    """Thirty matches: looked up by id and sorted, or (as when thousands match on SQLite) the
    list's order walked until the page is full, testing each row against the set or its words;
    the same pages, the same total."""
    pages = {}
    for broad, walk in ((10_000, 0), (0, 0), (0, 10**9)):  # by id; the set walked; each row tested
        monkeypatch.setattr(repositories, "BROAD_MATCHES", broad)
        monkeypatch.setattr(repositories, "SHORT_WALK", walk)
        pages[broad, walk] = [
            ([i.id for i in page.items], page.total)
            for offset in (0, 7, 28)
            for page in [listing(services, search="incident", limit=7, offset=offset, open=open_)]
        ]
    assert pages[0, 0] == pages[10_000, 0] == pages[0, 10**9]
    assert pages[0, 0][0][1] == len(listing(services, limit=50, open=open_).items)
    assert pages[0, 0][0][0] == [i.id for i in listing(services, limit=7, open=open_).items]


@pytest.mark.usefixtures("worded")
def test_search_follows_a_renamed_incident(services):
    with services.uow() as uow:
        incident = uow.incidents.get(IncidentId(4))
        uow.incidents.save(replace(incident, title="Certificate expired"))
        uow.commit()
    assert [i.id for i in listing(services, search="certificate").items] == [4]
    assert listing(services, search="disk full").items == []


def test_timeline_pages_go_back_from_the_newest(services):
    add(services, an_incident(1), an_incident(2))
    with services.uow() as uow:
        for n in range(12):
            kind = EventKind.NOTE if n % 3 else EventKind.ACKNOWLEDGED
            uow.timeline.append(
                IncidentId(1), [TimelineEvent(kind, T0 + timedelta(minutes=n), "rita", f"e{n}")]
            )
        uow.timeline.append(IncidentId(2), [TimelineEvent(EventKind.NOTE, T0, "rita", "other")])
        uow.commit()
    with services.read() as uow:
        newest = uow.timeline.page(IncidentId(1), limit=5)
        older = uow.timeline.page(IncidentId(1), before=newest[-1].id, limit=5)
        newer = uow.timeline.page(IncidentId(1), since=older[0].id, limit=100)
        notes = uow.timeline.page(IncidentId(1), kinds=frozenset({"note"}), limit=100)
        kinds = uow.timeline.kinds(IncidentId(1))
    assert [e.text for e in newest] == ["e11", "e10", "e9", "e8", "e7"]
    assert [e.text for e in older] == ["e6", "e5", "e4", "e3", "e2"]
    assert [e.text for e in newer] == [e.text for e in newest]
    assert len(notes) == 8
    assert kinds == {"note": 8, "acknowledged": 4}


def test_history_since_keeps_the_status_each_component_had_then(services):
    changes = [
        StatusChange("api", ComponentStatus.MAJOR_OUTAGE, T0 - timedelta(days=200)),
        StatusChange("api", ComponentStatus.PARTIAL_OUTAGE, T0 - timedelta(days=150)),
        StatusChange("login", ComponentStatus.DEGRADED_PERFORMANCE, T0 - timedelta(days=120)),
        StatusChange("api", ComponentStatus.OPERATIONAL, T0 - timedelta(days=1)),
    ]
    with services.uow() as uow:
        uow.statuspage.record_statuses(changes, public_id=None)
        uow.commit()
    with services.read() as uow:
        window = uow.statuspage.history(since=T0 - timedelta(days=91))
        everything = uow.statuspage.history()
        first = uow.statuspage.first_changes()
    assert list(window) == changes[1:]
    assert list(everything) == changes
    assert first == {"api": T0 - timedelta(days=200), "login": T0 - timedelta(days=120)}


def test_the_uptime_window_sees_every_change_written_after_a_read(services):
    """The rows of the last read are kept per process; a change written since (here, or by
    another replica) is read all the same."""
    old = [StatusChange("api", ComponentStatus.PARTIAL_OUTAGE, T0 - timedelta(days=n)) for n in (30, 20)]
    with services.uow() as uow:
        uow.statuspage.record_statuses(old, public_id=None)
        uow.commit()
    with services.read() as uow:
        assert list(uow.statuspage.history(since=T0 - timedelta(days=91))) == old
    new = [StatusChange("api", ComponentStatus.OPERATIONAL, T0 - timedelta(days=1))]
    with services.uow() as uow:
        uow.statuspage.record_statuses(new, public_id=None)
        uow.commit()
    with services.read() as uow:
        assert list(uow.statuspage.history(since=T0 - timedelta(days=91))) == old + new
        assert list(uow.statuspage.history(since=T0 - timedelta(days=25))) == old + new
        assert list(uow.statuspage.history(since=T0 - timedelta(days=10))) == old[1:] + new


def test_words_are_searched_through_the_index_of_each_database(container, db_url):
    """The FTS5 table on SQLite, the trigram indexes on PostgreSQL (both here: not a scan)."""
    engine = container.engine
    with engine.connect() as conn:
        if db_url.startswith("sqlite"):
            found = conn.execute(sa.text("SELECT name FROM sqlite_master WHERE name LIKE 'incidents_fts%'"))
            assert "incidents_fts" in set(found.scalars())
        else:
            found = conn.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'incidents'"))
            assert {"ix_incidents_search_title", "ix_incidents_search_summary"} <= set(found.scalars())

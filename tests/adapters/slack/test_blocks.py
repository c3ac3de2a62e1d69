"""The incident card stays within Slack's Block Kit limits, whatever the title."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.slack_fake import check_blocks
from tocsin.adapters.slack.blocks import attachments, blocks, fallback_text
from tocsin.services.slack.ports import Card

DUE = datetime(2026, 11, 27, 14, 45, tzinfo=UTC)


def a_card(**changes) -> Card:
    values = {
        "incident_id": 42,
        "title": "PostgreSQLDown",
        "severity": "P0",
        "phase": "triage",
        "source": "alertmanager:prom",
        "ack_due_at": DUE,
        "acknowledged_by": None,
        "resolved": False,
        "alerts_firing": 2,
        "alerts_total": 3,
        "url": "http://tocsin.example/incidents/42",
    }
    return Card(**(values | changes))


def test_the_card_says_what_responders_need():
    text = str(blocks(a_card()))
    for fact in ("P0", "#42 PostgreSQLDown", "ack due 14:45 UTC", "alertmanager:prom", "2/3 alerts firing"):
        assert fact in text
    assert "<http://tocsin.example/incidents/42|Open in tocsin>" in text
    assert fallback_text(a_card()) == "[P0] #42 PostgreSQLDown (triage)"
    assert attachments(a_card())[0]["color"] == "#d32f2f"


def test_a_huge_title_stays_within_limits():
    card = a_card(title="x" * 5000, source="y" * 5000)
    assert check_blocks({"blocks": blocks(card), "attachments": attachments(card)}) == []


def test_a_resolved_incident_has_no_buttons_and_an_issue_link():
    card = a_card(resolved=True, issue_url="https://github.com/o/r/issues/1")
    kinds = [b["type"] for b in blocks(card)]
    assert "actions" not in kinds
    assert "GitHub issue" in str(blocks(card))


def test_diagnostics_links_fit_the_card_each_in_its_own_element():
    long_url = "https://grafana.example.org/explore?schemaVersion=1&panes=" + "%7B" * 900
    links = tuple((f'Logs (Loki): {{job="db-{n}"}} <x|y>', long_url) for n in range(12))
    card = a_card(diagnostics=links)
    assert check_blocks({"blocks": blocks(card), "attachments": attachments(card)}) == []
    (context,) = [b for b in blocks(card) if b["type"] == "context" and "grafana" in str(b)]
    assert len(context["elements"]) == 10
    assert context["elements"][0]["text"] == f'<{long_url}|Logs (Loki): {{job="db-0"}} &lt;x¦y&gt;>'


def test_the_card_labels_in_french():
    from tocsin.platform import i18n

    with i18n.using("fr"):
        text = str(blocks(a_card()))
    for fact in ("*Sévérité*", "*Phase*\\ntriage", "à acquitter avant 14:45 UTC", "2/3 alertes actives"):
        assert fact in text
    assert "'Acquitter'" in text
    assert "'Escalader'" in text
    assert "|Ouvrir dans tocsin>" in text
    assert "PostgreSQLDown" in text  # the incident's own words are not translated

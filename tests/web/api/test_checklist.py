"""The plan's checklists are ticked and recorded: API, with who and when on the timeline."""

from __future__ import annotations

import pytest

URL = "/api/v1/incidents"


def declare(client, headers):
    response = client.post(URL, json={"title": "API down", "severity": "P1"}, headers=headers)
    return response.json()["id"]


def test_tick_with_a_note_then_untick(client, clock, as_responder, as_viewer):
    iid = declare(client, as_responder)
    lines = client.get(f"{URL}/{iid}/checklist", headers=as_viewer).json()
    rollback = next(line for line in lines if line["key"] == "3.2.1")
    assert (rollback["text"], rollback["section"], rollback["mitigation"]) == (
        "Rollback si déploiement récent",
        "Mitigation immédiate",
        True,
    )
    assert rollback["done"] is False

    body = {"note": "rolled back api to v1.4.1"}
    ticked = client.post(f"{URL}/{iid}/checklist/3.2.1", json=body, headers=as_responder)
    assert ticked.status_code == 200, ticked.text
    line = next(x for x in ticked.json() if x["key"] == "3.2.1")
    assert (line["done"], line["actor"], line["note"]) == (True, "token:responder-token", body["note"])
    assert line["at"] == "2026-11-27T10:00:00Z"
    events = client.get(f"{URL}/{iid}/timeline", headers=as_viewer).json()
    assert events[-1]["text"] == "Checked 3.2.1: Rollback si déploiement récent — rolled back api to v1.4.1"

    untick = client.post(f"{URL}/{iid}/checklist/3.2.1", json={"done": False}, headers=as_responder)
    assert next(x for x in untick.json() if x["key"] == "3.2.1")["done"] is False
    assert client.post(f"{URL}/{iid}/checklist/3.3.2", headers=as_responder).status_code == 200  # no body


def test_bad_ticks(client, as_responder, as_viewer):
    iid = declare(client, as_responder)
    unknown = client.post(f"{URL}/{iid}/checklist/9.9", headers=as_responder)
    assert unknown.status_code == 422
    assert unknown.json()["detail"].startswith("item: no checklist line '9.9'")
    assert client.post(f"{URL}/{iid}/checklist/3.2.1", headers=as_viewer).status_code == 403
    long = client.post(f"{URL}/{iid}/checklist/3.2.1", json={"note": "x" * 1001}, headers=as_responder)
    assert long.status_code == 422
    assert client.post(f"{URL}/999/checklist/3.2.1", headers=as_responder).status_code == 404


class TestATeamsOwnChecklist:
    @pytest.fixture
    def settings(self, db_url):
        from tocsin.config import Settings

        resolution = [
            {"step": "Mitigation :", "lines": ["Basculer sur le réplica", "Rollback"]},
            "Prévenir le support",
            {"step": "Fix :", "lines": ["Hotfix en staging", "Hotfix en production"]},
        ]
        return Settings.model_validate(
            {"database": {"url": db_url}, "checklists": {"resolution": resolution}}
        )

    def test_configured_lines_replace_the_phase_and_keep_the_numbering(self, client, as_responder, services):
        iid = declare(client, as_responder)
        lines = {x["key"]: x for x in client.get(f"{URL}/{iid}/checklist", headers=as_responder).json()}
        assert lines["3.1.1"]["text"] == "Basculer sur le réplica"
        assert lines["3.1.1"]["mitigation"] is True
        assert lines["3.2"]["text"] == "Prévenir le support"
        assert lines["1.1"]["text"] == "Alerte reçue (Alertmanager, user report, monitoring)"  # plan's
        assert "3.3.3" not in lines
        from tocsin.domain.checklist import fix_trail_keys

        assert fix_trail_keys(services.checklist_items, "staging") == ("3.3.1",)
        assert fix_trail_keys(services.checklist_items, "production") == ("3.3.1", "3.3.2")
        assert client.post(f"{URL}/{iid}/checklist/3.2", headers=as_responder).status_code == 200


def test_a_bad_checklist_config_names_the_phase(db_url):
    from pydantic import ValidationError

    from tocsin.config import Settings

    with pytest.raises(ValidationError, match="checklists"):
        Settings.model_validate({"database": {"url": db_url}, "checklists": {"resolutoin": ["x"]}})

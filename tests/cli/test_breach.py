"""``tocsin breach show|dossier|register``: the breach of a security incident from a terminal."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from tocsin import bootstrap
from tocsin.cli import app
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.breach import Assessment, Method, NoticeKind, Risk
from tocsin.domain.severity import Severity
from tocsin.services.incidents import flags, incidents
from tocsin.services.security import breaches

runner = CliRunner()
SAM = Actor("sam", Role.SECURITY)


def test_show_dossier_and_register(db_url, monkeypatch):
    monkeypatch.delenv("TOCSIN_CONFIG", raising=False)
    monkeypatch.setenv("TOCSIN_DATABASE_URL", db_url)
    c = bootstrap.build(Settings.model_validate({"database": {"url": db_url}}))
    try:
        svc = c.services
        leak = incidents.declare_incident(svc, title="Customer table dumped", severity=Severity.P0, by=SAM)
        flags.mark_security_incident(svc, leak.id, by=SAM)
        breaches.assess_breach(
            svc, leak.id, Assessment(risk=Risk.HIGH, rationale="hashes and emails"), by=SAM
        )
        lost = incidents.declare_incident(svc, title="Encrypted backup lost", severity=Severity.P1, by=SAM)
        flags.mark_security_incident(svc, lost.id, by=SAM)
        breaches.assess_breach(
            svc, lost.id, Assessment(risk=Risk.NONE, rationale="encrypted, key safe"), by=SAM
        )
        breaches.record_notification(
            svc, leak.id, kind=NoticeKind.INITIAL, method=Method.EMAIL, reference="R-1", by=SAM
        )
        plain = incidents.declare_incident(svc, title="API slow", severity=Severity.P2, by=SAM)
    finally:
        c.close()
    shown = runner.invoke(app, ["breach", "show", str(lost.id)])
    assert shown.exit_code == 0, shown.output
    assert "State: not required" in shown.output
    assert "Rationale: encrypted, key safe" in shown.output
    notified = runner.invoke(app, ["breach", "show", str(leak.id)])
    assert "initial: " in notified.output
    assert "to CNIL by email, ref R-1" in notified.output
    missing = runner.invoke(app, ["breach", "show", str(plain.id)])
    assert missing.exit_code == 3
    assert "has no personal-data breach record" in missing.output
    dossier = runner.invoke(app, ["breach", "dossier", str(leak.id)])
    assert "(d) Measures taken or proposed, including mitigation" in dossier.output
    listed = runner.invoke(app, ["breach", "register"])
    assert "not_required" in listed.output
    assert "notified" in listed.output
    assert "ref R-1" in listed.output
    exported = runner.invoke(app, ["breach", "register", "--csv"])
    rows = {r["incident"]: r for r in csv.DictReader(io.StringIO(exported.output))}
    assert rows[str(lost.id)]["rationale"] == "encrypted, key safe"
    assert rows[str(leak.id)]["reference"] == "R-1"

"""The one table of webhook kinds: its paths, its routes' labels, and which kinds may sign."""

from __future__ import annotations

import pytest

from tocsin.adapters.hooks import HOOK_KINDS
from tocsin.domain.source import SourceKind, SourcePolicy
from tocsin.services.intake.auth import Credentials
from tocsin.services.intake.receive import Intake, Source


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("/hooks/alertmanager/prom", ("alertmanager", "prom")),
        ("/hooks/grafana/g-1", ("grafana", "g-1")),
        ("/hooks/generic/x", ("generic", "x")),
        ("/hooks/deploy/ci", None),  # a source kind, not an alert webhook of the table
        ("/hooks/alertmanager/prom/extra", None),
        ("/hooks/alertmanager/", None),
        ("/hooks/other/prom", None),
    ],
)
def test_the_table_recognises_the_webhook_paths(path, found):
    match = HOOK_KINDS.match(path)
    assert (None if match is None else (match[0].kind.value, match[1])) == found


def test_each_row_gives_its_route_template_the_metrics_label():
    assert [row.route for row in HOOK_KINDS.rows] == [
        "/hooks/alertmanager/{source}",
        "/hooks/grafana/{source}",
        "/hooks/generic/{source}",
    ]


def test_a_secret_for_bodies_of_a_kind_that_does_not_sign_is_refused_at_start():
    policy = SourcePolicy(name="prom", kind=SourceKind.ALERTMANAGER)
    with pytest.raises(ValueError, match="'prom': its kind does not sign bodies"):
        Intake(HOOK_KINDS, {"prom": Source(policy, Credentials(hmac_secret="s"))}, None, None)  # type: ignore[arg-type]
    grafana = SourcePolicy(name="g", kind=SourceKind.GRAFANA)
    assert Intake(HOOK_KINDS, {"g": Source(grafana, Credentials(hmac_secret="s"))}, None, None).sources  # type: ignore[arg-type]

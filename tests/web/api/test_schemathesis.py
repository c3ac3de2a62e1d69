"""schemathesis over the published OpenAPI document, on both databases: every operation gets
valid and invalid requests (an admin token, so the routes do run) and must answer without a
5xx, with a body matching what the document declares for that status.

Bounded: ``EXAMPLES`` cases per operation and kind of data, derandomized so a run is
reproducible; ops with an ``incident_id`` also run against a real incident (a security one,
so the restricted routes run too) instead of only against ids that do not exist.
"""

from __future__ import annotations

import time

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = 8
CHECKS = [not_a_server_error, response_schema_conformance]
# Operations left out, each with why (none so far).
SKIPPED: dict[str, str] = {}


def _strategies(operation, incident_id: int) -> st.SearchStrategy:
    kinds = [
        operation.as_strategy(),
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    ]
    if "{incident_id}" in operation.path:
        kinds.append(operation.as_strategy(path_parameters={"incident_id": incident_id}))
    return st.one_of(kinds)


def _run(operation, strategy, headers, failures: list[str]) -> int:
    calls = 0

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        nonlocal calls
        calls += 1
        response = case.call(headers={**(case.headers or {}), **headers})
        try:
            case.validate_response(response, checks=CHECKS)
        except AssertionError as failure:  # schemathesis' FailureGroup is an AssertionError
            failures.append(f"{operation.label}: {str(failure).strip()[:1500]}")

    check()
    return calls


def test_every_operation_answers_without_a_5xx_and_as_documented(app, client, as_admin):
    """Runs in ~10-20 s per database; the figures are printed (pytest -s)."""
    declared = client.post(
        "/api/v1/incidents", json={"title": "Data leak", "severity": "P1", "security": True}, headers=as_admin
    )
    assert declared.status_code == 201, declared.text
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = calls = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in SKIPPED:
            continue
        operations += 1
        calls += _run(operation, _strategies(operation, declared.json()["id"]), as_admin, failures)
    print(f"schemathesis: {operations} operations, {calls} requests, {time.monotonic() - started:.1f} s")
    assert operations >= 60
    assert failures == [], "\n\n".join(failures)

"""THE table of webhook source kinds (``services.intake.kinds``): one row per kind, with its
parser. The route, the path pattern, the metric label and the check of the credentials a
source of that kind may carry all come from these rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tocsin.adapters.alertmanager import parse_alertmanager, parse_envelope
from tocsin.adapters.generic import parse_generic
from tocsin.domain.alert import Notification
from tocsin.domain.source import SourceKind, SourcePolicy
from tocsin.platform.payload import PayloadError, load_json
from tocsin.services.intake.kinds import BadPayload, HookKind, HookKinds, Parse


def _invalid(exc: PayloadError) -> BadPayload:
    errors = [{"field": exc.path, "in": "body", "message": exc.message}]
    return BadPayload(422, exc.detail, title="Invalid payload", errors=errors)


def _reading(parse: Callable[[Any, SourcePolicy, datetime], Notification]) -> Parse:
    """``parse`` of the decoded document, from the raw body (400 not JSON, 422 its shape)."""

    def parse_body(body: bytes, policy: SourcePolicy, at: datetime) -> Notification:
        try:
            value = load_json(body)
        except ValueError as exc:
            raise BadPayload(400, str(exc), title="Malformed JSON") from None
        except PayloadError as exc:
            raise _invalid(exc) from None
        try:
            return parse(value, policy, at)
        except PayloadError as exc:
            raise _invalid(exc) from None

    return parse_body


def _alertmanager(value: Any, policy: SourcePolicy, _at: datetime) -> Notification:
    return parse_alertmanager(value, source=policy.name)


def _grafana(value: Any, policy: SourcePolicy, _at: datetime) -> Notification:
    return parse_envelope(value, source=policy.name, versions=("1", "4"))


def _generic(value: Any, policy: SourcePolicy, at: datetime) -> Notification:
    return parse_generic(value, source=policy.name, group_by=policy.group_by, at=at)


HOOK_KINDS = HookKinds(
    (
        HookKind(SourceKind.ALERTMANAGER, _reading(_alertmanager)),
        HookKind(SourceKind.GRAFANA, _reading(_grafana), signed=True),
        HookKind(SourceKind.GENERIC, _reading(_generic)),
    )
)

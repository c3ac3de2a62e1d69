"""Credentials of intake sources: Bearer, Basic and Grafana's HMAC, all compared in constant
time. Which check failed is never said (401 either way)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field

GRAFANA_SIGNATURE = "x-grafana-alerting-signature"


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a source's requests must carry (secrets kept out of ``repr``, so out of logs)."""

    token: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    hmac_secret: str | None = field(default=None, repr=False)
    hmac_timestamp_header: str | None = None


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _basic(credentials: str) -> tuple[str, str] | None:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def authorized(source: Credentials, headers: Mapping[str, str]) -> bool:
    """True when the Authorization header carries this source's token or user and password.

    A source with only an HMAC secret (Grafana) needs no Authorization header. ``headers``
    looks names up case-insensitively (the web's request headers)."""
    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    scheme = scheme.lower()
    ok = False
    if source.token is not None and scheme == "bearer":
        ok = _same(credentials.strip(), source.token)
    elif source.username is not None and source.password is not None and scheme == "basic":
        pair = _basic(credentials.strip())
        if pair is not None:
            user_ok = _same(pair[0], source.username)
            password_ok = _same(pair[1], source.password)
            ok = user_ok and password_ok
    if source.token is None and source.username is None:
        ok = True  # HMAC-only source: the signature is the credential
    return ok


def signed(source: Credentials, headers: Mapping[str, str], body: bytes) -> bool:
    """Grafana's ``X-Grafana-Alerting-Signature``: hex HMAC-SHA256 of the body, or of
    ``"<timestamp>:" + body`` when a timestamp header is configured. True without a secret."""
    if source.hmac_secret is None:
        return True
    message = body
    if source.hmac_timestamp_header:
        stamp = headers.get(source.hmac_timestamp_header, "")
        if not stamp:
            return False
        message = stamp.encode() + b":" + body
    expected = hmac.new(source.hmac_secret.encode(), message, hashlib.sha256).hexdigest()
    return _same(headers.get(GRAFANA_SIGNATURE, "").strip().lower(), expected)

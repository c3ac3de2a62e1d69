from datetime import timedelta

import pytest

from tocsin.domain.access import Role
from tocsin.domain.errors import Conflict, InvalidInput, PermissionDenied
from tocsin.services.access import tokens
from tocsin.services.token_cache import TTL


def test_a_token_authenticates_until_revoked(services, admin):
    record, secret = tokens.create_token(services, name="grafana", role=Role.VIEWER, by=admin)
    actor = tokens.authenticate(services, secret)
    assert actor is not None
    assert (actor.name, actor.role) == ("token:grafana", Role.VIEWER)
    tokens.revoke_token(services, name="grafana", by=admin)
    assert tokens.authenticate(services, secret) is None
    assert record.role is Role.VIEWER


def test_only_the_hash_is_stored(services, container, admin):
    _, secret = tokens.create_token(services, name="ci", role=Role.RESPONDER, by=admin)
    with container.engine.connect() as conn:
        dump = "\n".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM api_tokens"))
    assert secret not in dump
    assert tokens.hash_secret(secret) in dump


def test_unknown_and_malformed_secrets_are_refused(services):
    assert tokens.authenticate(services, "tocsin_nope") is None
    assert tokens.authenticate(services, "Bearer something") is None


def test_last_used_is_refreshed_at_most_every_five_minutes(services, admin, clock):
    _, secret = tokens.create_token(services, name="ci", role=Role.RESPONDER, by=admin)
    first = clock.now()
    tokens.authenticate(services, secret)
    clock.advance(timedelta(minutes=1))
    tokens.authenticate(services, secret)
    [record] = tokens.list_tokens(services, by=admin)
    assert record.last_used_at == first
    clock.advance(timedelta(minutes=5))
    tokens.authenticate(services, secret)
    [record] = tokens.list_tokens(services, by=admin)
    assert record.last_used_at == clock.now()


def test_names_are_unique_among_active_tokens(services, admin):
    tokens.create_token(services, name="ci", role=Role.RESPONDER, by=admin)
    with pytest.raises(Conflict, match="'ci'"):
        tokens.create_token(services, name="ci", role=Role.ADMIN, by=admin)
    tokens.revoke_token(services, name="ci", by=admin)
    tokens.create_token(services, name="ci", role=Role.ADMIN, by=admin)


def test_only_admins_manage_tokens(services, responder):
    with pytest.raises(PermissionDenied, match="admin"):
        tokens.create_token(services, name="x", role=Role.ADMIN, by=responder)


def test_a_name_is_required(services, admin):
    with pytest.raises(InvalidInput, match="name"):
        tokens.create_token(services, name="  ", role=Role.ADMIN, by=admin)


def test_a_token_revoked_by_another_process_is_refused_within_the_cache_ttl(services, admin, clock):
    # another replica (or the CLI) revokes in the database; this process learns it within TTL
    _, secret = tokens.create_token(services, name="ci", role=Role.RESPONDER, by=admin)
    assert tokens.authenticate(services, secret) is not None
    with services.uow() as uow:
        uow.tokens.revoke("ci", clock.now())
        uow.commit()
    clock.advance(TTL - timedelta(seconds=1))
    assert tokens.authenticate(services, secret) is not None  # still cached: the documented bound
    clock.advance(timedelta(seconds=1))
    assert tokens.authenticate(services, secret) is None


def test_rotating_a_token_refuses_the_old_secret_at_once(services, admin):
    _, old = tokens.create_token(services, name="ci", role=Role.RESPONDER, by=admin)
    assert tokens.authenticate(services, old) is not None
    _, new = tokens.create_token(services, name="ci", role=Role.RESPONDER, by=admin, rotate=True)
    assert tokens.authenticate(services, old) is None
    assert tokens.authenticate(services, new) is not None

"""Sign-in and accounts against a real database (SQLite and PostgreSQL)."""

from dataclasses import replace
from datetime import timedelta

import pytest

from tocsin.adapters.passwords import Argon2Passwords
from tocsin.domain.access import Role
from tocsin.domain.errors import Conflict, PermissionDenied
from tocsin.services.access import signin
from tocsin.services.access.users import create_user, list_users, set_password

PASSWORD = "correct horse battery staple"
FAST = Argon2Passwords(time_cost=1, memory_cost=1024)


@pytest.fixture
def rita(services, admin):
    return create_user(
        services, FAST, email="rita@example.org", role=Role.RESPONDER, password=PASSWORD, by=admin
    )


def test_only_admins_manage_users(services, responder):
    with pytest.raises(PermissionDenied):
        create_user(services, FAST, email="x@example.org", role=Role.ADMIN, password=PASSWORD, by=responder)
    with pytest.raises(PermissionDenied):
        list_users(services, by=responder)


def test_passwords_are_stored_as_argon2id_hashes(services, rita, container):
    import sqlalchemy as sa

    with container.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_emails_are_unique_whatever_their_case(services, rita, admin):
    with pytest.raises(Conflict):
        create_user(services, FAST, email="RITA@example.org", role=Role.VIEWER, password=PASSWORD, by=admin)


def test_a_session_stands_for_its_user_until_sign_out(services, rita):
    done = signin.sign_in(services, FAST, email="rita@example.org", password=PASSWORD, client="127.0.0.1")
    session = signin.current_session(services, done.secret)
    assert session is not None
    assert session.user == replace(rita, last_sign_in_at=session.created_at)
    assert signin.current_session(services, done.secret + "x") is None
    signin.sign_out(services, done.secret)
    assert signin.current_session(services, done.secret) is None


def test_every_sign_in_starts_a_new_session(services, rita):
    first = signin.sign_in(services, FAST, email="rita@example.org", password=PASSWORD, client="c")
    second = signin.sign_in(services, FAST, email="rita@example.org", password=PASSWORD, client="c")
    assert first.secret != second.secret


def test_using_a_session_keeps_it_alive(services, rita, clock):
    done = signin.sign_in(services, FAST, email="rita@example.org", password=PASSWORD, client="c")
    for _ in range(3):
        clock.advance(timedelta(hours=8))
        assert signin.current_session(services, done.secret) is not None


def test_a_new_password_ends_every_session(services, rita, admin):
    done = signin.sign_in(services, FAST, email="rita@example.org", password=PASSWORD, client="c")
    set_password(services, FAST, email="rita@example.org", password="another long password", by=admin)
    assert signin.current_session(services, done.secret) is None
    with pytest.raises(signin.SignInFailed):
        signin.sign_in(services, FAST, email="rita@example.org", password=PASSWORD, client="c")


def test_one_client_failing_on_many_accounts_is_throttled(services, rita):
    for n in range(20):
        with pytest.raises(signin.SignInFailed):
            signin.sign_in(services, FAST, email=f"guess{n}@example.org", password="nope", client="10.0.0.9")
    with pytest.raises(signin.TooManyAttempts):
        signin.sign_in(services, FAST, email="rita@example.org", password=PASSWORD, client="10.0.0.9")
    assert signin.sign_in(services, FAST, email="rita@example.org", password=PASSWORD, client="10.0.0.8")


def test_a_hash_with_old_parameters_is_upgraded_at_sign_in(services, rita, container):
    import sqlalchemy as sa

    stronger = Argon2Passwords(time_cost=2, memory_cost=2048)
    signin.sign_in(services, stronger, email="rita@example.org", password=PASSWORD, client="c")
    with container.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM users")).scalar_one()
    assert "m=2048,t=2" in stored


def _attempt(services, password, client):
    try:
        signin.sign_in(services, FAST, email="rita@example.org", password=password, client=client)
    except signin.TooManyAttempts as exc:
        return exc
    except signin.SignInFailed:
        return "failed"
    return "signed in"


def test_a_stranger_failing_without_end_cannot_keep_the_owner_out(services, rita, clock):
    """Failures on Rita's account from many addresses, every 3 s for 10 minutes: each further
    one makes the next wait longer, but Rita's own browser waits a minute at most."""
    outcomes = []
    for n in range(200):
        outcomes.append(_attempt(services, "nope", f"203.0.113.{n % 250}"))
        clock.advance(timedelta(seconds=3))
    refused = [o for o in outcomes if isinstance(o, signin.TooManyAttempts)]
    assert len(refused) > 150  # the stranger was slowed down to a few guesses a minute
    owner = _attempt(services, PASSWORD, "198.51.100.7")
    if isinstance(owner, signin.TooManyAttempts):
        assert owner.seconds <= 60
        clock.advance(owner.retry_in)
        owner = _attempt(services, PASSWORD, "198.51.100.7")
    assert owner == "signed in"


def test_one_browser_guessing_waits_longer_each_time(services, rita, clock):
    waits = []
    for _ in range(12):
        outcome = _attempt(services, "nope", "10.0.0.5")
        if isinstance(outcome, signin.TooManyAttempts):
            waits.append(outcome.seconds)
            clock.advance(outcome.retry_in)
    assert waits == sorted(waits)
    assert waits[-1] > waits[0]

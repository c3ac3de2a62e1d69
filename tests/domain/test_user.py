from datetime import UTC, datetime, timedelta

import pytest

from tocsin.domain.access import Role
from tocsin.domain.errors import InvalidInput
from tocsin.domain.user import (
    SESSION_IDLE,
    SESSION_LIFETIME,
    THROTTLE_WINDOW,
    Backoff,
    User,
    UserId,
    WebSession,
    check_password,
    clean_email,
    password_stems,
)

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
RITA = User(UserId(1), "rita@example.org", "Rita", Role.RESPONDER, T0)


def test_emails_are_trimmed_and_lowercased():
    assert clean_email("  Rita@Example.ORG ") == "rita@example.org"


@pytest.mark.parametrize("email", ["", "rita", "rita@host", "a b@example.org", "x" * 250 + "@example.org"])
def test_bad_emails_are_refused(email):
    with pytest.raises(InvalidInput, match="email"):
        clean_email(email)


def test_passwords_have_a_minimum_and_a_maximum_length():
    assert check_password("x" * 12) == "x" * 12
    with pytest.raises(InvalidInput, match="at least 12"):
        check_password("x" * 11)
    with pytest.raises(InvalidInput, match="at most"):
        check_password("x" * 1025)


def test_a_user_acts_under_their_email_with_their_role():
    assert RITA.actor.name == "rita@example.org"
    assert RITA.actor.role is Role.RESPONDER
    assert RITA.display_name == "Rita"


def test_a_session_ends_after_idling_or_at_its_lifetime():
    session = WebSession("id", RITA, "csrf", created_at=T0, last_seen_at=T0)
    assert session.is_valid(T0 + SESSION_IDLE - timedelta(seconds=1))
    assert not session.is_valid(T0 + SESSION_IDLE)
    busy = WebSession(
        "id", RITA, "csrf", created_at=T0, last_seen_at=T0 + SESSION_LIFETIME - timedelta(hours=1)
    )
    assert not busy.is_valid(T0 + SESSION_LIFETIME)


def test_a_disabled_user_has_no_valid_session():
    disabled = User(UserId(1), "rita@example.org", "", Role.RESPONDER, T0, disabled_at=T0)
    assert not WebSession("id", disabled, "csrf", created_at=T0, last_seen_at=T0).is_valid(T0)


def test_the_back_off_doubles_after_the_free_failures_up_to_its_cap():
    backoff = Backoff(free=3, cap=timedelta(seconds=10))
    failures = [T0 + timedelta(seconds=s) for s in range(3)]
    last = failures[-1]
    assert backoff.wait(failures[:2], last) is None
    assert backoff.wait(failures, last) == timedelta(seconds=1)
    assert backoff.wait([*failures, last], last) == timedelta(seconds=2)
    assert backoff.wait([*failures, last, last], last) == timedelta(seconds=4)
    assert backoff.wait([*failures, *[last] * 10], last) == timedelta(seconds=10)  # capped
    assert backoff.wait([*failures, *[last] * 10], last + timedelta(seconds=10)) is None
    assert backoff.wait(failures, T0 + THROTTLE_WINDOW) is None  # old failures no longer count


@pytest.mark.parametrize(
    ("password", "stem"),
    [
        ("password1234", "password"),
        ("!!Dragon2024!", "dragon"),
        ("abcabcabcabc", ""),
        ("dragondragon", "dragon"),
        ("123456789012", ""),
        ("aaaaaaaaaaab", ""),
        ("Correct Horse Battery", "correct horse battery"),
    ],
)
def test_a_password_is_looked_up_by_what_it_is_built_on(password, stem):
    assert stem in password_stems(password)

"""Local accounts: created by an administrator with a role, passwords stored as argon2id hashes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import InvalidInput, NotFound
from tocsin.domain.user import User, check_language, check_password, clean_email
from tocsin.services.access.ports import PasswordHasher
from tocsin.services.context import Services

MAX_NAME = 200


def check_new_password(hasher: PasswordHasher, password: str) -> str:
    """Long enough, not too long, and not a common password (or one built on it)."""
    check_password(password)
    if hasher.is_common(password):
        raise InvalidInput(
            "password: too common: it is one of the 10,000 most used passwords, or built on one"
            " (digits or symbols added, a repetition); choose a longer, unrelated passphrase"
        )
    return password


def create_user(
    svc: Services,
    hasher: PasswordHasher,
    *,
    email: str,
    role: Role,
    password: str,
    name: str = "",
    by: Actor,
) -> User:
    by.require(Role.ADMIN, "creating a user")
    cleaned = clean_email(email)
    password_hash = hasher.hash(check_new_password(hasher, password))
    with svc.uow() as uow:
        user = uow.users.add(
            email=cleaned,
            name=" ".join(name.split())[:MAX_NAME],
            role=role,
            password_hash=password_hash,
            at=svc.clock.now(),
        )
        uow.commit()
    return user


def set_password(svc: Services, hasher: PasswordHasher, *, email: str, password: str, by: Actor) -> User:
    """Replace a password and end every session of that user."""
    by.require(Role.ADMIN, "setting a password")
    password_hash = hasher.hash(check_new_password(hasher, password))
    with svc.uow() as uow:
        found = uow.users.find_by_email(clean_email(email))
        if found is None:
            raise NotFound(f"no user with email {email!r}")
        user, _ = found
        uow.users.set_password(user.id, password_hash)
        uow.sessions.delete_for_user(user.id)
        uow.commit()
    return user


def list_users(svc: Services, *, by: Actor) -> Sequence[User]:
    by.require(Role.ADMIN, "listing users")
    with svc.read() as uow:
        return uow.users.list()


def set_language(svc: Services, *, email: str, language: str | None, by: Actor) -> User:
    """A user's own language for the web UI (``None``: as the browser asks). Anyone may set
    their own; setting someone else's is for administrators."""
    cleaned = clean_email(email)
    if cleaned != by.name.lower():
        by.require(Role.ADMIN, "setting another user's language")
    chosen = check_language(language)
    with svc.uow() as uow:
        found = uow.users.find_by_email(cleaned)
        if found is None:
            raise NotFound(f"no user with email {email!r}")
        user, _ = found
        uow.users.set_language(user.id, chosen)
        uow.commit()
    return replace(user, language=chosen)

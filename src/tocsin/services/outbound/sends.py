"""Sends that may already have reached the provider.

A delivery handler calls the provider, then records the result in the worker's transaction.
If tocsin stops in between (the worker killed, the database gone), the job runs again and the
provider may already have the first copy. So, just before calling the provider, ``start``
records the send in its own committed transaction; the handler's transaction that records the
result removes it (``uow.sends.finish``), and a provider that refused (nothing got there)
removes it too (``not_sent``). A record left over means the previous attempt stopped between
the two: ``start`` then answers True, and the handler looks the first copy up where the
provider allows it (Slack: the card's metadata; GitHub: the issue's marker) or sends again,
once, marked as a possible repeat (e-mail subject ``[possible repeat]``, a header).

``start`` must run before the handler's unit of work writes anything (on SQLite the write
lock is one per database).
"""

from __future__ import annotations

import logging

from tocsin.services.context import Services

log = logging.getLogger(__name__)


def start(svc: Services, key: str) -> bool:
    """Record that the send ``key`` starts now; True when an earlier attempt may have reached
    the provider (it started and its outcome was never recorded)."""
    with svc.uow() as side:
        attempts = side.sends.start(key, svc.clock.now())
        side.commit()
    return attempts > 1


def not_sent(svc: Services, key: str) -> None:
    """The provider refused or was unreachable: the next attempt is not a possible repeat.
    Best effort: if even this fails, the next attempt is merely marked as one."""
    try:
        with svc.uow() as side:
            side.sends.finish(key)
            side.commit()
    except Exception:
        log.warning("could not clear the in-flight record of %s", key, exc_info=True)

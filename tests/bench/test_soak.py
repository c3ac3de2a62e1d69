"""A quick, bounded run of ``make soak`` (bench/soak.py): two replicas and two workers on
PostgreSQL under a small alert storm with simultaneous acks; nothing done twice, no step after
an ack, and unacknowledged incidents do escalate."""

from __future__ import annotations

import argparse
import os

import pytest
from bench.soak import phase

from tests.conftest import PG_ENV

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"needs PostgreSQL ({PG_ENV})")
def test_two_replicas_and_two_workers_do_nothing_twice():
    args = argparse.Namespace(groups=15, rounds=2, threads=3, response=2)
    figures, problems = phase(2, 2, args, admin_url=os.environ[PG_ENV])
    assert problems == []
    assert figures["acks"] == 12  # four groups in five, each acked twice at once: one 200, one 409
    assert figures["page_p50_ms"] > 0

from datetime import UTC, datetime, timedelta

import pytest

from tocsin.domain.severity import Plan, Severity, SeverityLevel

T0 = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)

RESPONSE = {Severity.P0: 15, Severity.P1: 60, Severity.P2: 240, Severity.P3: 1440}


def a_plan() -> Plan:
    """The plan's table, built by hand so domain tests need no configuration."""
    levels = tuple(
        SeverityLevel(
            severity=sev,
            name=name,
            impact=f"impact of {sev}",
            examples=(),
            response_time=timedelta(minutes=RESPONSE[sev]),
            escalate_to=(),
            status_page=sev.rank <= 1,
            customer_email_after=timedelta(hours=1) if sev.rank <= 1 else None,
            postmortem_due_after=timedelta(hours=48) if sev.rank <= 1 else None,
        )
        for sev, name in zip(Severity, ("Critical", "High", "Medium", "Low"), strict=True)
    )
    return Plan(levels=levels, gdpr_authority="CNIL", gdpr_notification_deadline=timedelta(hours=72))


@pytest.fixture
def plan() -> Plan:
    return a_plan()

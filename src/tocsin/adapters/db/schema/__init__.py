"""The tables, as SQLAlchemy Core, one module per area; everything is importable from here.
The Alembic migrations must produce exactly this schema (``tests/adapters/db/test_migrate.py``
compares them on SQLite and PostgreSQL).

Enumerations are stored as their string values with CHECK constraints, so a bad value is
refused by the database whichever code path wrote it.
"""

from __future__ import annotations

from tocsin.adapters.db.schema.alerts import (
    ALERT_STATUSES,
    OPEN_PHASE_VALUES,
    alert_groups,
    alerts,
)
from tocsin.adapters.db.schema.base import (
    JOB_STATUSES,
    NAMING_CONVENTION,
    PHASES,
    ROLES,
    SEVERITIES,
    metadata,
    one_of,
)
from tocsin.adapters.db.schema.breaches import (
    NOTICE_KINDS,
    NOTICE_METHODS,
    RISKS,
    breach_notices,
    breach_recipients,
    breaches,
)
from tocsin.adapters.db.schema.core import (
    api_tokens,
    incident_id_seq,
    incidents,
    jobs,
    login_failures,
    timeline_events,
    users,
    web_sessions,
)
from tocsin.adapters.db.schema.deploys import deploys
from tocsin.adapters.db.schema.evidence import (
    CUSTODY_ACTIONS,
    EVIDENCE_KINDS,
    evidence_custody,
    evidence_items,
)
from tocsin.adapters.db.schema.integrations import (
    github_deliveries,
    github_issues,
    slack_channels,
    slack_messages,
)
from tocsin.adapters.db.schema.page_links import LINK_ACTIONS, install_secrets, page_links
from tocsin.adapters.db.schema.paging import (
    CONTACT_SOURCES,
    DELIVERY_STATUSES,
    ESCALATION_STATUSES,
    MAIL_PURPOSES,
    calendar_feeds,
    contact_methods,
    deliveries,
    escalations,
    person_rules,
)
from tocsin.adapters.db.schema.postmortem import POSTMORTEM_STATUSES, postmortems
from tocsin.adapters.db.schema.sends import outbound_sends
from tocsin.adapters.db.schema.statuspage import (
    COMPONENT_STATUSES,
    IMPACTS,
    MAINTENANCE_STATUSES,
    UPDATE_STATUSES,
    status_component_history,
    status_customer_emails,
    status_incidents,
    status_maintenances,
    status_revision,
    status_subscribers,
    status_updates,
)

__all__ = [
    "ALERT_STATUSES",
    "COMPONENT_STATUSES",
    "CONTACT_SOURCES",
    "CUSTODY_ACTIONS",
    "DELIVERY_STATUSES",
    "ESCALATION_STATUSES",
    "EVIDENCE_KINDS",
    "IMPACTS",
    "JOB_STATUSES",
    "LINK_ACTIONS",
    "MAIL_PURPOSES",
    "MAINTENANCE_STATUSES",
    "NAMING_CONVENTION",
    "NOTICE_KINDS",
    "NOTICE_METHODS",
    "OPEN_PHASE_VALUES",
    "PHASES",
    "POSTMORTEM_STATUSES",
    "RISKS",
    "ROLES",
    "SEVERITIES",
    "UPDATE_STATUSES",
    "alert_groups",
    "alerts",
    "api_tokens",
    "breach_notices",
    "breach_recipients",
    "breaches",
    "calendar_feeds",
    "contact_methods",
    "deliveries",
    "deploys",
    "escalations",
    "evidence_custody",
    "evidence_items",
    "github_deliveries",
    "github_issues",
    "incident_id_seq",
    "incidents",
    "install_secrets",
    "jobs",
    "login_failures",
    "metadata",
    "one_of",
    "outbound_sends",
    "page_links",
    "person_rules",
    "postmortems",
    "slack_channels",
    "slack_messages",
    "status_component_history",
    "status_customer_emails",
    "status_incidents",
    "status_maintenances",
    "status_revision",
    "status_subscribers",
    "status_updates",
    "timeline_events",
    "users",
    "web_sessions",
]

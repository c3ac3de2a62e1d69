"""The words the pages show for the domain's values (phases, timeline events, status page
states…), marked here for the catalogs: the domain keeps its English values, and the templates
translate them with ``_()`` (``phase_label``, ``event_label``, or ``_(update.status.label)``)."""

from __future__ import annotations

from tocsin.platform.i18n import N_, gettext

PHASES = {
    "detection": N_("Detection"),
    "triage": N_("Triage"),
    "resolution": N_("Resolution"),
    "post_incident": N_("Post-incident"),
    "closed": N_("Closed"),
}

EVENTS = {
    "declared": N_("declared"),
    "acknowledged": N_("acknowledged"),
    "severity_changed": N_("severity changed"),
    "impact_assessed": N_("impact assessed"),
    "phase_changed": N_("phase changed"),
    "renamed": N_("renamed"),
    "note": N_("note"),
    "resolved": N_("resolved"),
    "reopened": N_("reopened"),
    "closed": N_("closed"),
    "sla_breached": N_("response time breached"),
    "security_marked": N_("security marked"),
    "security_unmarked": N_("security lifted"),
    "security_step": N_("security step"),
    "alert_fired": N_("alert fired"),
    "alert_resolved": N_("alert resolved"),
    "alerts_cleared": N_("alerts cleared"),
    "alerts_truncated": N_("alerts truncated"),
    "severity_proposed": N_("severity proposed"),
    "escalated": N_("escalated"),
    "escalation_stopped": N_("escalation stopped"),
    "notified": N_("notified"),
    "status_drafted": N_("status drafted"),
    "status_posted": N_("status posted"),
    "customer_email": N_("customer email"),
    "github_issue_closed": N_("GitHub issue closed"),
    "github_comment": N_("GitHub comment"),
    "postmortem": N_("post-mortem"),
    "checklist": N_("checklist"),
    "deploy": N_("deploy"),
    "isolation": N_("isolation"),
    "breach": N_("breach"),
}

# shown as ``_(value.label)`` by the templates: the domain's English words, marked once here
SHOWN = (
    # status page updates and components (domain.statuspage)
    N_("Investigating"),
    N_("Identified"),
    N_("Monitoring"),
    N_("Resolved"),
    N_("Operational"),
    N_("Degraded performance"),
    N_("Partial outage"),
    N_("Major outage"),
    N_("Under maintenance"),
    N_("Major Service Outage"),
    N_("Partial System Outage"),
    N_("Minor Service Outage"),
    N_("Service Under Maintenance"),
    N_("All Systems Operational"),
    N_("Scheduled"),
    N_("In progress"),
    N_("Verifying"),
    N_("Completed"),
    # compliance verdicts, post-mortem states (domain.compliance, domain.postmortem)
    N_("met"),
    N_("missed"),
    N_("pending"),
    N_("waived"),
    N_("n/a"),
    N_("Draft"),
    N_("Complete"),
    N_("Waived"),
    # security steps, isolation actions (domain.security_steps, domain.isolation_record)
    N_("to do"),
    N_("in progress"),
    N_("done"),
    N_("not needed"),
    N_("never run"),
    N_("active"),
    N_("undone"),
    N_("failed"),
    # personal-data breaches (domain.breach, domain.breach_communication)
    N_("assessing"),
    N_("notification due"),
    N_("overdue"),
    N_("notified"),
    N_("not required"),
    N_("online form"),
    N_("email"),
    N_("letter"),
    N_("phone"),
    N_("other"),
    N_("unlikely to result in a risk"),
    N_("risk"),
    N_("high risk"),
    N_("high"),
    N_("none"),
    N_("sent"),
    # error page titles (domain.errors, services.signin)
    N_("Domain error"),
    N_("Not found"),
    N_("Invalid transition"),
    N_("Conflict"),
    N_("Invalid input"),
    N_("Forbidden"),
    N_("Sign-in failed"),
    N_("Too many sign-in attempts"),
)


def js_words() -> dict[str, str]:
    """The words ``static/tocsin.js`` writes as the clocks tick (``%s``: the value)."""
    return {
        "ok": gettext("On time"),
        "at_risk": gettext("At risk"),
        "breached": gettext("Breached"),
        "left": gettext("%s left"),
        "overdue": gettext("overdue %s"),
        "ago": gettext("%(duration)s ago") % {"duration": "%s"},
        "days": gettext("%(days)s d %(hours)02d h").replace("%(days)s", "%d").replace("%(hours)02d", "%h"),
        "zone": gettext("times in %(zone)s (UTC on hover)") % {"zone": "%s"},
    }


def phase_label(value: str) -> str:
    return gettext(PHASES.get(value, value))


def event_label(value: str) -> str:
    return gettext(EVENTS.get(value, value.replace("_", " ")))

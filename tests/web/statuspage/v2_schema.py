"""JSON Schemas of Atlassian Statuspage's public API v2, written from its documentation
(any ``*.statuspage.io/api`` page; WIRE-FORMATS.md §2e): field names, types and enums."""

from __future__ import annotations

from typing import Any

TS = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$",
}
NTS = {"anyOf": [TS, {"type": "null"}]}
ID = {"type": "string", "pattern": "^[a-z0-9]{12}$"}
COMPONENT_STATUS = {
    "enum": ["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"]
}


def _obj(required: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": required, **extra}


PAGE = _obj(
    {
        "id": ID,
        "name": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
        "time_zone": {"type": "string"},
        "updated_at": TS,
    }
)

COMPONENT = _obj(
    {
        "id": ID,
        "name": {"type": "string"},
        "status": COMPONENT_STATUS,
        "created_at": TS,
        "updated_at": TS,
        "position": {"type": "integer"},
        "description": {"type": ["string", "null"]},
        "showcase": {"type": "boolean"},
        "start_date": {"type": ["string", "null"], "format": "date"},
        "group_id": {"anyOf": [ID, {"type": "null"}]},
        "page_id": ID,
        "group": {"type": "boolean"},
        "only_show_if_degraded": {"type": "boolean"},
    },
    **{
        "if": {"properties": {"group": {"const": True}}},
        "then": {"required": ["components"], "properties": {"components": {"type": "array", "items": ID}}},
    },
)

AFFECTED = _obj(
    {"code": ID, "name": {"type": "string"}, "old_status": COMPONENT_STATUS, "new_status": COMPONENT_STATUS}
)

INCIDENT_UPDATE = _obj(
    {
        "id": ID,
        "status": {
            "enum": [
                "investigating",
                "identified",
                "monitoring",
                "resolved",
                "postmortem",
                "scheduled",
                "in_progress",
                "verifying",
                "completed",
            ]
        },
        "body": {"type": "string"},
        "incident_id": ID,
        "created_at": TS,
        "updated_at": TS,
        "display_at": TS,
        "affected_components": {"anyOf": [{"type": "array", "items": AFFECTED}, {"type": "null"}]},
        "deliver_notifications": {"type": "boolean"},
        "custom_tweet": {"type": ["string", "null"]},
        "tweet_id": {"type": ["string", "null"]},
    }
)

INCIDENT = _obj(
    {
        "id": ID,
        "name": {"type": "string"},
        "status": {"enum": ["investigating", "identified", "monitoring", "resolved", "postmortem"]},
        "created_at": TS,
        "updated_at": TS,
        "monitoring_at": NTS,
        "resolved_at": NTS,
        "impact": {"enum": ["none", "minor", "major", "critical"]},
        "shortlink": {"type": "string", "format": "uri"},
        "started_at": TS,
        "page_id": ID,
        "incident_updates": {"type": "array", "items": INCIDENT_UPDATE},
        "components": {"type": "array", "items": COMPONENT},
    }
)

MAINTENANCE = {
    **INCIDENT,
    "required": [*INCIDENT["required"], "scheduled_for", "scheduled_until"],
    "properties": {
        **INCIDENT["properties"],
        "status": {"enum": ["scheduled", "in_progress", "verifying", "completed"]},
        "impact": {"const": "maintenance"},
        "scheduled_for": TS,
        "scheduled_until": TS,
    },
}

STATUS = _obj(
    {
        "indicator": {"enum": ["none", "minor", "major", "critical", "maintenance"]},
        "description": {"type": "string"},
    }
)


def _doc(**parts: Any) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **_obj({"page": PAGE, **parts}, additionalProperties=False),
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    "summary.json": _doc(
        components={"type": "array", "items": COMPONENT},
        incidents={"type": "array", "items": INCIDENT},
        scheduled_maintenances={"type": "array", "items": MAINTENANCE},
        status=STATUS,
    ),
    "status.json": _doc(status=STATUS),
    "components.json": _doc(components={"type": "array", "items": COMPONENT}),
    "incidents.json": _doc(incidents={"type": "array", "items": INCIDENT}),
    "incidents/unresolved.json": _doc(
        incidents={
            "type": "array",
            "items": {
                **INCIDENT,
                "properties": {
                    **INCIDENT["properties"],
                    "status": {"enum": ["investigating", "identified", "monitoring"]},
                },
            },
        }
    ),
    "scheduled-maintenances.json": _doc(scheduled_maintenances={"type": "array", "items": MAINTENANCE}),
    "scheduled-maintenances/upcoming.json": _doc(
        scheduled_maintenances={
            "type": "array",
            "items": {
                **MAINTENANCE,
                "properties": {**MAINTENANCE["properties"], "status": {"const": "scheduled"}},
            },
        }
    ),
    "scheduled-maintenances/active.json": _doc(
        scheduled_maintenances={
            "type": "array",
            "items": {
                **MAINTENANCE,
                "properties": {**MAINTENANCE["properties"], "status": {"enum": ["in_progress", "verifying"]}},
            },
        }
    ),
}

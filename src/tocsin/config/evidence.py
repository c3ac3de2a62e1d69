"""``security.evidence``: the forensics evidence locker of security incidents."""

from __future__ import annotations

from pydantic import Field, field_validator

from tocsin.config.fields import error
from tocsin.config.sections import Section

MIB = 1024 * 1024


class EvidenceSettings(Section):
    dir: str = Field(
        default="var/evidence",
        min_length=1,
        description="Where evidence files are kept (absolute, or relative to where tocsin starts, like "
        "runbooks.dir); created on first use, mode 700. Files are named by their SHA-256.",
    )
    max_bytes: int = Field(
        default=100 * MIB, ge=1, le=64 * 1024 * MIB, description="The largest evidence file (413 beyond)."
    )
    loki_url: str = Field(
        default="",
        description="Loki's address (e.g. http://loki:3100) for 'preserve logs'; empty: off.",
    )
    loki_query: str = Field(
        default='{job=~".+"}',
        min_length=1,
        max_length=2000,
        description="The LogQL query 'preserve logs' runs over the incident window unless one is given.",
    )
    loki_page_limit: int = Field(default=1000, ge=1, le=5000, description="Entries per query_range call.")

    @field_validator("loki_url")
    @classmethod
    def _http(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("http://", "https://")):
            raise error("url", f"loki_url must start with http:// or https:// (got {value[:60]!r})")
        return value

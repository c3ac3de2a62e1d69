"""GitHub issues as incident tickets::

    github:
      repository: gilmry/koprogo       # owner/name; GitHub is off without it
      token: ...                       # better: TOCSIN_GITHUB__TOKEN (fine-grained PAT, issues: write)
      api_url: https://api.github.com  # GitHub Enterprise Server: https://<host>/api/v3
      webhook_secret: ...              # verifies X-Hub-Signature-256 on POST /hooks/github
      title: "incident-{date}-{alertname}"   # default "[{severity}] {title}"
      open_for: [P0, P1, P2, P3]       # which severities get an issue (default all)
      extra_labels: [ceremony, priority:high, track:infrastructure]
      comment_batch_seconds: 10        # timeline events within this window share one comment
      import_comments: true            # issue comments are copied to the timeline

Secrets are ``SecretStr``: they never appear in a repr, a dump or a log line.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, SecretStr, field_validator, model_validator

from tocsin.config.fields import StringList, error
from tocsin.config.sections import Section
from tocsin.domain.errors import InvalidInput
from tocsin.domain.github import DEFAULT_TITLE, check_title_template
from tocsin.domain.severity import Severity

_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")


class GithubSettings(Section):
    repository: str = Field(default="", description="owner/name of the repository; empty: GitHub is off.")
    token: SecretStr | None = None
    api_url: str = "https://api.github.com"
    webhook_secret: SecretStr | None = None
    title: str = DEFAULT_TITLE
    open_for: StringList = Field(default_factory=lambda: [s.value for s in Severity])
    extra_labels: StringList = Field(default_factory=list)
    comment_batch_seconds: float = Field(default=10.0, gt=0, le=3600)
    import_comments: bool = True
    timeout_seconds: float = Field(default=10.0, gt=0)
    max_rate_limit_wait_seconds: float = Field(default=60.0, ge=0)

    @field_validator("repository")
    @classmethod
    def _repository(cls, value: str) -> str:
        if value and not _REPOSITORY.match(value):
            raise error("repository", f"write owner/name (got {value!r})")
        return value

    @field_validator("api_url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise error("url", "not an http(s) URL (GitHub Enterprise: https://<host>/api/v3)")
        return value.rstrip("/")

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        try:
            check_title_template(value)
        except InvalidInput as exc:
            raise error("title", str(exc)) from None
        return value

    @field_validator("open_for")
    @classmethod
    def _severities(cls, value: list[str]) -> list[str]:
        known = {s.value for s in Severity}
        for item in value:
            if item.upper() not in known:
                raise error("severity", f"not one of P0, P1, P2, P3: {item!r}")
        return [item.upper() for item in value]

    @model_validator(mode="after")
    def _token_with_repository(self) -> Any:
        if self.repository and self.token is None:
            raise error("github", "github.repository is set but github.token is not")
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.repository)

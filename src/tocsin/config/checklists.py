"""``checklists:``: a team's own lines for a phase's checklist; phases left out keep the plan's.

    checklists:
      resolution:
        - step: "Diagnostiquer :"
          lines: ["Consulter logs (Loki)", "Vérifier métriques (Grafana)"]
        - "Prévenir le support"

Lines are numbered as the plan's are (``3.1.2``: phase 3, step 1, line 2), so ticks refer to
them; a deploy ticks the resolution lines that mention staging, a hotfix or production.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from tocsin.config.sections import Section
from tocsin.domain.checklist import PHASES, Checklist, Step
from tocsin.domain.lifecycle import Phase

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
PhaseName = Literal["detection", "triage", "resolution", "post_incident"]


class StepSettings(Section):
    step: Line
    lines: list[Line] = Field(default_factory=list, max_length=30)


Entry = Line | StepSettings
Checklists = dict[PhaseName, Annotated[list[Entry], Field(min_length=1, max_length=30)]]


def build_checklists(configured: Checklists) -> tuple[Checklist, ...]:
    """The plan's four checklists, with the configured phases' steps in place of the plan's."""
    built = []
    for checklist in PHASES:
        entries = configured.get(checklist.phase.value)  # type: ignore[call-overload]
        if entries is None:
            built.append(checklist)
            continue
        steps = tuple(Step(e) if isinstance(e, str) else Step(e.step, tuple(e.lines)) for e in entries)
        built.append(Checklist(checklist.title, checklist.window, Phase(checklist.phase), steps))
    return tuple(built)

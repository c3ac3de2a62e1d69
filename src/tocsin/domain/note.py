"""Typed notes: what a responder writes during the response, with the kind the Incident Report
needs ("14:35 - Root cause identified: …", "14:40 - Mitigation: …"), so the report comes out of
the response itself instead of being retyped afterwards."""

from __future__ import annotations

from enum import StrEnum


class NoteKind(StrEnum):
    OBSERVATION = "observation"
    HYPOTHESIS = "hypothesis"
    ROOT_CAUSE = "root_cause"
    MITIGATION = "mitigation"
    DECISION = "decision"

    @property
    def label(self) -> str:
        """The words that open the note on the timeline and in the report."""
        return _LABELS[self]


_LABELS = {
    NoteKind.OBSERVATION: "Observation",
    NoteKind.HYPOTHESIS: "Hypothesis",
    NoteKind.ROOT_CAUSE: "Root cause identified",
    NoteKind.MITIGATION: "Mitigation",
    NoteKind.DECISION: "Decision",
}

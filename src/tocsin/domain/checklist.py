"""The plan's phase checklists, word for word (Procédure de Réponse), and its special procedure
for security incidents. Each line a responder can tick has a key numbered as the plan reads:
``3.2.1`` is Phase 3, its second step ("Mitigation immédiate"), first line ("Rollback si
déploiement récent"); a step without lines is ticked itself (``4.1``). Ticks are timeline events,
so who ticked what and when is the incident's own record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from tocsin.domain.lifecycle import Phase


@dataclass(frozen=True, slots=True)
class Step:
    text: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Checklist:
    title: str
    window: str
    phase: Phase
    steps: tuple[Step, ...]


PHASES: tuple[Checklist, ...] = (
    Checklist(
        "Phase 1 : Détection",
        "0-5 min",
        Phase.DETECTION,
        (
            Step("Alerte reçue (Alertmanager, user report, monitoring)"),
            Step("Acknowledge dans Slack #incidents"),
            Step("Évaluer sévérité (P0-P3)"),
            Step("Créer incident ticket (GitHub Issues avec label `incident`)"),
        ),
    ),
    Checklist(
        "Phase 2 : Triage",
        "5-15 min",
        Phase.TRIAGE,
        (
            Step(
                "Vérifier impact :",
                (
                    "Combien d'utilisateurs affectés ?",
                    "Quelles fonctionnalités down ?",
                    "Risque sécurité/données ?",
                ),
            ),
            Step(
                "Escalader si nécessaire :",
                (
                    "P0 → Notifier Lead Engineer + CTO",
                    "P1 → Notifier astreinte SRE",
                    "P2/P3 → Équipe dev normale",
                ),
            ),
            Step(
                "Communication :",
                ("P0/P1 : Mettre à jour https://status.koprogo.com", "Email utilisateurs si prolongé (> 1h)"),
            ),
        ),
    ),
    Checklist(
        "Phase 3 : Résolution",
        "variable",
        Phase.RESOLUTION,
        (
            Step(
                "Diagnostiquer :",
                ("Consulter logs (Loki)", "Vérifier métriques (Grafana)", "Reproduire si possible"),
            ),
            Step(
                "Mitigation immédiate :",
                (
                    "Rollback si déploiement récent",
                    "Restart service si applicable",
                    "Activer mode dégradé si possible",
                ),
            ),
            Step("Fix permanent :", ("Déployer hotfix", "Tester en staging first", "Déployer en production")),
        ),
    ),
    Checklist(
        "Phase 4 : Post-Incident",
        "< 48h",
        Phase.POST_INCIDENT,
        (
            Step("Post-mortem meeting (obligatoire pour P0/P1)"),
            Step(
                "Documentation :",
                (
                    "Timeline des événements",
                    "Root cause analysis (5 Whys)",
                    "Action items pour prévenir récurrence",
                ),
            ),
            Step("Mettre à jour runbooks"),
        ),
    ),
)

SECURITY_PROCEDURE: tuple[Step, ...] = (
    Step("Isolation : Bloquer trafic si nécessaire"),
    Step("Forensics : Préserver logs, snapshots"),
    Step("Notification GDPR : CNIL sous 72h si breach"),
    Step("Communication : Transparent avec utilisateurs"),
    Step("Investigation : Root cause + patch vulnérabilités"),
)


@dataclass(frozen=True, slots=True)
class Item:
    """A line that can be ticked."""

    key: str
    text: str
    phase: Phase
    section: str = ""

    @property
    def mitigation(self) -> bool:
        """Rollback, restart, degraded mode (a "Mitigation" step's lines): the tick should say
        what was done."""
        return "mitigation" in self.section.lower()


def flatten(checklists: Iterable[Checklist]) -> tuple[Item, ...]:
    items = []
    for n, checklist in enumerate(checklists, 1):
        for s, step in enumerate(checklist.steps, 1):
            if not step.details:
                items.append(Item(f"{n}.{s}", step.text, checklist.phase))
            for d, detail in enumerate(step.details, 1):
                items.append(Item(f"{n}.{s}.{d}", detail, checklist.phase, step.text.rstrip(" :")))
    return tuple(items)


def items_of(checklists: Iterable[Checklist]) -> Mapping[str, Item]:
    return {item.key: item for item in flatten(checklists)}


ITEMS: Mapping[str, Item] = items_of(PHASES)


def fix_trail_keys(items: Mapping[str, Item], environment: str) -> tuple[str, ...]:
    """The resolution lines a successful deploy to ``environment`` ticks, by their words: a
    staging deploy the lines about staging; a production deploy those about a hotfix or
    production ("Déployer hotfix", "Déployer en production" in the plan)."""
    words = ("staging",) if environment == "staging" else ("hotfix", "production")
    return tuple(
        key
        for key, item in items.items()
        if item.phase is Phase.RESOLUTION and any(word in item.text.lower() for word in words)
    )


@dataclass(frozen=True, slots=True)
class Tick:
    """The last word on one item: ticked or unticked, by whom, when, with what note."""

    key: str
    done: bool
    at: datetime
    actor: str
    note: str = ""

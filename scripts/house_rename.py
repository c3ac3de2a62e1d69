"""Issue 17 (STRUCTURE): services/ by feature. Rewrites imports and references of the moved
modules in src, tests, bench, docs and README. Re-runnable on a branch written before the move:
    python scripts/house_rename.py [--move] [PACKAGE ...]
    python scripts/house_rename.py [--move] --bootstrap
    python scripts/house_rename.py [--move] --platform
    python scripts/house_rename.py --all      (after merging a branch written before the moves)
``--move`` also runs ``git mv`` (only needed once). Without packages: all of them."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

MOVES: dict[str, dict[str, str]] = {
    "access": {"users": "users", "signin": "signin", "tokens": "tokens", "user_ports": "ports"},
    "outbound": {"outbound": "sends", "outbound_ports": "ports"},
    "security": {
        "breaches": "breaches",
        "breach_communication": "breach_communication",
        "breach_ports": "breach_ports",
        "breach_reminders": "breach_reminders",
        "evidence": "evidence",
        "evidence_logs": "evidence_logs",
        "evidence_ports": "evidence_ports",
        "isolation": "isolation",
        "isolation_ports": "isolation_ports",
        "security_procedure": "procedure",
    },
    "statuspage": {
        "statuspage": "statuspage",
        "statuspage_export": "export",
        "statuspage_ports": "ports",
        "statuspage_view": "view",
        "subscribers": "subscribers",
        "customer_email": "customer_email",
        "maintenance": "maintenance",
    },
    "github": {
        "github": "github",
        "github_actions": "actions",
        "github_inbound": "inbound",
        "github_ports": "ports",
    },
    "slack": {
        "slack": "slack",
        "slack_channels": "channels",
        "slack_jobs": "jobs",
        "slack_ops": "ops",
        "slack_ports": "ports",
    },
    "paging": {
        "paging": "ports",
        "escalation": "escalation",
        "notify": "notify",
        "oncall": "oncall",
        "feeds": "feeds",
        "contacts": "contacts",
        "contact_ports": "contact_ports",
        "pages": "pages",
        "page_links": "page_links",
        "page_link_ports": "page_link_ports",
        "page_link_tokens": "page_link_tokens",
        "phone_ports": "phone_ports",
        "phone_replies": "phone_replies",
        "profile": "profile",
    },
    "incidents": {
        "incidents": "incidents",
        "flags": "flags",
        "checklist": "checklist",
        "timers": "timers",
        "diagnostics": "diagnostics",
        "compliance": "compliance",
        "runbooks": "runbooks",
        "runbook_ports": "runbook_ports",
        "postmortem": "postmortem",
        "postmortem_edit": "postmortem_edit",
        "postmortem_ports": "postmortem_ports",
        "postmortem_reminders": "postmortem_reminders",
        "deploys": "deploys",
        "deploy_ports": "deploy_ports",
    },
    "drill": {"drill": "drill", "drill_checks": "checks"},
}
# The root wiring files become the ``tocsin.bootstrap`` package (``build``/``Container`` re-exported).
BOOTSTRAP = {
    "bootstrap": "container",
    "wiring": "paging",
    "slack_wiring": "slack",
    "github_wiring": "github",
    "wiring_breach": "breach",
    "wiring_statuspage": "statuspage",
    "isolation_wiring": "isolation",
    "evidence_wiring": "evidence",
}
# Cross-cutting helpers that web, cli, worker and adapters all use: out of adapters.
PLATFORM = {"i18n": "i18n", "logs": "logs", "payload": "payload", "json_input": "json_input"}
ROOTS = ["src", "tests", "bench", "docs", "README.md"]
SVC = Path("src/tocsin/services")


def git(*args: str) -> None:
    subprocess.run(["git", *args], check=True)  # noqa: S603, S607


def mapping(packages: list[str]) -> dict[str, tuple[str, str]]:
    return {old: (pkg, new) for pkg in packages for old, new in MOVES[pkg].items()}


def move(packages: list[str]) -> None:
    for pkg in packages:
        (SVC / pkg).mkdir(exist_ok=True)
        init = SVC / pkg / "__init__.py"
        if not init.exists():
            init.write_text("")
            git("add", str(init))
        for old, new in MOVES[pkg].items():
            target = SVC / pkg / f"{new}.py"
            git("mv", str(SVC / f"{old}.py"), str(target))


def move_bootstrap() -> None:
    root = SVC.parent
    (root / "bootstrap").mkdir(exist_ok=True)
    for old, new in BOOTSTRAP.items():
        git("mv", str(root / f"{old}.py"), str(root / "bootstrap" / f"{new}.py"))


def rewrite_bootstrap(text: str) -> str:
    wiring = "|".join(sorted((k for k in BOOTSTRAP if k != "bootstrap"), key=len, reverse=True))
    text = re.sub(rf"tocsin\.({wiring})(?!\w)", lambda mt: f"tocsin.bootstrap.{BOOTSTRAP[mt.group(1)]}", text)
    text = re.sub(
        rf"(?m)^([ \t]*)from tocsin import ({wiring})$",
        lambda mt: f"{mt.group(1)}from tocsin.bootstrap import {BOOTSTRAP[mt.group(2)]} as {mt.group(2)}",
        text,
    )
    return re.sub(
        rf"tocsin/({wiring}|bootstrap)\.py", lambda mt: f"tocsin/bootstrap/{BOOTSTRAP[mt.group(1)]}.py", text
    )


def rewrite_platform(text: str) -> str:
    names = "|".join(sorted(PLATFORM, key=len, reverse=True))
    text = re.sub(
        rf"tocsin\.adapters\.({names})(?!\w)", lambda mt: f"tocsin.platform.{PLATFORM[mt.group(1)]}", text
    )

    def split_from(mt: re.Match[str]) -> str:
        indent, items = mt.group(1), [i.strip() for i in mt.group(2).split(",")]
        moved = [i for i in items if i.split(" as ")[0] in PLATFORM]
        if not moved:
            return mt.group(0)
        kept = [i for i in items if i not in moved]
        lines = [f"{indent}from tocsin.adapters import {', '.join(kept)}"] if kept else []
        return "\n".join([*lines, f"{indent}from tocsin.platform import {', '.join(moved)}"])

    text = re.sub(r"(?m)^([ \t]*)from tocsin\.adapters import ([^(\n]*)$", split_from, text)
    return re.sub(
        rf"tocsin/adapters/({names})\.py", lambda mt: f"tocsin/platform/{PLATFORM[mt.group(1)]}.py", text
    )


def rewrite(text: str, m: dict[str, tuple[str, str]], markdown: bool) -> str:
    names = "|".join(sorted(m, key=len, reverse=True))

    def split_from(match: re.Match[str]) -> str:
        indent, body = match.group(1), match.group(2)
        items = [i.strip() for i in body.replace("(", "").replace(")", "").replace("\\\n", "").split(",")]
        if not any(i.split(" as ")[0].strip() in m for i in items if i):
            return match.group(0)
        keep, lines = [], []
        for item in filter(None, items):
            name = item.split(" as ")[0].strip()
            if name in m:
                pkg, new = m[name]
                alias = item.split(" as ")[1].strip() if " as " in item else name
                tail = "" if alias == new else f" as {alias}"
                lines.append(f"{indent}from tocsin.services.{pkg} import {new}{tail}")
            else:
                keep.append(item)
        if keep:
            lines.insert(0, f"{indent}from tocsin.services import {', '.join(keep)}")
        return "\n".join(lines)

    modules = {pkg: set(MOVES[pkg].values()) | {f.stem for f in (SVC / pkg).glob("*.py")} for pkg in MOVES}
    pkg_modules = "|".join(sorted(set().union(*modules.values()) | set(MOVES)))
    after = rf"(?!\w|\.(?:{pkg_modules})(?!\w))"  # already moved: ``services.slack.ports``

    def dotted(mt: re.Match[str]) -> str:
        pkg, new = m[mt.group(2)]
        imported = re.match(r"[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", mt.string[mt.end() :])
        if mt.group(2) in MOVES and imported:  # ``from tocsin.services.slack import ports``: moved
            listed = imported.group(1).strip("()").split(",")
            names = {n.split(" as ")[0].strip() for n in listed} - {""}
            if names <= modules[mt.group(2)]:
                return mt.group(0)
        return f"{mt.group(1)}services.{pkg}.{new}"

    text = re.sub(rf"(tocsin\.)services\.({names}){after}", dotted, text)
    text = re.sub(rf"(``)services\.({names}){after}", dotted, text)
    path = lambda mt: f"services/{m[mt.group(1)][0]}/{m[mt.group(1)][1]}.py"  # noqa: E731
    text = re.sub(rf"(?<![\w/])services/({names})\.py", path, text)
    text = re.sub(r"(?m)^([ \t]*)from tocsin\.services import (\([^)]*\)|[^\n]*)", split_from, text)
    if markdown:
        text = re.sub(rf"(`)services\.({names}){after}", dotted, text)
    return text


def files_to_rewrite() -> list[Path]:
    return [
        p
        for r in ROOTS
        for p in ([Path(r)] if Path(r).is_file() else Path(r).rglob("*"))
        if p.is_file() and p.suffix in {".py", ".md", ".toml", ".cfg", ".txt", ".yaml", ".ini"}
    ]


def rewrite_files(change: Callable[[str, bool], str]) -> None:
    for f in files_to_rewrite():
        text = f.read_text()
        if (new := change(text, f.suffix == ".md")) != text:
            f.write_text(new)


def main(argv: list[str]) -> None:
    move_too = "--move" in argv
    if "--platform" in argv:
        if move_too:
            (SVC.parent / "platform").mkdir(exist_ok=True)
            for old, new in PLATFORM.items():
                adapters, platform = SVC.parent / "adapters", SVC.parent / "platform"
                git("mv", str(adapters / f"{old}.py"), str(platform / f"{new}.py"))
        rewrite_files(lambda text, _: rewrite_platform(text))
    elif "--bootstrap" in argv:
        if move_too:
            move_bootstrap()
        rewrite_files(lambda text, _: rewrite_bootstrap(text))
    elif "--all" in argv:  # a branch written before the moves: rewrite its references, move nothing
        m = mapping(list(MOVES))
        rewrite_files(lambda text, md: rewrite_platform(rewrite_bootstrap(rewrite(text, m, md))))
    else:
        packages = [a for a in argv if not a.startswith("--")] or list(MOVES)
        if move_too:
            move(packages)
        m = mapping(packages)
        rewrite_files(lambda text, md: rewrite(text, m, md))


if __name__ == "__main__":
    main(sys.argv[1:])

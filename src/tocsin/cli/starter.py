"""``tocsin init DIR``: a directory to run tocsin from, outside any checkout: a commented
``tocsin.yaml`` (the demo's, with fresh random secrets and paths inside DIR), the sample
runbook, and the next steps."""

from __future__ import annotations

import re
import secrets
import shutil
from importlib.resources import as_file, files
from pathlib import Path
from typing import Annotated

import typer

from tocsin.cli.runtime import fail, out
from tocsin.config import ConfigError, load_settings_file

CONFIG = "tocsin.yaml"


def starter_config(directory: Path, *, port: int) -> str:
    """The demo configuration made DIR's own: its database and runbooks inside DIR, the port,
    and a fresh secret for every source (the demo's are public)."""
    text = (files("tocsin") / "documents" / "demo.yaml").read_text(encoding="utf-8")
    base_url = f"http://127.0.0.1:{port}"
    replacements = [
        (
            r"(?m)^(  url: )sqlite:///\./var/tocsin\.db(\s+#.*)?$",
            rf"\g<1>sqlite:///{directory / 'var' / 'tocsin.db'}",
        ),
        (r"(?m)^(  port: )8080$", rf"\g<1>{port}"),
        (r"(?m)^(  base_url: )http://127\.0\.0\.1:8080", rf"\g<1>{base_url}"),
        (r"(?m)^(  dir: )examples/runbooks(\s+#.*)?$", rf"\g<1>{directory / 'runbooks'}"),
        (r"http://127\.0\.0\.1:8080/hooks/", f"{base_url}/hooks/"),
    ]
    for pattern, replacement in replacements:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"token: demo-[a-z]+-token", lambda _: f"token: {secrets.token_urlsafe(32)}", text)
    header = (
        f"# Written by `tocsin init {directory}`: start tocsin with TOCSIN_CONFIG={directory / CONFIG}\n"
        "# The source tokens below are fresh random secrets: give each to the sender that uses it.\n"
    )
    return header + text


def init(
    directory: Annotated[
        Path, typer.Argument(help="Where tocsin will keep its config, database and runbooks.")
    ],
    port: Annotated[int, typer.Option(min=1, max=65535, help="The port tocsin serves on.")] = 8080,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing tocsin.yaml.")] = False,
) -> None:
    """Write DIR/tocsin.yaml (commented, fresh secrets) and a sample runbook; print the next steps."""
    directory = directory.expanduser().resolve()
    target = directory / CONFIG
    if target.exists() and not force:
        raise fail(f"{target} exists already: keep it, or run again with --force to replace it", 2)
    (directory / "var").mkdir(parents=True, exist_ok=True)
    runbooks = directory / "runbooks"
    runbooks.mkdir(exist_ok=True)
    with as_file(files("tocsin") / "documents" / "runbooks") as shipped:
        for sample in sorted(Path(shipped).glob("*.md")):
            if not (runbooks / sample.name).exists():
                shutil.copyfile(sample, runbooks / sample.name)
    target.write_text(starter_config(directory, port=port), encoding="utf-8")
    target.chmod(0o600)  # it holds the sources' secrets
    try:
        load_settings_file(target)
    except ConfigError as error:  # pragma: no cover - the shipped demo is checked by the suite
        raise fail(f"the starter configuration does not load: {error}", 6) from None
    out.print(f"Wrote {target} (mode 600: it holds secrets) and {runbooks}/.")
    out.print("Next:")
    out.print(f"  export TOCSIN_CONFIG={target}")
    out.print("  tocsin db upgrade")
    out.print("  tocsin user create you@example.org --role admin")
    out.print("  tocsin serve")
    out.print(f"then open http://127.0.0.1:{port}/sign-in")

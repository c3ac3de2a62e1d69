"""The evidence locker in a real browser: a security analyst uploads a screenshot and a log
with a path in its name, registers a snapshot, puts the locker under legal hold, verifies it
and exports it; a responder in the same room sees no locker."""

from __future__ import annotations

import hashlib
import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PASSWORD, serve
from tests.browser.test_responder_flow import console_errors, shot, sign_in  # noqa: F401
from tests.web.evidence_helpers import security_incident
from tocsin.domain.access import SYSTEM, Role
from tocsin.services.access.users import create_user

pytestmark = pytest.mark.slow

# a 1x1 PNG: what a screenshot upload looks like on the wire
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


@pytest.fixture
def locker_server(tmp_path):
    extra = {"security": {"evidence": {"dir": str(tmp_path / "locker"), "max_bytes": 1024 * 1024}}}
    yield from serve(tmp_path, extra)


def test_upload_hold_verify_and_export(page: Page, locker_server, artifacts, tmp_path, console_errors):  # noqa: F811
    services = locker_server.container.services
    create_user(
        services,
        locker_server.container.passwords,
        email="security@example.org",
        role=Role.SECURITY,
        password=PASSWORD,
        name="Sam Security",
        by=SYSTEM,
    )
    incident = security_incident(services)
    base = locker_server.url
    sign_in(page, base, "security@example.org")
    page.goto(f"{base}/incidents/{incident}")
    locker = page.locator("#evidence")
    expect(locker).to_contain_text("Nothing in the locker yet")

    screenshot = {"name": "defaced-login.png", "mimeType": "image/png", "buffer": PNG}
    locker.get_by_label("File").set_input_files(files=[screenshot])
    locker.get_by_label("Description").fill("login page as seen at 10:02 UTC")
    locker.get_by_role("button", name="Upload evidence").click()
    expect(page.locator(".flash")).to_contain_text("Evidence added: defaced-login.png")

    log = tmp_path / "auth.log"
    log.write_bytes(b"Accepted password for admin from 203.0.113.9\n")
    page.locator("#evidence").get_by_label("File").set_input_files(
        files=[{"name": "../../etc/auth.log", "mimeType": "text/plain", "buffer": log.read_bytes()}]
    )
    page.locator("#evidence").get_by_role("button", name="Upload evidence").click()
    expect(page.locator(".flash")).to_contain_text("Evidence added: auth.log")

    page.locator("#evidence").get_by_label("Reference").fill("snap-0abc1234def")
    page.locator("#evidence").get_by_label("Label").fill("EBS snapshot of db-1")
    page.locator("#evidence").get_by_role("button", name="Add reference").click()
    expect(page.locator(".flash")).to_contain_text("Reference added: EBS snapshot of db-1")

    stored = sorted(p.name for p in (tmp_path / "locker").iterdir())
    assert stored == sorted([hashlib.sha256(PNG).hexdigest(), hashlib.sha256(log.read_bytes()).hexdigest()])

    page.locator("#evidence").get_by_role("button", name="Legal hold").click()
    expect(page.locator(".flash")).to_contain_text("Legal hold on")
    locker = page.locator("#evidence")
    expect(locker.locator(".hold-tag")).to_have_text("legal hold")
    expect(locker.get_by_role("button", name="Delete defaced-login.png")).to_have_count(0)
    locker.get_by_role("button", name="Verify").click()
    expect(page.locator(".flash")).to_contain_text("Verified: 4 custody entries and every file intact")
    locker = page.locator("#evidence")
    expect(locker).to_contain_text("Custody log intact")
    locker.scroll_into_view_if_needed()
    shot(page, artifacts / "30-evidence-locker.png")
    locker.screenshot(path=artifacts / "31-evidence-card.png")

    with page.expect_download() as download:
        page.locator("#evidence").get_by_role("link", name="Export (.zip)").click()
    assert download.value.suggested_filename.startswith(f"incident-{incident}-evidence-")
    with zipfile.ZipFile(download.value.path()) as archive:
        assert {"files/1-defaced-login.png", "files/2-auth.log", "manifest.json", "MANIFEST.sha256"} <= set(
            archive.namelist()
        )
        assert archive.read("files/1-defaced-login.png") == PNG

    with page.expect_download() as download:
        page.locator("#evidence").get_by_role("link", name="defaced-login.png").click()
    assert download.value.suggested_filename == "defaced-login.png"
    assert console_errors == []


def test_a_responder_sees_no_locker(page: Page, locker_server):
    incident = security_incident(locker_server.container.services)
    sign_in(page, locker_server.url, "responder@example.org")
    page.goto(f"{locker_server.url}/incidents/{incident}")
    expect(page.locator("#evidence")).to_have_count(0)
    response = page.goto(f"{locker_server.url}/incidents/{incident}/evidence/export")
    assert response is not None
    assert response.status == 404

"""The profile page in a real browser: Nora (the responder account) adds her SMS number, has a
code sent to it (a recording SMS channel keeps the text), enters the code, and changes her
notification rule and quiet hours. Screenshots in ``test-artifacts/profile-*.png``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, serve
from tests.browser.test_responder_flow import console_errors, shot, sign_in  # noqa: F401
from tests.paging_plan import Recorder
from tocsin.domain.contacts import QuietHours, RuleEntry
from tocsin.services.paging import contacts

pytestmark = pytest.mark.slow

PEOPLE = {
    "nora": {
        "name": "Nora Janssens",
        "email": "responder@example.org",
        "timezone": "Europe/Brussels",
        "contact": {"push": "nora-pager", "verified": True},
    }
}


@pytest.fixture
def sms() -> Recorder:
    return Recorder("sms")


@pytest.fixture
def server(tmp_path: Path, sms: Recorder) -> Iterator[LiveServer]:
    channels = {"sms": sms, "voice": Recorder("voice"), "push": Recorder("push"), "email": Recorder("email")}
    yield from serve(tmp_path, {"people": PEOPLE}, channels=channels)


def test_add_an_sms_number_verify_it_and_change_the_rules(
    page: Page,
    server: LiveServer,
    sms: Recorder,
    artifacts,
    console_errors,  # noqa: F811
):
    sign_in(page, server.url, "responder@example.org")
    page.get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", name="Profile", exact=True)).to_be_visible()

    expect(page.get_by_label("Method", exact=True)).to_have_value("sms")  # the phone first
    page.get_by_label("Number or topic").fill("0470 12 34 56")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("does not start with + and the country code")
    shot(page, artifacts / "profile-1-bad-number.png")
    page.get_by_label("Number or topic").fill("+32 470 12 34 56")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("SMS +32470123456 added")

    sms_row = page.locator("li.method", has_text="+32470123456")
    expect(sms_row).to_contain_text("Not verified")
    sms_row.get_by_role("button", name="Send a code to +32470123456").click()
    expect(page.locator(".flash")).to_contain_text("A code was sent by SMS to +32470123456")
    expect(page.get_by_label("Code sent to +32470123456")).to_be_visible()
    shot(page, artifacts / "profile-2-code-sent.png")
    (message,) = sms.sent
    assert message.address == "+32470123456"
    code = re.search(r"\b(\d{6})\b", message.text).group(1)  # type: ignore[union-attr]

    wrong = "000000" if code != "000000" else "111111"
    page.get_by_label("Code sent to +32470123456").fill(wrong)
    page.locator("li.method", has_text="+32470123456").get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("That is not the code sent: 4 attempts left.")
    page.get_by_label("Code sent to +32470123456").fill(code)
    page.locator("li.method", has_text="+32470123456").get_by_role("button", name="Verify").click()
    expect(page.locator(".flash")).to_contain_text("+32470123456 is verified: pages may use it now.")
    expect(page.locator("li.method", has_text="+32470123456")).to_contain_text("Verified")

    rules = page.locator("section", has=page.get_by_role("heading", name="Notification rules"))
    rules.get_by_role("checkbox", name="E-mail").uncheck()
    rules.get_by_label("SMS: minutes after the page").fill("1")
    rules.get_by_label("Voice call: minutes after the page").fill("4")
    rules.get_by_label("Hold P2 and P3 pages during quiet hours").check()
    rules.locator("input[name=quiet_start]").fill("23:00")
    rules.locator("input[name=quiet_end]").fill("07:30")
    rules.get_by_role("button", name="Save rules").click()
    expect(page.locator(".flash")).to_contain_text("Notification rules saved.")
    expect(rules.get_by_label("SMS: minutes after the page")).to_have_value("1")
    shot(page, artifacts / "profile-3-verified-and-rules.png")

    svc = server.container.services
    nora = svc.paging.directory.people["nora"]
    with svc.read() as uow:
        saved = contacts.rule_of(svc, uow, nora)
    assert saved.rule == (
        RuleEntry("push", timedelta(0)),
        RuleEntry("sms", timedelta(minutes=1)),
        RuleEntry("voice", timedelta(minutes=4)),
    )
    assert saved.quiet == QuietHours(time(23, 0), time(7, 30), "Europe/Brussels")
    refused = "the server responded with a status of 422"  # the two refused forms, as meant
    assert [e for e in console_errors if refused not in e] == []

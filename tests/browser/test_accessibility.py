"""Every page, light and dark, desktop and phone: an axe-core audit (axe-playwright-python ships
axe-core; nothing is fetched) that fails on any serious or critical violation or on a page wider
than the screen, and a full-page screenshot of each in
``test-artifacts/pages/<page>-<size>-<scheme>.png``. Then the layout faults users reported.

One server for the module, one browser context per size and scheme. The whole rule set runs on
the desktop light pages; the other three renderings of the same HTML run the rules whose outcome
depends on colours and layout (contrast, links told apart from text, scrollable regions), which
keeps the four passes within a minute and a half."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, FloatRect, Locator, Page, expect

from tests.browser.conftest import PASSWORD
from tests.browser.every_page import ADMIN, Site, every_page

pytestmark = pytest.mark.slow

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")
BLOCKING = ("serious", "critical")
RENDERING_RULES = ["color-contrast", "link-in-text-block", "scrollable-region-focusable", "meta-viewport"]
AXE = Axe()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from every_page(tmp_path_factory.mktemp("every-page"))


def _violations(page: Page, everything: bool) -> list[str]:
    options: dict[str, Any] = {"resultTypes": ["violations"], "preload": False}
    if not everything:
        options["runOnly"] = {"type": "rule", "values": RENDERING_RULES}
    found = []
    for v in AXE.run(page, options=options).response["violations"]:
        if v["impact"] in BLOCKING:
            targets = "; ".join(", ".join(n["target"]) for n in v["nodes"][:6])
            found.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['help']} — {targets}")
    return found


def _visit(page: Page, url: str, shot: str, everything: bool) -> list[str]:
    response = page.goto(url)
    assert response is not None, url
    assert response.ok, f"{url}: {response.status}"
    assert response.url == url or not response.request.redirected_from, f"{url} redirected"
    page.screenshot(path=shot, full_page=True, animations="disabled")
    sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    layout = [f"the page scrolls sideways by {sideways} px"] if sideways > 0 else []
    return layout + _violations(page, everything)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_has_no_serious_accessibility_violation(
    browser: Browser, site: Site, artifacts, size: str, scheme: str
):
    folder = artifacts / "pages"
    folder.mkdir(exist_ok=True)
    everything = (size, scheme) == ("desktop", "light")
    context = browser.new_context(viewport=SIZES[size], color_scheme=scheme, locale="en-GB")  # type: ignore[arg-type]
    page = context.new_page()
    report: dict[str, list[str]] = {}
    try:
        shot = folder / f"sign-in-{size}-{scheme}.png"
        report["sign-in"] = _visit(page, f"{site.url}/sign-in", str(shot), everything)
        page.get_by_label("Email").fill(ADMIN)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
        for name, path in site.pages.items():
            shot = folder / f"{name}-{size}-{scheme}.png"
            report[name] = _visit(page, site.url + path, str(shot), everything)
    finally:
        context.close()
    lines = [f"{name}: {v}" for name, found in report.items() for v in found]
    (folder / f"axe-{size}-{scheme}.txt").write_text("".join(f"{line}\n" for line in lines))
    assert not lines, f"{size} {scheme}: serious or critical axe violations\n" + "\n".join(lines)


@contextmanager
def _signed_in(browser: Browser, site: Site) -> Iterator[Page]:
    context = browser.new_context(viewport=SIZES["desktop"])  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{site.url}/sign-in")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    try:
        yield page
    finally:
        context.close()


def _box(locator: Locator) -> FloatRect:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


def test_the_dashboard_shows_every_column_at_1440_px(browser: Browser, site: Site):
    with _signed_in(browser, site) as page:
        card = _box(page.locator("section", has=page.get_by_role("heading", name="Open incidents")))
        detected = _box(page.get_by_role("columnheader", name="Detected"))
        long_name = _box(page.get_by_role("cell", name="camille.martin-dupont@koprogo.example.org"))
    assert detected["x"] + detected["width"] <= card["x"] + card["width"], "Detected is cut"
    assert long_name["x"] + long_name["width"] <= detected["x"]


def test_the_components_checkboxes_sit_on_their_labels_line(browser: Browser, site: Site):
    with _signed_in(browser, site) as page:
        page.goto(site.url + site.pages["room"])
        panel = page.locator("#status-updates")
        boxes = [panel.get_by_role("checkbox", name=name) for name in ("API", "Login", "Payments")]
        geometry = [(_box(b), _box(b.locator("xpath=.."))) for b in boxes]
    for box, label in geometry:
        assert label["height"] < 2 * box["height"] + 12, "the checkbox and its name are on one line"
        assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < 4


def test_the_public_subscribe_form_is_styled(browser: Browser, site: Site):
    context = browser.new_context(viewport=SIZES["desktop"])  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{site.url}/status/")
    form = page.get_by_role("region", name="Get updates by email")
    email = _box(form.get_by_label("Email address"))
    button = form.get_by_role("button", name="Subscribe")
    background = button.evaluate("b => getComputedStyle(b).backgroundColor")
    padding = button.evaluate("b => parseFloat(getComputedStyle(b).paddingLeft)")
    context.close()
    assert email["width"] >= 400, "the address field is a comfortable width"
    assert background == "rgb(9, 105, 218)", "the button is the page's blue, not the browser's grey"
    assert padding >= 12

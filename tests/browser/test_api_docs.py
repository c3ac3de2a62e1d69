"""``/api/v1/docs`` renders from tocsin's own (vendored) Swagger UI, with no network beyond
tocsin itself, under its Content-Security-Policy."""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect


def test_the_api_explorer_works_offline_under_its_csp(page: Page, live_server, artifacts):
    elsewhere: list[str] = []

    def offline(route: Route) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )
    page.on("pageerror", lambda error: refused.append(str(error)))

    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert response is not None
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("tocsin")
    expect(page.get_by_text("/api/v1/incidents/{incident_id}/acknowledge")).to_be_visible()
    page.screenshot(path=artifacts / "api-docs.png")

    assert elsewhere == []
    assert refused == []

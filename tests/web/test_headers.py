"""Every HTML response carries the browser security headers: CSP with frame-ancestors,
nosniff, Referrer-Policy — the UI, the sign-in page, the API docs and the public status page."""

from __future__ import annotations

import pytest

from tocsin.web.headers import DOCS_CSP, STATUS_CSP, UI_CSP

PAGES = [
    ("/sign-in", UI_CSP),
    ("/api/v1/docs", DOCS_CSP),
    ("/status/", STATUS_CSP),
    ("/status/history", STATUS_CSP),
    ("/status/subscribe/confirm?token=nope", STATUS_CSP),
    ("/status/unsubscribe?token=nope", STATUS_CSP),
]


@pytest.mark.parametrize(("path", "csp"), PAGES)
def test_html_pages_carry_the_security_headers(client, path, csp):
    response = client.get(path)

    assert response.headers["content-type"].startswith("text/html"), response.status_code
    assert response.headers["content-security-policy"] == csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"


def test_a_not_modified_status_page_keeps_them(client):
    first = client.get("/status/")
    again = client.get("/status/", headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 304
    assert again.headers["content-security-policy"] == STATUS_CSP


def test_the_status_csp_allows_exactly_the_pages_own_stylesheet(client):
    """No inline style attribute and no script: the hash covers the one <style> block."""
    html = client.get("/status/").text

    assert "style=" not in html
    assert "<script" not in html
    assert html.count("<style>") == 1


def test_json_is_left_alone(client):
    response = client.get("/healthz")

    assert "content-security-policy" not in response.headers

"""The content security policy in a real browser: the pages keep their stylesheet and the
browser reports no violation; the API documentation page still starts (its CDN assets are
served by the test, as there is no network here, under their real addresses)."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, Route, expect

pytestmark = pytest.mark.browser

# Stands in for the Swagger UI bundle: does what the page's inline script needs of it.
SWAGGER_STAND_IN = """
window.SwaggerUIBundle = function (config) {
  fetch(config.url).then(r => r.json()).then(spec => {
    document.querySelector(config.dom_id).textContent = "loaded " + spec.info.title;
  });
};
window.SwaggerUIBundle.presets = {apis: {}};
window.SwaggerUIBundle.SwaggerUIStandalonePreset = {};
"""


def _violations(page: Page) -> list[str]:
    seen: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", note)
    return seen


@pytest.mark.parametrize("path", ["/", "/request?lang=sv", "/privacy?lang=en", "/login"])
def test_the_pages_keep_their_stylesheet_without_violations(
    page: Page, site: str, path: str
) -> None:
    violations = _violations(page)
    page.goto(f"{site}{path}")
    sheets = page.evaluate("document.styleSheets.length")
    assert sheets == 1  # the login page too (issue 17: it had none)
    assert violations == []


def test_the_api_documentation_still_starts(page: Page, site: str) -> None:
    violations = _violations(page)

    def cdn(route: Route) -> None:
        if route.request.url.endswith(".js"):
            route.fulfill(body=SWAGGER_STAND_IN, content_type="text/javascript")
        else:
            route.fulfill(body="", content_type="text/css")

    page.route("https://cdn.jsdelivr.net/**", cdn)
    page.route("https://fastapi.tiangolo.com/**", lambda r: r.fulfill(status=204))
    page.goto(f"{site}/docs")
    expect(page.locator("#swagger-ui")).to_have_text("loaded Rekisteri")
    assert violations == []

"""Every response carries the security headers: pages, the API, static files, errors; the
documentation pages get a policy allowing exactly what they load."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp

ANSWERS = [
    ("GET", "/"),
    ("GET", "/privacy?lang=sv"),
    ("GET", "/request"),
    ("GET", "/login"),
    ("GET", "/console"),  # a redirect to the login page
    ("GET", "/static/site.css"),
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/persons/1"),  # 401
    ("GET", "/no/such/page"),  # 404
    ("GET", "/api/v1/persons/%00"),  # 422 from the NUL guard
    ("POST", "/logout"),
    ("GET", "/openapi.json"),
]


@pytest.fixture
def client(register: RegisterApp) -> TestClient:
    return TestClient(create_app(register), base_url="https://testserver")


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


def test_every_answer_forbids_framing_sniffing_referrers_and_scripts(client: TestClient) -> None:
    for method, path in ANSWERS:
        answer = client.request(method, path, follow_redirects=False)
        h = answer.headers
        assert h.get("x-frame-options") == "DENY", path
        assert h.get("x-content-type-options") == "nosniff", path
        assert h.get("referrer-policy") == "no-referrer", path
        policy = _directives(h.get("content-security-policy", ""))
        assert policy.get("default-src") == ["'none'"], path
        assert "script-src" not in policy, path  # no JavaScript on the site at all
        assert policy["style-src"] == ["'self'"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        assert policy["form-action"] == ["'self'"], path


def _allows(sources: list[str], url: str) -> bool:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" in sources


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_the_documentation_pages_policy_allows_what_they_load(
    client: TestClient, path: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["x-frame-options"] == "DENY"
    policy = _directives(answer.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    html = answer.text
    for script in re.findall(r"<script>(.*?)</script>", html, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]
    for src in re.findall(r'<script src="([^"]+)"', html):
        assert _allows(policy["script-src"], src), src
    for href in re.findall(r'<link[^>]*rel="stylesheet"[^>]*>', html):
        url = re.search(r'href="([^"]+)"', href)
        assert url and _allows(policy["style-src"], url[1]), href
    for icon in re.findall(r'rel="shortcut icon" href="([^"]+)"', html):
        assert _allows(policy["img-src"], icon), icon
    assert "'self'" in policy.get("connect-src", []) or path == "/docs/oauth2-redirect"

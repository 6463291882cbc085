"""Security headers on every response, pages and API alike.

The site's pages run no JavaScript and load one stylesheet from /static, so their policy allows
nothing else: no script at all, styles only from this site, no framing (frame-ancestors and,
for older browsers, X-Frame-Options), forms posting only here. FastAPI's documentation pages
(Swagger UI, ReDoc) load their scripts and styles from a CDN and start with an inline script;
they get a policy of their own that allows exactly those assets and the inline scripts by their
hashes, computed from the page as served. No referrer is sent anywhere: the preference centre's
addresses carry personal signed links.
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
CDN = "https://cdn.jsdelivr.net"
# What FastAPI's documentation pages load (fastapi.openapi.docs); the test of this module
# fails if a page starts loading anything these do not allow. Swagger UI styles its elements
# inline, hence 'unsafe-inline' for styles (never for scripts) on these pages only.
DOCS_POLICY = (
    "default-src 'none'; script-src {scripts}; "
    f"style-src {CDN} https://fonts.googleapis.com 'unsafe-inline'; "
    f"img-src 'self' data: {CDN} https://fastapi.tiangolo.com; font-src https://fonts.gstatic.com; "
    "connect-src 'self'; worker-src blob:; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
ALWAYS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def docs_policy(html: bytes) -> str:
    """The documentation page's policy: the CDN and each of its inline scripts by hash."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in INLINE_SCRIPT.findall(html)
    ]
    return DOCS_POLICY.format(scripts=" ".join([CDN, *hashes]))


class SecurityHeaders:
    """An ASGI middleware, so that every response (errors and static files too) gets them.

    `form_targets`: origins besides this site that a form's post may end at. The logout form
    of a login by sign-on is answered with a redirect to the provider's end-session page, and
    browsers hold a form's redirects to form-action too."""

    def __init__(self, app: ASGIApp, form_targets: tuple[str, ...] = ()) -> None:
        self.app = app
        self.page_policy = PAGE_POLICY.replace(
            "form-action 'self'", " ".join(["form-action 'self'", *form_targets])
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path") in DOCS_PATHS:
            await self._documentation(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _set(message, self.page_policy)
            await send(message)

        await self.app(scope, receive, with_headers)

    async def _documentation(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A small page, held until whole so that its inline scripts can be hashed."""
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        body = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
        for message in held:
            if message["type"] == "http.response.start":
                _set(message, docs_policy(body))
                await send(message)
        await send({"type": "http.response.body", "body": body, "more_body": False})  # as held


def _set(start: Message, policy: str) -> None:
    headers = MutableHeaders(scope=start)
    headers["Content-Security-Policy"] = policy
    for name, value in ALWAYS.items():
        headers[name] = value

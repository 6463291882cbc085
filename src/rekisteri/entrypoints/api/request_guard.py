"""Checks of every request before any route runs."""

from __future__ import annotations

from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rekisteri.entrypoints.api.problems import problem


class RefuseNulCharacters:
    """No path, query or body may carry a NUL character: no real value has one, and PostgreSQL
    cannot store one. Refused as bad input (422) before any route runs. An ASGI middleware, so
    that the body it reads is handed on whole to JSON and form routes alike."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        headers = dict(scope.get("headers", []))
        form = headers.get(b"content-type", b"").startswith(b"application/x-www-form-urlencoded")
        where = unquote(scope.get("path", "")) + unquote(
            scope.get("query_string", b"").decode("latin-1")
        )
        if "\x00" in where or b"\x00" in body or b"\\u0000" in body or (form and b"%00" in body):
            refused = problem(422, "request: contains a NUL character")
            await refused(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

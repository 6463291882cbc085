"""Checks of every request before anything reads its body, authentication and routes included.

- Size (413): a body larger than its route's limit (`body_limits.limit_for`) is refused at once,
  before a byte of it is read when Content-Length says so, and as soon as a streamed (chunked)
  body passes the limit. Reading stops there and the connection is closed, so a caller without
  a token cannot make the server hold more than one limit's worth of body per request.
- NUL (422): no path, query or text body may carry a NUL character: no real value has one, and
  PostgreSQL cannot store one. A text body (JSON, forms, text/*, or one without a type) is read
  here chunk by chunk, checked as it comes, and handed on whole to JSON and form routes alike.
  A binary body is not checked (a 0 byte is data there) and streams on to the route, counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rekisteri.entrypoints.api.body_limits import LIMITS, limit_for
from rekisteri.entrypoints.api.problems import ProblemCode, problem

# How a NUL is spelled in a text body: raw, escaped in JSON, and percent-encoded in a form.
_TEXT_NUL = (b"\x00", b"\\u0000")
_FORM_NUL = (*_TEXT_NUL, b"%00")


def nul_spellings(content_type: bytes) -> tuple[bytes, ...] | None:
    """The spellings of NUL to look for in a body of this type; None for a binary body."""
    media = content_type.split(b";", 1)[0].strip().lower()
    if media == b"application/x-www-form-urlencoded":
        return _FORM_NUL
    # multipart/form-data too: the form routes take it, and its fields go to the same columns.
    text = (b"", b"application/json", b"multipart/form-data")
    if media in text or media.endswith(b"+json") or media.startswith(b"text/"):
        return _TEXT_NUL
    return None


class NulScanner:
    """Finds a spelling of NUL in a body fed chunk by chunk, also one split across chunks."""

    def __init__(self, spellings: tuple[bytes, ...]) -> None:
        self.spellings = spellings
        self.overlap = max(len(s) for s in spellings) - 1
        self.tail = b""  # the body's last `overlap` bytes so far

    def found_in(self, chunk: bytes) -> bool:
        # The seam holds any spelling that begins in earlier chunks and ends in this one.
        seam = self.tail + chunk[: self.overlap]
        self.tail = (self.tail + chunk[-self.overlap :])[-self.overlap :]
        return any(s in chunk or s in seam for s in self.spellings)


class RequestGuard:
    """The body limit and the NUL check, as an ASGI middleware outside every route."""

    def __init__(
        self, app: ASGIApp, *, default_limit: int, limits: Mapping[str, int] = LIMITS
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = unquote(scope.get("path", "")) + unquote(
            scope.get("query_string", b"").decode("latin-1")
        )
        if "\x00" in where:
            await _nul()(scope, receive, send)
            return
        limit = limit_for(scope.get("path", ""), self.default_limit, self.limits)
        headers = dict(scope.get("headers", []))
        declared = _content_length(headers.get(b"content-length"))
        if declared is not None and declared > limit:
            await _too_large(limit)(scope, receive, send)
            return
        spellings = nul_spellings(headers.get(b"content-type", b""))
        if spellings is None:
            counted = _CountedBody(scope, receive, send, limit)
            await self.app(scope, counted.receive, counted.send)
            return
        scanner = NulScanner(spellings)
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away mid-body: there is no one to answer
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(limit)(scope, receive, send)
                return
            if scanner.found_in(chunk):
                await _nul()(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class _CountedBody:
    """A binary body streamed on to the route and counted: past the limit the caller gets 413
    (unless the route has begun its answer, which then ends), and the route sees the client
    gone, so it stops reading."""

    def __init__(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        self.scope, self._receive, self._send, self.limit = scope, receive, send, limit
        self.received = 0
        self.over = False
        self.started = False  # the route has begun its answer

    async def receive(self) -> Message:
        if self.over:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                self.over = True
                if not self.started:
                    await _too_large(self.limit)(self.scope, self._receive, self._send)
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: Message) -> None:
        if self.over and not self.started:
            return  # the 413 is the answer; the route's own (to a gone client) is dropped
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


def _content_length(value: bytes | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None  # the server refuses a malformed one; the body is still counted


def _nul() -> JSONResponse:
    return problem(422, "request: contains a NUL character", ProblemCode.NUL_CHARACTER)


def _too_large(limit: int) -> JSONResponse:
    answer = problem(413, f"request: the body is larger than {limit} bytes", limit=limit)
    # Closed, not kept alive: otherwise the server would go on reading the rest to discard it.
    answer.headers["connection"] = "close"
    return answer

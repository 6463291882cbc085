"""Calling an ASGI app with a body in chunks, counting how much of it the app pulled."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message


class Feed:
    """The receive of a client sending `chunks`, one per message. The list may repeat one
    bytes object, so a body of megabytes costs one chunk of memory."""

    def __init__(self, chunks: Sequence[bytes]) -> None:
        self.chunks = chunks
        self.messages = 0  # how many body messages the app pulled
        self.pulled = 0  # and how many bytes

    async def __call__(self) -> Message:
        if self.messages >= len(self.chunks):
            return {"type": "http.disconnect"}
        chunk = self.chunks[self.messages]
        self.messages += 1
        self.pulled += len(chunk)
        more = self.messages < len(self.chunks)
        return {"type": "http.request", "body": chunk, "more_body": more}


@dataclass
class Answer:
    status: int
    headers: dict[bytes, bytes]
    body: bytes
    messages: list[Message] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    app: ASGIApp,
    path: str,
    feed: Feed,
    *,
    content_type: str = "application/json",
    content_length: int | None = None,
    method: str = "POST",
) -> Answer:
    """One request; without `content_length` the body is sent chunked, as a stream."""
    headers = [(b"content-type", content_type.encode())]
    if content_length is None:
        headers.append((b"transfer-encoding", b"chunked"))
    else:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    # In a thread of its own: the browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, app(scope, feed, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(start["status"], dict(start.get("headers", [])), body, sent)

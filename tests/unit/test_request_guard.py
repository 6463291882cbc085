"""The request guard's parts: NUL found however a body is cut into chunks, the limit of a path
from the declared table, and what a route is handed (a text body whole, a binary one as sent)."""

from __future__ import annotations

import pytest
from starlette.types import Message, Receive, Scope, Send

from rekisteri.entrypoints.api.body_limits import limit_for
from rekisteri.entrypoints.api.request_guard import NulScanner, RequestGuard, nul_spellings
from tests.support.asgi_feed import Feed, call

JSON = nul_spellings(b"application/json; charset=utf-8")
FORM = nul_spellings(b"application/x-www-form-urlencoded")


def found(spellings: tuple[bytes, ...] | None, chunks: list[bytes]) -> bool:
    assert spellings is not None
    scanner = NulScanner(spellings)
    results = [scanner.found_in(c) for c in chunks]  # every chunk fed, as the guard does
    return any(results)


@pytest.mark.parametrize(
    ("spellings", "body"),
    [(JSON, b'{"a": "x\\u0000y"}'), (JSON, b"x\x00y"), (FORM, b"a=x%00y&b=1")],
)
def test_a_nul_is_found_wherever_the_body_is_cut(
    spellings: tuple[bytes, ...] | None, body: bytes
) -> None:
    for cut in range(1, len(body)):
        assert found(spellings, [body[:cut], body[cut:]]), cut
    assert found(spellings, [body[i : i + 1] for i in range(len(body))])  # byte by byte
    assert found(spellings, [body[:3], b"", body[3:5], body[5:]])


def test_no_nul_is_found_where_there_is_none() -> None:
    body = b'{"a": "\\u0001 \\u00e4 %00", "b": "0000"}'  # %00 is a NUL only in a form
    assert not found(JSON, [body[:9], body[9:12], body[12:]])
    assert not found(FORM, [b"a=%0", b"1&b=00"])


def test_only_text_bodies_are_checked_for_nul() -> None:
    for checked in (b"", b"application/json", b"application/problem+json", b"text/csv; x=y",
                    b"multipart/form-data; boundary=x", b"Application/JSON"):  # fmt: skip
        assert nul_spellings(checked) is not None, checked
    for binary in (b"application/octet-stream", b"image/png", b"application/pdf"):
        assert nul_spellings(binary) is None, binary


def test_a_route_declares_a_larger_limit_by_its_path_prefix() -> None:
    limits = {"/api/v1/imports": 50_000, "/api/v1/imports/readings": 90_000}
    assert limit_for("/api/v1/persons", 1000, limits) == 1000
    assert limit_for("/api/v1/imports", 1000, limits) == 50_000
    assert limit_for("/api/v1/imports/contracts", 1000, limits) == 50_000
    assert limit_for("/api/v1/imports/readings/today", 1000, limits) == 90_000
    assert limit_for("/api/v1/importsx", 1000, limits) == 1000  # whole segments only


class Echo:
    """A route that keeps every body message it was handed and answers 200."""

    def __init__(self) -> None:
        self.handed: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        more = True
        while more:
            message: Message = await receive()
            self.handed.append(message.get("body", b""))
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def test_a_text_body_is_handed_on_whole_and_a_binary_one_as_it_came() -> None:
    route = Echo()
    guard = RequestGuard(route, default_limit=100)
    assert call(guard, "/x", Feed([b"[1, ", b"2]"])).status == 200
    assert route.handed == [b"[1, 2]"]
    route.handed.clear()
    binary = Feed([b"\x00\x01", b"\x00"])
    assert call(guard, "/x", binary, content_type="application/octet-stream").status == 200
    assert route.handed == [b"\x00\x01", b"\x00"]


def test_a_declared_larger_limit_lets_its_routes_take_more_and_no_others() -> None:
    guard = RequestGuard(Echo(), default_limit=100, limits={"/uploads": 1000})
    body = [b"x" * 100] * 5
    assert call(guard, "/uploads/file", Feed(body), content_type="text/plain").status == 200
    assert call(guard, "/other", Feed(body), content_type="text/plain").status == 413
    assert call(guard, "/uploads", Feed(body * 3), content_length=1500).status == 413


def test_a_binary_body_past_the_limit_gets_413_and_the_route_sees_the_client_gone() -> None:
    route = Echo()
    feed = Feed([b"\x00" * 60] * 10)
    answer = call(RequestGuard(route, default_limit=100), "/x", feed, content_type="image/png")
    assert answer.status == 413
    assert feed.pulled == 120  # one message past the limit, then no more
    assert route.handed == [b"\x00" * 60, b""]  # the second message is a disconnect
    starts = [m for m in answer.messages if m["type"] == "http.response.start"]
    assert len(starts) == 1  # the route's own answer after the 413 was not sent


def test_a_star_stands_for_one_whole_segment() -> None:
    limits = {"/api/v1/persons/*/recordings": 200_000_000}
    assert limit_for("/api/v1/persons/100001/recordings", 1000, limits) == 200_000_000
    assert limit_for("/api/v1/persons/100001", 1000, limits) == 1000
    assert limit_for("/api/v1/persons//recordings", 1000, limits) == 1000
    assert limit_for("/api/v1/persons/1/2/recordings", 1000, limits) == 1000
    assert limit_for("/api/v1/persons/1/recordingsx", 1000, limits) == 1000

"""A real local credit information service for tests: stdlib http.server in a thread, answering
in the shape docs/formats/credit-check.md documents. It answers each identity code or business
ID as told (default: accept, no entries), and can misbehave on purpose: answer slowly, with an
error status, with an answer too large, or with a malformed one. It keeps the queries it got."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ACCEPT = {"decision": "accept", "payment_default_entries": 0, "security_deposit_eur": "0.00"}


@dataclass
class CreditService:
    url: str = ""
    token: str = "test-credential"
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    # normal | slow | error | oversized | malformed | unauthorised
    behaviour: str = "normal"
    slow_seconds: float = 3.0
    queries: list[dict[str, Any]] = field(default_factory=list)
    serial: int = 0


def _handler(service: CreditService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes) -> None:
            # A client that gave up (a slow answer past its timeout) has hung up: not an error.
            with contextlib.suppress(OSError):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            query = json.loads(self.rfile.read(length))
            service.queries.append({**query, "authorization": self.headers.get("Authorization")})
            if self.headers.get("Authorization") != f"Bearer {service.token}":
                self._send(401, b'{"error": "unauthorised"}')
                return
            if service.behaviour == "error":
                self._send(503, b'{"error": "maintenance"}')
                return
            if service.behaviour == "slow":
                time.sleep(service.slow_seconds)
            if service.behaviour == "oversized":
                # No Content-Length: the client must stop reading by itself.
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                with contextlib.suppress(OSError):  # the client hangs up, as it should
                    self.wfile.write(b'{"reference": "' + b"x" * (1024 * 1024) + b'"}')
                return
            if service.behaviour == "malformed":
                self._send(
                    200,
                    b'{"reference": "AT-1", "decision": "maybe", "payment_default_entries": 0, '
                    b'"security_deposit_eur": "0.00"}',
                )
                return
            subject = query["subject"]
            key = subject.get("identity_code") or subject.get("business_id")
            service.serial += 1
            answer = {"reference": f"AT-{service.serial:06d}", **service.answers.get(key, ACCEPT)}
            self._send(200, json.dumps(answer).encode())

    return Handler


@contextmanager
def running(service: CreditService | None = None) -> Iterator[CreditService]:
    """Serve until the block ends; the service's url is set."""
    service = service or CreditService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(service))
    server.daemon_threads = True
    service.url = f"http://127.0.0.1:{server.server_address[1]}/v1/credit-checks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()

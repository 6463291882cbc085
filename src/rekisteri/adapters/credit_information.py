"""The credit information service's HTTP client (issue 16, item 2; docs/formats/credit-check.md).

One query: the identity code (or business ID) and the purpose-of-use code go out as JSON in a
POST to the configured endpoint with the configured credential as a bearer token; the answer is
JSON with the decision, the number of payment-default entries, the security deposit and the
service's reference. TLS is the URL's (https://). The client waits at most the timeout for the
whole answer (not per read: a service sending a byte a second is not answering), reads at most
MAX_ANSWER_BYTES, and says in one line what went wrong when the service does not answer or
answers badly (ServiceUnavailable): the caller then decides nothing.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from rekisteri.domain.credit import CreditAnswer, CreditDecision, euros_to_cents
from rekisteri.domain.errors import InvalidInput, ServiceUnavailable

# An answer is a few hundred bytes; anything near this is not an answer.
MAX_ANSWER_BYTES = 64 * 1024
_CHUNK = 4096


@dataclass(frozen=True)
class CreditSubject:
    """Whom the query is about: a person by identity code or an organisation by business ID."""

    identity_code: str | None = None
    business_id: str | None = None

    def as_json(self) -> dict[str, str]:
        if self.identity_code:
            return {"identity_code": self.identity_code}
        if self.business_id:
            return {"business_id": self.business_id}
        raise InvalidInput("subject", "a credit check needs an identity code or a business ID")


def parse_answer(body: bytes) -> CreditAnswer:
    """The service's answer, checked field by field (InvalidInput naming the field)."""
    try:
        data: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        # RecursionError: JSON nested deeper than the parser goes (a hostile answer).
        raise InvalidInput("answer", f"is not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise InvalidInput("answer", "is not a JSON object")
    for name in ("reference", "decision", "payment_default_entries", "security_deposit_eur"):
        if name not in data:
            raise InvalidInput(name, "is missing")
    reference, decision = data["reference"], data["decision"]
    if not isinstance(reference, str):
        raise InvalidInput("reference", "is not a string")
    try:
        chosen = CreditDecision(decision)
    except ValueError:
        raise InvalidInput("decision", "is not accept, deposit or refuse") from None
    entries = data["payment_default_entries"]
    if not isinstance(entries, int) or isinstance(entries, bool):
        raise InvalidInput("payment_default_entries", "is not a whole number")
    return CreditAnswer(reference, chosen, entries, euros_to_cents(data["security_deposit_eur"]))


@dataclass(frozen=True)
class CreditInformationClient:
    url: str
    token: str | None
    timeout_seconds: float
    max_bytes: int = MAX_ANSWER_BYTES

    def query(self, subject: CreditSubject, purpose_code: str, query_id: str) -> CreditAnswer:
        """Ask the service; its checked answer, or ServiceUnavailable saying what went wrong."""
        if not self.url.startswith(("https://", "http://")):
            raise ServiceUnavailable("the credit check URL is not an http(s) URL")
        body = json.dumps(
            {"subject": subject.as_json(), "purpose_code": purpose_code, "query_id": query_id}
        ).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        # The scheme is checked above: never file: or a custom one.
        request = urllib.request.Request(  # noqa: S310
            self.url, data=body, headers=headers, method="POST"
        )
        raw = self._exchange(request)
        try:
            return parse_answer(raw)
        except InvalidInput as exc:
            raise ServiceUnavailable(
                f"the credit information service answered badly: {exc}"
            ) from None

    def _exchange(self, request: urllib.request.Request) -> bytes:
        deadline = time.monotonic() + self.timeout_seconds
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as answer:  # noqa: S310 (scheme checked)
                if answer.status != 200:
                    raise ServiceUnavailable(
                        f"the credit information service answered HTTP {answer.status}"
                    )
                declared = answer.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise ServiceUnavailable(self._too_big())
                return self._read(answer, deadline)
        except urllib.error.HTTPError as exc:
            raise ServiceUnavailable(
                f"the credit information service answered HTTP {exc.code}"
            ) from None
        except TimeoutError:
            raise ServiceUnavailable(self._late()) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise ServiceUnavailable(self._late()) from None
            raise ServiceUnavailable(
                f"the credit information service did not answer ({reason})"
            ) from None

    def _read(self, answer: Any, deadline: float) -> bytes:
        got = bytearray()
        while True:
            if time.monotonic() > deadline:
                raise ServiceUnavailable(self._late())
            chunk = answer.read1(_CHUNK) if hasattr(answer, "read1") else answer.read(_CHUNK)
            if not chunk:
                return bytes(got)
            got.extend(chunk)
            if len(got) > self.max_bytes:
                raise ServiceUnavailable(self._too_big())

    def _late(self) -> str:
        return f"the credit information service did not answer within {self.timeout_seconds:g} s"

    def _too_big(self) -> str:
        return f"the credit information service's answer is larger than {self.max_bytes} bytes"

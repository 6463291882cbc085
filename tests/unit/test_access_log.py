"""The access-log filter masks identity codes in every spelling a URL gives them."""

from __future__ import annotations

import pytest

from rekisteri.entrypoints.api.access_log import redact


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/persons/131052-308T",
        "/api/v1/persons/131052-308t/identity-code",
        "/api/v1/search?q=010100%2B123D",
        "/api/v1/search?q=010100+123D&page=2",
        "/api/v1/search?q=010594Y9021",
        "/api/v1/search?q=020304A123L",
    ],
)
def test_identity_codes_are_masked(path: str) -> None:
    masked = redact(path)
    assert "[henkilötunnus]" in masked
    assert not any(code in masked.upper() for code in ("308T", "123D", "9021", "123L"))


def test_other_numbers_and_routes_stay() -> None:
    for path in ("/api/v1/persons/100234", "/api/v1/search?q=643006966022791278", "/healthz"):
        assert redact(path) == path


def test_preference_links_are_masked() -> None:
    assert (
        redact("/preferences/unsubscribe/abc.def?lang=sv")
        == "/preferences/unsubscribe/[link]?lang=sv"
    )
    assert redact("/preferences/abc.def") == "/preferences/[link]"

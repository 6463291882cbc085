"""The server log's filters mask personal data in every spelling a URL gives it (percent-encoded,
twice, in a path or a query), and a 500's traceback keeps no values of the failed statement."""

from __future__ import annotations

import logging
import sys

import pytest

from rekisteri.entrypoints.api.access_log import RedactErrors, redact


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/persons/131052-308T",
        "/api/v1/persons/131052-308t/identity-code",
        "/api/v1/persons/010100%2B123D",
        "/api/v1/persons/010100+123D?x=1",
        "/api/v1/persons/010594Y9021",
        "/api/v1/persons/020304A123L",
        "/api/v1/persons/100186%2D387X",
        "/api/v1/persons/100186%252D387X",
        "/api/v1/persons/%31%30%30%31%38%36-387X",
        "/console/dpo?person=100186%2D387X",
    ],
)
def test_identity_codes_are_masked(path: str) -> None:
    masked = redact(path)
    assert "[henkilötunnus]" in masked
    assert not any(code in masked.upper() for code in ("308T", "123D", "9021", "123L", "387X"))


@pytest.mark.parametrize(
    "query",
    ["q=010100%2B123D", "q=010100+123D&page=2", "q=010594Y9021", "q=Aino%20Aalto", "q=Aalto"],
)
def test_search_terms_are_masked_whatever_they_are(query: str) -> None:
    masked = redact(f"/api/v1/search?{query}")
    assert masked.startswith("/api/v1/search?q=[haku]")
    assert not any(term in masked for term in ("123D", "9021", "Aalto"))


@pytest.mark.parametrize(
    ("path", "gone", "mark"),
    [
        ("/api/v1/persons/aino.aalto@example.fi", "aalto", "[sähköposti]"),
        ("/api/v1/persons/aino.aalto%40example.fi", "aalto", "[sähköposti]"),
        ("/api/v1/persons/%2B358401234567", "1234567", "[puhelin]"),
        ("/api/v1/persons/+358401234567", "1234567", "[puhelin]"),
        ("/api/v1/persons/040%20123%204567", "4567", "[puhelin]"),
        ("/api/v1/persons/040-1234567", "4567", "[puhelin]"),
        ("/api/v1/persons/0401234567/marketing", "4567", "[puhelin]"),
        ("/api/v1/persons/00358401234567", "1234567", "[puhelin]"),
        ("/api/v1/things/643006966022791278", "6602279", "[käyttöpaikka]"),
        ("/api/v1/things/123456789012345678", "7890123", "[käyttöpaikka]"),
        ("/api/v1/things/FI2112345600000785", "56000", "[tilinumero]"),
        ("/api/v1/things/FI21%201234%205600%200007%2085", "5600", "[tilinumero]"),
        ("/console?q=Aalto&page=2", "Aalto", "q=[haku]&page=2"),
    ],
)
def test_contact_details_metering_points_accounts_and_searches_are_masked(
    path: str, gone: str, mark: str
) -> None:
    masked = redact(path)
    assert mark in masked and gone not in masked


def test_other_numbers_dates_and_routes_stay() -> None:
    for path in (
        "/api/v1/persons/100234",
        "/api/v1/persons/100001/consumption?from=2024-01-01&to=2024-12-31",
        "/api/v1/requests/R2026-00001",
        "/healthz",
    ):
        assert redact(path) == path


def test_a_decoded_line_break_cannot_forge_a_log_line() -> None:
    assert redact("/x%0A127.0.0.1 - GET /admin 200") == "/x%0A127.0.0.1 - GET /admin 200"
    assert "\n" not in redact("/x%250Ay")


def test_preference_links_are_masked() -> None:
    assert (
        redact("/preferences/unsubscribe/abc.def?lang=sv")
        == "/preferences/unsubscribe/[link]?lang=sv"
    )
    assert redact("/preferences/abc.def") == "/preferences/[link]"
    assert redact("/preferences/abc%2Edef") == "/preferences/[link]"


def test_access_package_links_are_masked() -> None:
    assert redact("/package/Abc_def-123?lang=sv") == "/package/[link]?lang=sv"
    assert redact("/package/Abc_def-123/download") == "/package/[link]/download"


def test_a_tracebacks_statement_values_and_database_details_are_withheld() -> None:
    message = (
        "(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint\n"
        "DETAIL:  Failing row contains (7, Ulpukka, Kyllönen, null).\n"
        "[SQL: INSERT INTO person (first_names, last_name) VALUES (%(a)s, %(b)s)]\n"
        "[parameters: {'a': 'Ulpukka', 'b': 'Kyllönen', 'e': 'u.k@example.fi'}]"
    )
    try:
        raise RuntimeError(message)
    except RuntimeError:
        record = logging.LogRecord(
            "uvicorn.error", logging.ERROR, __file__, 1, "Exception in ASGI application\n",
            None, sys.exc_info(),
        )  # fmt: skip
    assert RedactErrors().filter(record)
    text = logging.Formatter().format(record)
    assert "RuntimeError" in text and "INSERT INTO person" in text
    assert "Ulpukka" not in text and "Kyllönen" not in text and "u.k@" not in text

"""A console page a role may not open: a page in the user's language with their own desks and a
way to log out, never developer English; the console's front page sends a role without search
to its own desk."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.staff import tokens_per_role

PAGE = {"Accept": "text/html"}


@pytest.fixture
def tokens(register: RegisterApp) -> dict[Role, str]:
    return tokens_per_role(register)


def _get(register: RegisterApp, token: str, path: str, lang: str) -> object:
    client = TestClient(create_app(register), follow_redirects=False)
    return client.get(
        path, params={"lang": lang}, headers=PAGE | {"Authorization": f"Bearer {token}"}
    )


@pytest.mark.parametrize(
    ("role", "desk"), [(Role.MARKETING, "marketing"), (Role.ADMINISTRATOR, "admin")]
)
def test_the_front_page_sends_a_role_without_search_to_its_desk(
    register: RegisterApp, tokens: dict[Role, str], role: Role, desk: str
) -> None:
    answer = _get(register, tokens[role], "/console", "sv")
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert answer.headers["location"] == f"/console/{desk}?lang=sv"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lang", "words", "none"),
    [
        ("fi", "ei kuulu roolisi (järjestelmän ylläpitäjät) työhön", "Mikään henkilökunnan"),
        ("sv", "hör inte till arbetet i din roll", "Ingen sida i personalens konsol"),
    ],
)
def test_a_refused_role_reads_why_in_its_language_and_can_log_out(
    register: RegisterApp, tokens: dict[Role, str], lang: str, words: str, none: str
) -> None:
    # The processor has no desk at all; the administrator has its own (not this one).
    for role, path in ((Role.ADMINISTRATOR, "/console/marketing"), (Role.PROCESSOR, "/console")):
        answer = _get(register, tokens[role], path, lang)
        text = answer.text  # type: ignore[attr-defined]
        assert answer.status_code == 403, text  # type: ignore[attr-defined]
        assert (none in text) is (role is Role.PROCESSOR)
        assert 'action="/logout"' in text
        main = text[text.index("<main") : text.index("</main>")]
        assert "scoped" not in main and "token" not in main  # no developer English
    refused = _get(register, tokens[Role.ADMINISTRATOR], "/console/marketing", lang)
    assert words in refused.text  # type: ignore[attr-defined]


def test_a_refused_page_offers_the_desks_the_role_has(
    register: RegisterApp, tokens: dict[Role, str]
) -> None:
    answer = _get(register, tokens[Role.MARKETING], "/console/dpo", "fi")
    text = answer.text  # type: ignore[attr-defined]
    assert answer.status_code == 403  # type: ignore[attr-defined]
    assert "Omat työpöytäsi ovat yllä olevassa valikossa." in text
    start = text.index('<div class="wrap console-bar">')
    menu = text[start : text.index("</nav>", start)]
    assert 'href="/console/marketing?lang=fi"' in menu
    assert "/console/dpo" not in menu

"""The statement's transfer paragraph is the recipient register's (P10, issue 14 item 12).

Recipients are registered through the command line, then the statement is printed by
`rekisteri notice` and built for the public page from the same register, on SQLite and
PostgreSQL: each recipient outside the EU/EEA that may receive data is named with its country
and safeguard, and "no transfers" is said only when there is none.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rekisteri.catalogue import catalogue
from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.access.transfers import register_transfers
from rekisteri.services.statement.notice import build_notice
from rekisteri.services.statement.recipients import Transfer
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.cli_login import with_login

NONE_SAID = {
    "fi": "Emme säännönmukaisesti siirrä tietoja Euroopan unionin",
    "sv": "Vi överför inte regelbundet uppgifter utanför",
    "en": "We do not regularly transfer data outside",
}


@pytest.fixture
def cli(settings: Settings):
    runner = CliRunner()
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
        }
    )

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    return run


def _add(cli, name: str, kind: str, country: str, *more: str) -> None:
    cli("recipient", "add", name, "--kind", kind, "--country", country, "--purpose",
        "customer_relationship", *more)  # fmt: skip


@pytest.mark.proves("P10.no-transfers")
def test_no_transfer_is_said_while_no_recipient_abroad_may_receive_data(
    cli, register: RegisterApp
) -> None:
    _add(cli, "Perintä Oy", "collection_agency", "FI")
    # Registered abroad without a safeguard: every disclosure to it is refused, so nothing goes.
    _add(cli, "Unguarded Ltd", "service_provider", "IN")
    assert register_transfers(register) == ()
    for lang, words in NONE_SAID.items():
        out = cli("notice", "--lang", lang)
        assert words in out, lang
        assert "Unguarded Ltd" not in out


@pytest.mark.proves("P10.transfers-listed")
def test_each_recipient_abroad_is_named_with_its_country_and_safeguard(
    cli, register: RegisterApp, settings: Settings
) -> None:
    _add(cli, "Survey Labs Inc", "service_provider", "US", "--safeguard", "adequacy",
         "--safeguard-ref", "DPF list: Survey Labs Inc")  # fmt: skip
    _add(cli, "Mumbai Print Ltd", "subcontractor", "IN", "--safeguard", "scc")
    _add(cli, "Perintä Oy", "collection_agency", "FI")
    assert register_transfers(register) == (
        Transfer("Mumbai Print Ltd", "IN", "scc", None),
        Transfer("Survey Labs Inc", "US", "adequacy", "DPF list: Survey Labs Inc"),
    )
    expected = {
        "fi": ("Survey Labs Inc (Yhdysvallat)", "Mumbai Print Ltd (Intia)",
               "vakiosopimuslausekkeet", "tietosuojakehyksestä"),
        "sv": ("Survey Labs Inc (USA)", "Mumbai Print Ltd (Indien)",
               "standardavtalsklausuler", "Data Privacy Framework"),
        "en": ("Survey Labs Inc (United States)", "Mumbai Print Ltd (India)",
               "standard contractual clauses", "EU-US Data Privacy Framework"),
    }  # fmt: skip
    for lang, words in expected.items():
        out = cli("notice", "--lang", lang)
        for word in words:
            assert word in out, (lang, word)
        assert "DPF list: Survey Labs Inc" in out and settings.dpo_contact in out
        assert NONE_SAID[lang] not in out and "Perintä Oy" not in out
        # The public page is built from the same register.
        page = build_notice(catalogue, settings, lang, transfers=register_transfers(register))
        transfers = page.section("disclosures").words()
        assert all(word in transfers for word in words[:2])

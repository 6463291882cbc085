"""`rekisteri import bans`, `audience`, `segment` and `campaign` through the command line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.schema.marketing import marketing_ban, marketing_contact
from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.unit_of_work import RegisterApp
from tests.integration.marketing_helpers import STAFF, add_person, consent, hetu
from tests.support.cli_login import with_login

HEADER = "kind,last_name,first_names,street,postal_code,post_office,phone,registered_on\n"


@pytest.fixture
def cli(settings: Settings):
    runner = CliRunner()
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
        }
    )

    def run(*args: str):
        return runner.invoke(app, list(args), env=env)

    return run


def count(reg: RegisterApp, table) -> int:
    with reg.reading(STAFF) as uow:
        return int(uow.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_ban_file_with_one_bad_row_stores_nothing(cli, register, tmp_path: Path) -> None:
    good = tmp_path / "kielto.csv"
    good.write_text(HEADER + "phone,,,,,,040 123 4567,2025-01-01\n")
    assert cli("import", "bans", str(good)).exit_code == 0
    bad = tmp_path / "huono.csv"
    bad.write_text(
        HEADER + "postal,Virtanen,Anna,Kotikatu 1,00100,Helsinki,,\n" + "phone,,,,,,not-a-number,\n"
    )
    result = cli("import", "bans", str(bad))
    assert result.exit_code == 2
    assert "huono.csv:3: phone: is not a phone number" in " ".join(result.output.split())
    assert count(register, marketing_ban) == 1  # the earlier import stands, untouched


def test_ban_import_reports_matches_and_the_audience_honours_them(
    cli, register: RegisterApp, tmp_path: Path
) -> None:
    banned = add_person(register, first="Åsa", last="Öberg")
    free = add_person(register)
    with register.reading(STAFF) as uow:
        from rekisteri.adapters.schema.register import contact_point as cp

        street = uow.execute(
            select(cp.c.street).where(cp.c.person_id == banned, cp.c.kind == "postal")
        ).scalar_one()
        phone = uow.execute(
            select(cp.c.phone).where(cp.c.person_id == banned, cp.c.kind == "phone")
        ).scalar_one()
    file = tmp_path / "asml.csv"
    file.write_text(
        HEADER
        + f"postal,OBERG,Asa,{street.upper().replace(' A 1', ' A1')},00100,Helsinki,,\n"
        + f"phone,,,,,,0{phone[4:]},\n"
        + "phone,,,,,,+358 50 999 9999,\n"
    )
    result = cli("import", "bans", str(file))
    assert result.exit_code == 0, result.output
    assert "matched 1 postal and 1 phone bans to 1 persons" in " ".join(result.output.split())
    out = tmp_path / "kirje.csv"
    shown = cli("audience", "--channel", "letter", "--purpose", "own_marketing", "--out", str(out))
    assert shown.exit_code == 0, shown.output
    assert "asml_ban" in shown.output
    rows = list(csv.DictReader(out.open()))
    assert [int(r["id"]) for r in rows] == [free]
    assert set(rows[0]) == {
        "id",
        "customer_number",
        "name",
        "street",
        "postal_code",
        "post_office",
        "country",
        "language",
    }
    why = cli(
        "audience", "--channel", "letter", "--purpose", "own_marketing", "--explain", str(banned)
    )
    assert why.exit_code == 0
    assert "OUT of the audience" in why.output and "FAIL  asml_ban" in why.output


def test_segments_and_campaigns(cli, register: RegisterApp, tmp_path: Path) -> None:
    pid = add_person(register, tongue="sv")
    consent(register, pid, "own_marketing", "email", "granted")
    added = cli("segment", "add", "ruotsi", "--rule", "language=sv")
    assert added.exit_code == 0, added.output
    assert cli("segment", "add", "huono", "--rule", "heating_type=coal").exit_code == 2
    assert "language=sv" in cli("segment", "list").output
    out = tmp_path / "lista.csv"
    sent = cli(
        "campaign",
        "send",
        "Kevät",
        "--channel",
        "email",
        "--purpose",
        "own_marketing",
        "--segment",
        "ruotsi",
        "--out",
        str(out),
    )
    assert sent.exit_code == 0, sent.output
    (row,) = list(csv.DictReader(out.open()))
    assert row["language"] == "sv"
    assert row["settings_link"].startswith("http") and row["unsubscribe_link"].startswith("http")
    assert count(register, marketing_contact) == 1


def test_bad_options_exit_2(cli) -> None:
    result = cli("audience", "--channel", "fax", "--purpose", "own_marketing", "--out", "x.csv")
    assert result.exit_code == 2
    assert "channel" in result.output


def test_a_customer_added_after_the_ban_import_is_out_of_the_next_audience(
    cli, register: RegisterApp, tmp_path: Path
) -> None:
    file = tmp_path / "asml.csv"
    file.write_text(
        HEADER
        + "postal,Uusi,Ulla,Uudenmaank. 9 as 4,00120,Helsinki,,\n"
        + "phone,,,,,,+358 40 111 2222,\n"
    )
    assert cli("import", "bans", str(file)).exit_code == 0
    added = cli(
        "customer", "add", "--source", "order", "--first-names", "Ulla Maria",
        "--last-name", "Uusi", "--street", "Uudenmaankatu 9 4", "--postal-code", "00120",
        "--post-office", "Helsinki", "--phone", "040 111 2222", "--hetu", hetu(),
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    free = add_person(register)
    for channel in ("letter", "phone"):
        out = tmp_path / f"{channel}.csv"
        shown = cli(
            "audience", "--channel", channel, "--purpose", "own_marketing", "--out", str(out)
        )
        assert shown.exit_code == 0, shown.output
        assert "asml_ban" in shown.output
        assert [int(r["id"]) for r in csv.DictReader(out.open())] == [free], channel

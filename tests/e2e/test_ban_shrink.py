"""`rekisteri import bans` refuses a file that looks cut short: one without a ban, and one that
would drop more of the bans in force than REKISTERI_BAN_DROP_LIMIT_PERCENT allows, unless
`--allow-shrink`; the stored bans stay as they were (a truncated download must not re-enable
marketing to people who opted out)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from rekisteri.adapters.schema.marketing import marketing_ban
from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.unit_of_work import RegisterApp
from tests.integration.marketing_helpers import STAFF
from tests.support.cli_login import with_login

HEADER = "kind,last_name,first_names,street,postal_code,post_office,phone,registered_on\n"
# 20 bans in force: 10 postal and 10 phone bans (a phone ban lasts three years).
IN_FORCE = [f"postal,Virtanen,Anna {i},Kotikatu {i},00100,Helsinki,,\n" for i in range(10)] + [
    f"phone,,,,,,040 123 45{i:02d},2025-01-01\n" for i in range(10)
]
EXPIRED = [f"phone,,,,,,050 123 45{i:02d},2020-01-01\n" for i in range(30)]  # three years on


@pytest.fixture
def cli(settings: Settings, tmp_path: Path):
    def run(rows: list[str], *options: str, env: dict[str, str] | None = None) -> Result:
        path = tmp_path / "asml.csv"
        path.write_text(HEADER + "".join(rows), encoding="utf-8")
        return CliRunner().invoke(
            app,
            ["import", "bans", str(path), *options],
            env=with_login(
                {
                    "REKISTERI_DATABASE_URL": settings.database_url,
                    "REKISTERI_SECRET_KEY": settings.secret_key or "",
                    **(env or {}),
                }
            ),
        )

    return run


def stored(reg: RegisterApp) -> int:
    with reg.reading(STAFF) as uow:
        return int(uow.execute(select(func.count()).select_from(marketing_ban)).scalar_one())


def one_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_a_file_without_a_ban_is_refused_even_when_a_shrink_is_allowed(
    cli, register: RegisterApp
) -> None:
    assert cli(IN_FORCE).exit_code == 0
    for options in ((), ("--allow-shrink",)):
        line = one_line(cli([], *options))
        assert line.endswith(
            "asml.csv:1: file: ends without a ban after its header (a download cut short?); "
            "the stored bans are kept"
        ), line
    assert stored(register) == 20


def test_a_file_dropping_more_than_the_limit_is_refused_saying_how_many(
    cli, register: RegisterApp
) -> None:
    assert cli(IN_FORCE).exit_code == 0
    line = one_line(cli(IN_FORCE[:10]))  # the postal bans only: a download cut in half
    assert line.endswith(
        "asml.csv:11: file: ends here with 10 bans, which would drop 10 of the 20 bans in force "
        "(50.0%, more than the 10 % allowed by REKISTERI_BAN_DROP_LIMIT_PERCENT); the stored "
        "bans are kept; if the file is whole, import it with --allow-shrink"
    ), line
    assert stored(register) == 20
    # Two of twenty (10 %) is within the limit; three is not.
    assert cli(IN_FORCE[:18]).exit_code == 0 and stored(register) == 18
    assert cli(IN_FORCE).exit_code == 0
    assert "would drop 3 of the 20" in one_line(cli(IN_FORCE[3:]))
    allowed = cli(IN_FORCE[:10], "--allow-shrink")
    assert allowed.exit_code == 0, allowed.output
    assert stored(register) == 10


def test_new_bans_do_not_hide_dropped_ones_and_expired_ones_do_not_count(
    cli, register: RegisterApp
) -> None:
    assert cli(IN_FORCE + EXPIRED).exit_code == 0
    # As many rows as before, but half of the bans in force replaced by others.
    others = [row.replace("Virtanen", "Korhonen") for row in IN_FORCE[:10]]
    assert "would drop 10 of the 20" in one_line(cli(others + IN_FORCE[10:] + EXPIRED))
    # The thirty expired phone bans go without a word: they excluded no one.
    assert cli(IN_FORCE).exit_code == 0 and stored(register) == 20


def test_the_limit_is_a_setting(cli, register: RegisterApp) -> None:
    assert cli(IN_FORCE).exit_code == 0
    wider = {"REKISTERI_BAN_DROP_LIMIT_PERCENT": "50"}
    assert "than the 50 % allowed" in one_line(cli(IN_FORCE[:9], env=wider))
    assert cli(IN_FORCE[:10], env=wider).exit_code == 0 and stored(register) == 10
    none = {"REKISTERI_BAN_DROP_LIMIT_PERCENT": "0"}
    assert "would drop 1 of the 10" in one_line(cli(IN_FORCE[:9], env=none))

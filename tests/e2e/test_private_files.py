"""Files the register writes with personal data in them are readable by their owner only
(P16): the access and portability answers and an audience's mailing list."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.unit_of_work import RegisterApp
from tests.integration.marketing_helpers import add_person
from tests.support.cli_login import with_login
from tests.support.people import make_customer

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default: new files readable by everyone unless the register says otherwise."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _run(settings: Settings, *args: str) -> str:
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
        }
    )
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _others_may_read(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


@pytest.mark.parametrize("kind", ["access", "portability"])
def test_request_answers_are_private_files(
    register: RegisterApp, settings: Settings, tmp_path: Path, kind: str
) -> None:
    c = make_customer(register)
    made = _run(
        settings, "request", "new", c.customer_number, "--kind", kind, "--received-how", "in_person"
    )
    reference = made.split(":")[0]
    _run(settings, "request", "verify", reference, "--how", "identity_document")
    answer = tmp_path / "answer"
    _run(settings, "request", "fulfil", reference, "--out", str(answer), "--no-pdf")
    written = list(answer.iterdir())
    assert written
    assert [p.name for p in written if _others_may_read(p)] == []
    assert not _others_may_read(answer)


def test_audience_list_is_a_private_file(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    add_person(register)
    out = tmp_path / "kirje.csv"
    _run(
        settings, "audience", "--channel", "letter", "--purpose", "own_marketing", "--out", str(out)
    )
    assert out.read_text().count("\n") >= 2  # the header and the person
    assert not _others_may_read(out)

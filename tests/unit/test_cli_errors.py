"""Every domain error a command lets through is one line and an exit status, never a traceback."""

from __future__ import annotations

import pytest
import typer
from sqlalchemy.exc import IntegrityError

from rekisteri.domain.errors import (
    Forbidden,
    InvalidInput,
    KeyringError,
    NotFound,
    RegisterError,
    RuleViolation,
)
from rekisteri.entrypoints.cli import main as cli_main
from rekisteri.entrypoints.cli.common import refusal


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (InvalidInput("birth_year", "must be a year"), 2, "birth_year: must be a year"),
        (RuleViolation("a prospect needs a permission"), 2, "a prospect needs a permission"),
        (NotFound("person", "100001"), 2, "person 100001 not found"),
        (KeyringError("REKISTERI_SECRET_KEY: malformed"), 2, "REKISTERI_SECRET_KEY: malformed"),
        (Forbidden("the token has expired"), 1, "not allowed: the token has expired"),
        (RegisterError("something else"), 1, "something else"),
    ],
)
def test_refusal_is_one_line_and_the_contract_exit_status(
    error: RegisterError, code: int, line: str
) -> None:
    assert refusal(error) == (line, code)


def test_main_maps_an_error_no_command_caught(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = typer.Typer()

    @app.command()
    def refused() -> None:
        raise Forbidden("the session has expired; log in again")

    monkeypatch.setattr(cli_main, "app", app)
    monkeypatch.setattr("sys.argv", ["rekisteri"])
    with pytest.raises(SystemExit) as exited:
        cli_main.main()
    assert exited.value.code == 1
    assert capsys.readouterr().err == "error: not allowed: the session has expired; log in again\n"


def test_a_database_error_is_one_line_without_the_statements_parameters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = typer.Typer()

    @app.command()
    def add() -> None:
        raise IntegrityError(
            "INSERT INTO person (first_names, hetu_bidx) VALUES (?, ?)",
            ("Aino", "a1b2c3"),
            Exception("UNIQUE constraint failed: person.customer_number"),
        )

    monkeypatch.setattr(cli_main, "app", app)
    monkeypatch.setattr("sys.argv", ["rekisteri"])
    with pytest.raises(SystemExit) as exited:
        cli_main.main()
    err = capsys.readouterr().err
    assert exited.value.code == 1 and err.count("\n") == 1
    assert "UNIQUE constraint failed: person.customer_number" in err
    assert "Aino" not in err and "a1b2c3" not in err and "INSERT" not in err

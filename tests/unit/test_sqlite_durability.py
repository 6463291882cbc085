"""How durable an SQLite commit is: NORMAL unless REKISTERI_SQLITE_SYNCHRONOUS says FULL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from rekisteri.adapters import db


@pytest.mark.parametrize(("chosen", "level"), [(None, 1), ("full", 2), ("NORMAL", 1)])
def test_the_synchronous_level_is_the_one_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chosen: str | None, level: int
) -> None:
    if chosen is None:
        monkeypatch.delenv("REKISTERI_SQLITE_SYNCHRONOUS", raising=False)
    else:
        monkeypatch.setenv("REKISTERI_SQLITE_SYNCHRONOUS", chosen)
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == level
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_an_unknown_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REKISTERI_SQLITE_SYNCHRONOUS", "OFF")
    with pytest.raises(ValueError, match="NORMAL, FULL or EXTRA"):
        db.sqlite_synchronous_pragma()

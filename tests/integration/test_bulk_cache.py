"""A bulk write's larger page cache on SQLite is the connection's own again afterwards, also when
the write fails; PostgreSQL's cache is the server's and is left alone."""

from __future__ import annotations

import pytest

from rekisteri.adapters import db
from rekisteri.services.unit_of_work import RegisterApp


def test_the_bulk_cache_is_given_back_after_the_write_and_after_a_failure(
    register: RegisterApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    if register.engine.dialect.name != "sqlite":
        with register.engine.begin() as conn, db.bulk_cache(conn):
            pass  # nothing to set: the server's cache
        return
    monkeypatch.setenv("REKISTERI_SQLITE_BULK_CACHE_MIB", "128")
    with register.engine.begin() as conn:
        own = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        with db.bulk_cache(conn):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -128 * 1024
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == own
        with pytest.raises(RuntimeError), db.bulk_cache(conn):
            raise RuntimeError("the write failed")
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == own
        conn.exec_driver_sql("PRAGMA cache_size=-262144")  # already larger: left as it is
        with db.bulk_cache(conn):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -262144
        conn.exec_driver_sql(f"PRAGMA cache_size={own}")

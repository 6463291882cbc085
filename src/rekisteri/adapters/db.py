"""Engines and migrations for the embedded SQLite default and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url

from rekisteri.adapters.folding import SQLITE_FUNCTION, fold

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The files SQLite keeps beside the database file, and the audit appender's lock file.
SQLITE_COMPANIONS = {
    "-wal": "the register's database write-ahead log",
    "-shm": "the register's database shared-memory index",
    "-journal": "the register's database rollback journal",
    "-auditlock": "the register's audit lock file",
}


def make_engine(url: str, **kwargs: Any) -> Engine:
    # An error's message (a 500's traceback in the server log) must not carry the statement's
    # parameters: names, contact details, blind indexes.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        database = sqlite_file(url)
        if database is not None:
            # Before SQLite opens (and perhaps creates) the file, on every new connection.
            event.listen(engine, "do_connect", lambda *_: _owner_only(database))
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL; None for PostgreSQL, memory or a `file:` URI."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database:
        return None
    if database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def register_files(url: str) -> dict[Path, str]:
    """The files of the register's database, by what each is (none for PostgreSQL)."""
    database = sqlite_file(url)
    return {} if database is None else _files_of(database)


def _files_of(database: Path) -> dict[Path, str]:
    files = {database: "the register's database file"}
    for suffix, what in SQLITE_COMPANIONS.items():
        files[Path(f"{database}{suffix}")] = what
    return files


def _owner_only(database: Path) -> None:
    """SQLite creates a database file 0644 (less the umask) and gives its -wal, -shm and
    -journal the main file's mode, so the file is created owner-only before SQLite opens it.
    An existing file that others may read (and its companions) is narrowed to 0600 without a
    word: it holds personal data (P16). Files of another owner are left to SQLite."""
    try:
        fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        pass
    except OSError:
        return  # no such directory, not allowed there: SQLite's own error says so
    else:
        os.fchmod(fd, 0o600)
        os.close(fd)
    for path in _files_of(database):
        try:
            found = path.stat()
            if found.st_mode & 0o077 and found.st_uid == os.geteuid():
                path.chmod(0o600)
        except OSError:  # not there (yet), or a read-only file system
            continue


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(sqlite_synchronous_pragma())
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute(sqlite_cache_pragma())
    cursor.close()
    # Case-insensitive search beyond ASCII (adapters/folding.py).
    dbapi_connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


def sqlite_synchronous_pragma() -> str:
    """How far a commit is durable. NORMAL (the default, with WAL): a commit survives the
    process being killed, but a power cut or an operating-system crash may roll back the last
    transactions committed since the WAL was last synced (at a checkpoint): whole
    transactions, newest first, so the audit chain stays a valid, shorter chain, but entries of
    reads already answered can be lost. FULL syncs the WAL on every commit, so an answered
    read's entry survives a power cut too (the audit batches of audit_appender make that one
    sync per batch). REKISTERI_SQLITE_SYNCHRONOUS=FULL chooses it."""
    mode = os.environ.get("REKISTERI_SQLITE_SYNCHRONOUS", "NORMAL").upper()
    if mode not in {"NORMAL", "FULL", "EXTRA"}:
        raise ValueError(f"REKISTERI_SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA, not {mode}")
    return f"PRAGMA synchronous={mode}"


def sqlite_cache_pragma() -> str:
    """64 MiB of page cache by default: bulk loads into indexed tables thrash SQLite's 2 MiB
    (REKISTERI_SQLITE_CACHE_MIB overrides it)."""
    cache_mib = int(os.environ.get("REKISTERI_SQLITE_CACHE_MIB", "64"))
    return f"PRAGMA cache_size=-{cache_mib * 1024}"


@contextmanager
def bulk_cache(conn: Connection) -> Iterator[None]:
    """A larger page cache for one bulk write on SQLite (REKISTERI_SQLITE_BULK_CACHE_MIB, 256
    MiB by default), the connection's own size again afterwards. A file of 100,000 population
    changes touches most pages of a million persons' table and its indexes: in the everyday
    cache SQLite spills the transaction's changed pages to the log and reads them back. Never
    smaller than the connection's cache; nothing on PostgreSQL (its cache is the server's)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    mib = int(os.environ.get("REKISTERI_SQLITE_BULK_CACHE_MIB", "256"))
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    # A negative size is in KiB, a positive one in pages.
    page = int(conn.exec_driver_sql("PRAGMA page_size").scalar_one())
    kib = -before if before < 0 else before * page // 1024
    if kib >= mib * 1024:
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size=-{mib * 1024}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={before}")


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # imported here: alembic is slow to import, rarely needed

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Create or bring the schema up to date: every branch of the migration graph."""
    from alembic import command

    command.upgrade(alembic_config(url), "heads")

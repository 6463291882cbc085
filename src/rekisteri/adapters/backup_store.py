"""A database's whole content as a stream of bytes, and back: the part of a backup that knows
the database (adapters/backup_file.py encrypts the stream).

SQLite: the online backup API copies a consistent snapshot into an in-memory database while
the register serves (other connections keep reading and writing; the copy is one step, under
one read transaction), and that database's image is streamed: no plain copy on disk. The
image's WAL marks are turned into rollback-journal ones, so it opens on its own. Restoring
copies the image into the register's file with the same backup API, as one transaction.

PostgreSQL: `pg_dump --format=custom` under a snapshot exported by a transaction that also
read the backup's moment (so the moment and the dump agree), its output streamed from the
pipe; `pg_restore --clean --if-exists --single-transaction` from a pipe, so a restore that
fails half-way (a chunk that does not verify stops the pipe) leaves the database as it was.
Connection details go to the tools in their environment, never on the command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, create_engine, make_url, text

from rekisteri.adapters.db import sqlite_file

PIPE_BYTES = 1 << 20
# (audit seq, journal position) read from the snapshot a backup copies.
Moment = tuple[int, int]
MomentReader = Callable[[Connection], Moment]


class DatabaseCopyError(Exception):
    """The database could not be copied or restored (the tool's own words)."""


def dialect_of(url: str) -> str:
    return make_url(url).get_backend_name()


@contextmanager
def snapshot(url: str, moment: MomentReader) -> Iterator[tuple[Moment, Iterable[bytes]]]:
    """The database's moment and its content as bytes, from one consistent snapshot."""
    if dialect_of(url) == "sqlite":
        with _sqlite_snapshot(url, moment) as found:
            yield found
    else:
        with _postgres_snapshot(url, moment) as found:
            yield found


def _sqlite_path(url: str) -> Path:
    path = sqlite_file(url)
    if path is None:
        raise DatabaseCopyError("only an SQLite database in a file can be backed up")
    return path


@contextmanager
def _sqlite_snapshot(url: str, moment: MomentReader) -> Iterator[tuple[Moment, Iterable[bytes]]]:
    path = _sqlite_path(url)
    if not path.exists():
        raise DatabaseCopyError(f"no database file {path}")
    with (
        closing(sqlite3.connect(path, timeout=30)) as source,
        closing(sqlite3.connect(":memory:")) as memory,
    ):
        source.backup(memory)  # pages=-1: one step, one consistent read
        engine = create_engine("sqlite://", creator=lambda: memory)
        with engine.connect() as connection:
            found = moment(connection)
        image = memory.serialize()
    # Bytes 18 and 19 say WAL (2); as 1 the image opens on its own (deserialize refuses WAL).
    yield found, _image_pieces(image)


def _image_pieces(image: bytes) -> Iterator[bytes]:
    view = memoryview(image)
    yield bytes(view[:18])
    yield b"\x01\x01"
    # In slices: the image is not copied whole a second time.
    for start in range(20, len(image), PIPE_BYTES):
        yield bytes(view[start : start + PIPE_BYTES])


def _pg_env(url: str) -> dict[str, str]:
    u = make_url(url)
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", u.host),
        ("PGPORT", str(u.port) if u.port else None),
        ("PGUSER", u.username),
        ("PGPASSWORD", u.password),
        ("PGDATABASE", u.database),
    ):
        if value:
            env[name] = value
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseCopyError(f"{name} is not installed (PostgreSQL's client tools)")
    return found


@contextmanager
def _postgres_snapshot(url: str, moment: MomentReader) -> Iterator[tuple[Moment, Iterable[bytes]]]:
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            # The exported snapshot lives while this transaction does: pg_dump reads the same
            # database state that the moment was read from.
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            found = moment(connection)
            command = [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}"]
            with subprocess.Popen(  # noqa: S603 - a fixed tool, arguments of our own
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_pg_env(url)
            ) as dump:
                assert dump.stdout is not None and dump.stderr is not None
                yield found, _drain(dump.stdout, dump, "pg_dump")
    finally:
        engine.dispose()


def _drain(out: IO[bytes], process: subprocess.Popen[bytes], tool: str) -> Iterator[bytes]:
    while piece := out.read(PIPE_BYTES):
        yield piece
    assert process.stderr is not None
    said = process.stderr.read().decode(errors="replace").strip()
    if process.wait() != 0:
        raise DatabaseCopyError(f"{tool} failed: {said.splitlines()[0] if said else '?'}")


def restore(url: str, content: Iterable[bytes]) -> None:
    """Replace the database's content with `content` (an image or a dump of `snapshot`)."""
    if dialect_of(url) == "sqlite":
        _sqlite_restore(url, content)
    else:
        _postgres_restore(url, content)


def _sqlite_restore(url: str, content: Iterable[bytes]) -> None:
    path = _sqlite_path(url)
    image = bytearray()  # grown piece by piece: a join would hold the pieces and the whole
    for piece in content:
        image += piece
    with closing(sqlite3.connect(":memory:")) as memory:
        try:
            memory.deserialize(image)  # copied into SQLite, so the buffer goes at once
            memory.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise DatabaseCopyError(f"the backup holds no SQLite database ({exc})") from None
        del image
        # A new file is owner-only from its first byte (P16), as the register's own are.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600))
        with closing(sqlite3.connect(path, timeout=30)) as target:
            target.execute("PRAGMA journal_mode=WAL")
            memory.backup(target)


def _postgres_restore(url: str, content: Iterable[bytes]) -> None:
    command = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        f"--dbname={make_url(url).database}",
    ]
    with subprocess.Popen(  # noqa: S603 - a fixed tool, arguments of our own
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_pg_env(url),
    ) as tool:
        assert tool.stdin is not None and tool.stderr is not None
        try:
            for piece in content:
                tool.stdin.write(piece)
        except BaseException:
            # A chunk that does not verify: pg_restore is stopped before it commits, and its
            # single transaction rolls back.
            tool.kill()
            raise
        finally:
            _close_quietly(tool.stdin)
        said = tool.stderr.read().decode(errors="replace").strip()
        if tool.wait() != 0:
            raise DatabaseCopyError(f"pg_restore failed: {said.splitlines()[0] if said else '?'}")


def _close_quietly(pipe: IO[Any]) -> None:
    with suppress(BrokenPipeError):
        pipe.close()

"""Files that hold personal data: readable by their owner only (P16) whatever the umask, and
written whole or not at all (a temporary file beside the target, then renamed over it).

The target is where a staff member said, so it is checked before anything is written: never a
symbolic link (it would point the file somewhere the staff member did not name), never one of
the register's own files (a mailing list written over the database or the key file would
destroy the register). The temporary file gets a random name and is created exclusively, so a
link planted in the directory cannot redirect the write either.
"""

from __future__ import annotations

import io
import os
import secrets
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from rekisteri.domain.errors import InvalidInput

# Paths that must never be written over, each with what it is (for the refusal's message).
Keep = Mapping[Path, str]
# O_EXCL with O_CREAT fails on any existing name, a symbolic link included; O_NOFOLLOW says so
# again for systems that would not.
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def check_target(path: Path, keep: Keep, field: str = "out") -> None:
    """Refuse (InvalidInput) a target that is a symbolic link, not a regular file, or one of
    `keep`: by resolved path (a file not there yet, such as a WAL) and by inode (hard links and
    other spellings of an existing one)."""
    try:
        found = path.lstat()
    except FileNotFoundError:
        found = None
    if found is not None and stat.S_ISLNK(found.st_mode):
        raise InvalidInput(field, f"{path} is a symbolic link; not written through it")
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise InvalidInput(field, f"{path} is not a regular file")
    if found is None and not path.parent.is_dir():
        raise InvalidInput(field, f"{path.parent} is not a directory")
    where = path.resolve()
    for own, what in keep.items():
        same = where == own.resolve()
        if not same and found is not None and own.exists():
            same = os.path.samefile(path, own)
        if same:
            raise InvalidInput(field, f"{path} is {what}; not written over")


def _temporary_beside(path: Path) -> tuple[int, Path]:
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            return os.open(tmp, _TEMP_FLAGS, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


@contextmanager
def replacing(path: Path) -> Iterator[IO[bytes]]:
    """A new owner-only file that takes the name `path` only once it is complete and synced;
    on any error nothing is left behind. The caller checks the target first."""
    fd, tmp = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)  # whatever the umask
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def open_private(path: Path, *, keep: Keep) -> Iterator[IO[str]]:
    """A UTF-8 text file (newlines as written, for csv) under `path`, whole or not at all."""
    check_target(path, keep)
    with replacing(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield text
        finally:
            text.detach()  # flushes; the binary file is closed (and renamed) by replacing


def write_private(path: Path, data: bytes | str, *, keep: Keep) -> None:
    check_target(path, keep)
    with replacing(path) as fh:
        fh.write(data.encode() if isinstance(data, str) else data)


def private_directory(path: Path, field: str = "out") -> None:
    """Create the directory (owner only) unless it exists; an existing one is left as it is."""
    if path.exists() and not path.is_dir():
        raise InvalidInput(field, f"{path} is not a directory")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)

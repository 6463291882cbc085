"""Reading files from outside sources (Datahub, ASML) within bounds, so that hostile input is
bad input: a line longer than MAX_LINE_BYTES stops the read at the bound (its rest is never
read, however far a gzip stream would expand), a damaged or cut gzip stream and text that is
not UTF-8 are named by line and field, never a traceback."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from rekisteri.domain.errors import InvalidInput

# No valid line of either format comes near this (a Datahub row is under 200 bytes, a ban row
# under 2 KB); a longer one is refused before more of it is read.
MAX_LINE_BYTES = 4096

# What the gzip module raises for a stream cut short (EOFError), a corrupt deflate stream
# (zlib.error) and a bad header or checksum (BadGzipFile).
GZIP_DAMAGE: tuple[type[Exception], ...] = (EOFError, zlib.error, gzip.BadGzipFile)


class LineTooLong(Exception):
    """A line passed MAX_LINE_BYTES; `head` is what was read of it (the bound)."""

    def __init__(self, head: bytes) -> None:
        super().__init__(f"line longer than {MAX_LINE_BYTES} bytes")
        self.head = head


def open_bytes(path: Path, where: str) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as exc:
        raise InvalidInput("file", exc.strerror or "cannot be read", where=where) from None


def is_gzip(raw: IO[bytes]) -> bool:
    """Whether the stream starts with gzip's magic number (the name is not trusted); the
    stream is left at its start."""
    gzipped = raw.read(2) == b"\x1f\x8b"
    raw.seek(0)
    return gzipped


def read_line(stream: IO[bytes], limit: int = MAX_LINE_BYTES) -> bytes:
    """The next line with its line end, at most `limit` bytes before it; b"" at the end.
    A longer line raises LineTooLong after reading `limit` + 1 bytes of it."""
    line = stream.readline(limit + 1)
    if len(line.rstrip(b"\r\n")) > limit:
        raise LineTooLong(line[:limit])
    return line


def too_long(head: bytes, separator: bytes, names: Sequence[str]) -> tuple[str, str]:
    """The field a too long line passed the bound in, and the reason."""
    return field_at(head, separator, names), f"makes the line longer than {MAX_LINE_BYTES} bytes"


def field_at(head: bytes, separator: bytes, names: Sequence[str]) -> str:
    """The column in which `head` (the start of a line) ends."""
    return names[min(head.count(separator), len(names) - 1)]


def undecodable(line: bytes, separator: bytes, names: Sequence[str]) -> tuple[str, str]:
    """The first field of a line that is not UTF-8 text, and the reason (naming the byte)."""
    for index, part in enumerate(line.split(separator)):
        try:
            part.decode("utf-8")
        except UnicodeDecodeError as exc:
            byte = part[exc.start]
            return (
                names[min(index, len(names) - 1)],
                f"is not UTF-8 text (byte 0x{byte:02X}); the file must be saved as UTF-8",
            )
    return "row", "is not UTF-8 text; the file must be saved as UTF-8"


def gzip_damage(exc: Exception) -> str:
    """The reason for a damaged gzip stream, without echoing its bytes."""
    if isinstance(exc, EOFError):
        return "the gzip data ends before its end (a download cut short?)"
    return f"the gzip data is damaged ({type(exc).__name__})"

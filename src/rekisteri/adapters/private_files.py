"""Files that hold personal data are readable by their owner only (P16), whatever the umask."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Literal, overload


@overload
def open_private(path: Path, mode: Literal["w"] = "w") -> IO[str]: ...
@overload
def open_private(path: Path, mode: Literal["wb"]) -> IO[bytes]: ...
def open_private(path: Path, mode: Literal["w", "wb"] = "w") -> IO[str] | IO[bytes]:
    """Open for writing with mode 0600; an existing file is narrowed to 0600 too."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    if mode == "wb":
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def write_private(path: Path, data: bytes | str) -> None:
    if isinstance(data, bytes):
        with open_private(path, "wb") as fh:
            fh.write(data)
    else:
        with open_private(path) as fh:
            fh.write(data)


def private_directory(path: Path) -> None:
    """Create the directory (owner only) unless it exists; an existing one is left as it is."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)

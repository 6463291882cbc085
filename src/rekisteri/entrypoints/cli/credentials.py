"""Where the command line keeps its login: a token in a file only its owner can read.

The token comes from REKISTERI_TOKEN when that is set (scripts, CI), else from
`$XDG_CONFIG_HOME/rekisteri/token` (default `~/.config/rekisteri/token`). The file is written
0600 in a 0700 directory, through a new file renamed into place (never a file someone else
created or a symbolic link), and refused when it is readable by its group or others or owned
by another user: a token anyone can read is anyone's login.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

ENV = "REKISTERI_TOKEN"


class CredentialsError(Exception):
    """The token file is unsafe or unreadable (the message says which and why)."""


def token_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "rekisteri" / "token"


def current_token() -> str | None:
    """The token of this shell's login: REKISTERI_TOKEN, else the file (None: not logged in)."""
    given = os.environ.get(ENV, "").strip()
    if given:
        return given
    return file_token()


def file_token() -> str | None:
    """The token `rekisteri login` kept in the token file (None: no file)."""
    path = token_path()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:  # a symbolic link (ELOOP), a directory, no permission
        raise CredentialsError(f"cannot read the token file {path}: {exc.strerror}") from None
    with os.fdopen(fd, "r", encoding="ascii", errors="replace") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise CredentialsError(f"the token file {path} is not a regular file")
        if info.st_uid != os.getuid():
            raise CredentialsError(f"the token file {path} belongs to another user; remove it")
        if info.st_mode & 0o077:
            raise CredentialsError(
                f"the token file {path} is readable by others (mode "
                f"{stat.S_IMODE(info.st_mode):04o}, must be 0600): remove it and "
                "`rekisteri login` again"
            )
        token = file.read(200).strip()
    return token or None


def save_token(token: str) -> Path:
    """Write the token 0600 (replacing an earlier one); its directory is made 0700."""
    path = token_path()
    directory = path.parent
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = directory.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise CredentialsError(f"{directory} is not a directory of this user's")
    if info.st_mode & 0o077:
        os.chmod(directory, 0o700)  # ours: made by an earlier version or by hand
    scratch = directory / f".token.{secrets.token_hex(8)}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(scratch, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        os.write(fd, (token + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(scratch, path)
    return path


def remove_token_file() -> Path | None:
    path = token_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    return path

"""The backup file's chunked encryption: what goes in comes out, and every way of changing the
file is refused at the chunk it reaches (changed, dropped, repeated, moved, cut, extended, a
changed header, another key, lengths beyond what the register writes)."""

from __future__ import annotations

import io
import secrets
import struct

import pytest

from rekisteri.adapters import backup_file
from rekisteri.adapters.backup_file import BackupFileError, Header

KEY = secrets.token_bytes(32)
DATA = bytes(range(256)) * 5  # 1280 bytes: 80 chunks of 16


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_file, "CHUNK", 16)


def _header() -> Header:
    return Header("sqlite", "2026-03-03T10:00:00+00:00", 7, 3, backup_file.new_salt())


def _written(data: bytes = DATA, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    pieces = [data[i : i + 100] for i in range(0, len(data), 100)]
    assert backup_file.write(out, key, _header(), pieces) == len(data)
    return out.getvalue()


def _read(raw: bytes, key: bytes = KEY) -> bytes:
    return b"".join(backup_file.chunks(io.BytesIO(raw), key))


def _split(raw: bytes) -> tuple[bytes, list[bytes]]:
    """The file's head (magic and header) and its chunks, each with its length word."""
    length = struct.unpack(">I", raw[len(backup_file.MAGIC) : len(backup_file.MAGIC) + 4])[0]
    at = len(backup_file.MAGIC) + 4 + length
    head, chunks = raw[:at], []
    while at < len(raw):
        size = struct.unpack(">I", raw[at : at + 4])[0] & 0x7FFFFFFF
        chunks.append(raw[at : at + 4 + size])
        at += 4 + size
    return head, chunks


def test_what_is_written_reads_back_and_the_header_records_the_moment() -> None:
    raw = _written()
    assert _read(raw) == DATA
    header = backup_file.read_header(io.BytesIO(raw))
    assert (header.audit_seq, header.journal_position, header.dialect) == (7, 3, "sqlite")
    assert DATA[:64] not in raw
    assert _read(_written(b"")) == b""


def test_another_key_opens_nothing() -> None:
    with pytest.raises(BackupFileError, match="chunk 0 does not verify"):
        _read(_written(), secrets.token_bytes(32))


@pytest.mark.parametrize("where", [0.3, 0.6, 0.99])
def test_a_changed_byte_is_refused(where: float) -> None:
    raw = bytearray(_written())
    raw[int(len(raw) * where)] ^= 0x40
    with pytest.raises(BackupFileError):
        _read(bytes(raw))


def test_chunks_moved_dropped_or_repeated_are_refused() -> None:
    head, chunks = _split(_written())
    assert len(chunks) == 80  # the last full one is marked the last
    swapped = [chunks[1], chunks[0], *chunks[2:]]
    # Refused at the first chunk out of its place.
    for changed, at in ((swapped, 0), (chunks[1:], 0), ([chunks[0], *chunks], 1)):
        with pytest.raises(BackupFileError, match=f"chunk {at} does not verify"):
            _read(head + b"".join(changed))


def test_a_file_cut_short_or_extended_is_refused() -> None:
    raw = _written()
    head, chunks = _split(raw)
    with pytest.raises(BackupFileError, match="cut short"):
        _read(head + b"".join(chunks[:-1]))  # every chunk whole, the last missing
    with pytest.raises(BackupFileError, match="cut short"):
        _read(raw[:-5])
    with pytest.raises(BackupFileError, match="follow the backup's last chunk"):
        _read(raw + b"\0")
    # Cut after a chunk that is then marked the last: its authentication says it was not.
    first = bytearray(chunks[0])
    first[0] |= 0x80
    with pytest.raises(BackupFileError, match="chunk 0 does not verify"):
        _read(head + bytes(first))


def test_a_changed_header_is_refused_at_the_first_chunk() -> None:
    raw = _written()
    changed = raw.replace(b'"audit_seq":7', b'"audit_seq":9')
    assert changed != raw
    with pytest.raises(BackupFileError, match="chunk 0 does not verify"):
        _read(changed)


def _with_salt(salt: str) -> bytes:
    """A file whose header is whole but for a crafted salt, followed by a chunk."""
    head = Header("sqlite", "2026-03-03T10:00:00+00:00", 7, 3, salt).to_bytes()
    return backup_file.MAGIC + struct.pack(">I", len(head)) + head + b"\x80\0\0\x10" + b"x" * 16


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"PK\x03\x04 not a backup",
        backup_file.MAGIC + struct.pack(">I", 1 << 30),
        backup_file.MAGIC + struct.pack(">I", 5) + b"{nope",
        backup_file.MAGIC + struct.pack(">I", 2) + b"{}",
        _with_salt("zz" * 32),
        _with_salt("abc"),
        _with_salt(""),
    ],
    ids=[
        "empty",
        "another-file",
        "huge-header",
        "broken-header",
        "header-without-fields",
        "salt-not-hex",
        "salt-odd-length",
        "salt-empty",
    ],
)
def test_what_is_no_backup_is_refused_in_one_line(raw: bytes) -> None:
    with pytest.raises(BackupFileError) as refused:
        _read(raw)
    assert "\n" not in str(refused.value) and len(str(refused.value)) < 200


def test_a_chunk_longer_than_the_register_writes_is_refused_before_it_is_read() -> None:
    head, _ = _split(_written())
    with pytest.raises(BackupFileError, match="longer than any chunk"):
        _read(head + struct.pack(">I", 1 << 30))

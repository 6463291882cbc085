"""The encrypted file store: chunked AES-GCM, each chunk checked before any of it is given; a
chunk altered, moved, dropped or cut off, or a file swapped for another, opens nothing."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.adapters.file_store import CHUNK, MAGIC, TAG, FileStore, is_stored
from rekisteri.domain.errors import DamagedFile, InvalidInput, KeyringError
from tests.support.audio import marker_of, wav_bytes

AUDIO = wav_bytes(5.0)  # 160 KB: three chunks, the last a short one


def _store(tmp_path: Path, keyring: Keyring | None = None) -> FileStore:
    return FileStore(tmp_path / "files", Cipher(keyring or Keyring.generate()))


def _put(store: FileStore, data: bytes, piece: int = 1000) -> str:
    with store.writer() as w:
        for i in range(0, len(data), piece):
            w.write(data[i : i + piece])
        return w.close().ref


def _file(store: FileStore, ref: str) -> Path:
    name = ref.removeprefix("store:")
    return store.root / name[:2] / f"{name}.rkf"


def _header_len(raw: bytes) -> int:
    return len(MAGIC) + 1 + raw[len(MAGIC)] + 16 + 7


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, len(AUDIO)])
def test_what_is_written_reads_back_whole(tmp_path: Path, size: int) -> None:
    store = _store(tmp_path)
    data = (AUDIO * 2)[:size]
    ref = _put(store, data, piece=7777)
    assert is_stored(ref)
    assert b"".join(store.read(ref)) == data
    assert store.verify(ref) == size


def test_no_plaintext_on_disk_and_owner_only(tmp_path: Path) -> None:
    store = _store(tmp_path)
    ref = _put(store, AUDIO)
    raw = _file(store, ref).read_bytes()
    assert marker_of(AUDIO) not in raw and b"RIFF" not in raw
    for path in [store.root, *store.root.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
    assert [p.name for p in store.root.rglob("*.tmp")] == []


def test_an_altered_chunk_gives_nothing_of_itself(tmp_path: Path) -> None:
    store = _store(tmp_path)
    ref = _put(store, AUDIO)
    path = _file(store, ref)
    raw = bytearray(path.read_bytes())
    at = _header_len(bytes(raw)) + CHUNK + TAG + 100  # inside the second chunk
    raw[at] ^= 0x01
    path.write_bytes(bytes(raw))
    chunks = store.read(ref)
    assert next(chunks) == AUDIO[:CHUNK]  # the first chunk is sound and checked
    with pytest.raises(DamagedFile, match="chunk 1 fails its check"):
        next(chunks)
    with pytest.raises(DamagedFile):
        store.verify(ref)


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda n: n - (len(AUDIO) - 2 * CHUNK + TAG), id="final chunk dropped"),
        pytest.param(lambda n: n - 1, id="last byte cut"),
        pytest.param(lambda n: n - 500, id="cut inside the final chunk"),
    ],
)
def test_a_truncated_file_is_refused(tmp_path: Path, cut) -> None:
    store = _store(tmp_path)
    ref = _put(store, AUDIO)
    path = _file(store, ref)
    raw = path.read_bytes()
    path.write_bytes(raw[: cut(len(raw))])
    with pytest.raises(DamagedFile):
        store.verify(ref)


def test_chunks_swapped_or_a_file_under_another_name_do_not_open(tmp_path: Path) -> None:
    store = _store(tmp_path)
    ref = _put(store, AUDIO)
    path = _file(store, ref)
    raw = path.read_bytes()
    h = _header_len(raw)
    one, two = raw[h : h + CHUNK + TAG], raw[h + CHUNK + TAG : h + 2 * (CHUNK + TAG)]
    path.write_bytes(raw[:h] + two + one + raw[h + 2 * (CHUNK + TAG) :])
    with pytest.raises(DamagedFile, match="chunk 0"):
        store.verify(ref)
    other = _put(store, AUDIO)
    _file(store, other).write_bytes(raw)  # a sound file, under another name
    with pytest.raises(DamagedFile):
        store.verify(other)


def test_a_file_keeps_its_key_through_a_rotation_and_needs_it(tmp_path: Path) -> None:
    keyring = Keyring.generate()
    store = _store(tmp_path, keyring)
    ref = _put(store, AUDIO)
    rotated = FileStore(store.root, Cipher(keyring.rotated()))
    assert rotated.key_id(ref) == keyring.current
    assert b"".join(rotated.read(ref)) == AUDIO
    assert rotated.key_id(_put(rotated, b"new")) != keyring.current
    stranger = FileStore(store.root, Cipher(Keyring.generate()))
    with pytest.raises(KeyringError, match="no key"):
        stranger.verify(ref)


def test_too_large_or_abandoned_leaves_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with pytest.raises(InvalidInput, match="larger than 100000 bytes"), store.writer(100_000) as w:
        for i in range(0, len(AUDIO), 4096):
            w.write(AUDIO[i : i + 4096])
    with pytest.raises(RuntimeError), store.writer() as w:
        w.write(AUDIO)
        raise RuntimeError("the upload broke off")
    assert [p for p in store.root.rglob("*") if p.is_file()] == []


def test_destroyed_is_gone(tmp_path: Path) -> None:
    store = _store(tmp_path)
    ref = _put(store, AUDIO)
    assert [r for r, _ in store.stored()] == [ref]
    assert store.destroy(ref) and not store.exists(ref)
    assert not store.destroy(ref)
    with pytest.raises(DamagedFile, match="not in the store"):
        store.verify(ref)
    with pytest.raises(InvalidInput):
        store.read("recordings/../../etc/passwd")

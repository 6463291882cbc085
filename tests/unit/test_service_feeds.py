"""Reading a feed (adapters/service_feeds.py): shapes that are read, and each refusal naming the
file, the line and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from rekisteri.adapters import service_feeds
from rekisteri.domain.errors import InvalidInput

COLUMNS = ("ref", "at", "note")
REQUIRED = ("ref", "at")


def _read(path: Path) -> list[service_feeds.FeedRecord]:
    return service_feeds.read_feed(path, REQUIRED, COLUMNS)


def test_csv_with_a_byte_order_mark_quoted_line_breaks_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(
        '\ufeffnote,ref,at\n"kaksi\nriviä, ja pilkku",A,2026-01-01T00:00:00Z\n\nx,B,\n'.encode()
    )
    records = _read(path)
    assert [(r.line, r.fields) for r in records] == [
        (3, {"note": "kaksi\nriviä, ja pilkku", "ref": "A", "at": "2026-01-01T00:00:00Z"}),
        (5, {"note": "x", "ref": "B", "at": None}),
    ]


@pytest.mark.parametrize(
    ("name", "data", "where", "field"),
    [
        ("f.csv", b"ref,at,note,ref\n", "f.csv, line 1", "header"),
        ("f.csv", b"ref,note\n", "f.csv, line 1", "header"),
        ("f.csv", b"", "f.csv, line 1", "header"),
        ("f.csv", b"ref,at\nA,1\nB,2,3\n", "f.csv, line 3", "record"),
        ("f.csv", b'ref,at\nA,"open\n', "f.csv, line 2", "record"),
        ("f.csv", b"ref,at\nA,\xff\n", "f.csv, line 2", "encoding"),
        ("f.jsonl", b'{"ref": "A", "at": true}\n', "f.jsonl, line 1", "at"),
        ("f.jsonl", b'{"ref": "A"}\n', "f.jsonl, line 1", "at"),
        ("f.jsonl", b'{"ref": "A", "at": "x", "other": 1}\n', "f.jsonl, line 1", "other"),
        ("f.jsonl", b"\n" + b"[" * 10_000 + b"\n", "f.jsonl, line 2", "record"),
        ("f.txt", b"ref,at\n", "f.txt", "FILE"),
    ],
)
def test_refusals_name_file_line_and_field(
    tmp_path: Path, name: str, data: bytes, where: str, field: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InvalidInput) as refused:
        _read(path)
    assert (refused.value.where, refused.value.field) == (where, field)


def test_a_file_over_the_size_bound_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_feeds, "MAX_FEED_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_bytes(b"ref,at\n" + b"A,2026-01-01T00:00:00Z\n" * 10)
    with pytest.raises(InvalidInput, match="over the bound of 100"):
        _read(path)

"""The archive's adapter refuses a file that is not its own, naming it: not Parquet, or
Parquet of another shape (its columns would otherwise read back as nulls), and keeps the files
a rewrite replaces in an undo set until told to forget or undo it."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rekisteri.adapters.archive.parquet import READING_SCHEMA, Archive
from rekisteri.domain.errors import InvalidInput


def _month(rows: int) -> pa.Table:
    return pa.table(
        {
            "metering_point_id": pa.array([1] * rows, pa.int32()),
            "gsrn": pa.array(["643000000000000001"] * rows, pa.string()),
            "ts": pa.array([1_700_000_000 + 900 * i for i in range(rows)], pa.int64()),
            "wh": pa.array([100 + i for i in range(rows)], pa.int32()),
            "quality": pa.array([0] * rows, pa.int8()),
            "resolution": pa.array([900] * rows, pa.int16()),
        },
        schema=READING_SCHEMA,
    )


def test_a_file_of_another_shape_is_refused_naming_it(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    archive.write_month("2025-01", _month(3))
    assert archive.read_month("2025-01").num_rows == 3
    path = archive.month_file("2025-01")
    pq.write_table(pa.table({"metering_point_id": [1], "ts": [1]}), path)
    with pytest.raises(InvalidInput, match="no gsrn, quality, resolution, wh") as refused:
        archive.read_month("2025-01")
    assert refused.value.field == str(path)
    path.write_bytes(b"not parquet at all")
    with pytest.raises(InvalidInput, match="is not a file of the readings archive"):
        archive.read_month("2025-01")


def test_an_undo_set_puts_back_what_a_rewrite_replaced_or_removed(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    archive.write_month("2025-01", _month(3))
    archive.write_month("2025-02", _month(2))
    archive.undo_token = "t1"
    archive.write_month("2025-01", _month(1))
    archive.write_month("2025-01", _month(2))  # the first version is the one kept
    archive.drop_month("2025-02")
    assert archive.undo_tokens() == ["t1"]
    archive.undo("t1")
    assert archive.read_month("2025-01").num_rows == 3
    assert archive.read_month("2025-02").num_rows == 2
    assert archive.undo_tokens() == []
    archive.write_month("2025-01", _month(1))
    archive.forget("t1")  # nothing kept under it any more: nothing to do
    archive.undo_token = "t2"
    archive.write_month("2025-01", _month(4))
    archive.forget("t2")
    assert archive.read_month("2025-01").num_rows == 4
    assert not list((tmp_path / "_undo").iterdir())

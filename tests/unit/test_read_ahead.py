"""Reading ahead (adapters/read_ahead): in a thread and in a child interpreter, every item in
order, the producer's error raised where its item would have come, and a consumer that stops
early leaves no thread or process behind."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rekisteri.adapters import camt054
from rekisteri.adapters.camt054_writer import OutPayment, write_notification_file
from rekisteri.adapters.read_ahead import read_ahead, read_apart
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.references import make_invoice_reference


def _file(path: Path, n: int) -> Path:
    return write_notification_file(
        path,
        (
            OutPayment(f"BR-{i}", make_invoice_reference(1000 + i), "10.00", dt.date(2026, 11, 30))
            for i in range(n)
        ),
        message_id="MSG-7",
    )


def _children() -> list[int]:
    """This process's children that are (or were: a zombie's command line is gone) the
    read-ahead's child interpreters."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        comm, _, rest = stat.partition(" (")[2].rpartition(")")
        state, ppid = rest.split()[:2]
        if int(ppid) != os.getpid():
            continue
        if b"rekisteri.adapters.read_ahead" in cmdline or (state == "Z" and "python" in comm):
            found.append(int(entry.name))
    return found


def _counting(n: int, fail_at: int | None = None) -> Iterator[int]:
    for i in range(n):
        if i == fail_at:
            raise InvalidInput("file", "broken here", where="f.xml, line 9")
        yield i


def test_a_thread_hands_over_every_item_in_order() -> None:
    assert list(read_ahead(_counting(1000), depth=2)) == list(range(1000))


def test_a_threads_error_comes_after_the_items_before_it() -> None:
    got: list[int] = []
    with pytest.raises(InvalidInput, match="broken here"):
        got.extend(read_ahead(_counting(100, fail_at=40)))
    assert got == list(range(40))


def test_a_consumer_stopping_early_stops_the_thread() -> None:
    before = threading.active_count()
    items = read_ahead(_counting(10_000), depth=2, name="stopped-early")
    assert next(items) == 0
    items.close()
    assert threading.active_count() == before
    assert not [t for t in threading.enumerate() if t.name == "stopped-early"]


def test_a_child_interpreter_parses_the_file_and_hands_back_its_chunks(tmp_path: Path) -> None:
    f = _file(tmp_path / "n.xml", 25)
    chunks = list(read_apart(functools.partial(camt054.read_chunks, f, f.name, 10)))
    assert [len(c.payments) for c in chunks] == [10, 10, 5]
    assert [p.bank_ref for c in chunks for p in c.payments] == [f"BR-{i}" for i in range(25)]
    assert {(c.version, c.message_id) for c in chunks} == {("camt.054.001.02", "MSG-7")}
    # The same as read in this process.
    here = list(camt054.read_chunks(f.read_bytes(), f.name, 10))
    assert here == chunks
    assert _children() == []


def test_bytes_sent_to_the_child_are_read_as_the_file_would_be(tmp_path: Path) -> None:
    """The API's upload: the body's bytes go to the child through its input."""
    f = _file(tmp_path / "n.xml", 12)
    sent = list(read_apart(functools.partial(camt054.read_chunks, f.read_bytes(), "upload", 5)))
    assert sent == list(camt054.read_chunks(f, "upload", 5))
    assert [len(c.payments) for c in sent] == [5, 5, 2]


def test_a_refusal_in_the_child_is_raised_whole_in_the_consumer(tmp_path: Path) -> None:
    good = _file(tmp_path / "n.xml", 30)
    cut = tmp_path / "cut.xml"
    text = good.read_text(encoding="utf-8")
    cut.write_text(text[: text.index("</Ntfctn>")], encoding="utf-8")
    got = []
    with pytest.raises(InvalidInput) as refused:
        got.extend(read_apart(functools.partial(camt054.read_chunks, cut, cut.name, 10)))
    # The refusal as the reader made it: field, reason and where (file and line) intact.
    assert refused.value.field == "file"
    assert refused.value.where is not None and refused.value.where.startswith("cut.xml, line ")
    assert "not well-formed" in refused.value.reason
    assert [len(c.payments) for c in got] == [10, 10, 10]  # the chunks before the cut came
    assert _children() == []


def test_a_consumer_stopping_early_ends_the_child(tmp_path: Path) -> None:
    # Far more than a pipe holds: the child is still writing when the consumer stops.
    f = _file(tmp_path / "n.xml", 5000)
    chunks = read_apart(functools.partial(camt054.read_chunks, f, f.name, 10))
    assert len(next(chunks).payments) == 10
    assert len(_children()) == 1
    chunks.close()
    assert _children() == []


def test_nothing_is_started_for_an_iterator_closed_before_its_first_item(tmp_path: Path) -> None:
    f = _file(tmp_path / "n.xml", 5)
    read_apart(functools.partial(camt054.read_chunks, f, f.name, 10)).close()
    assert _children() == []


def test_a_child_that_dies_is_an_error_not_an_end() -> None:
    with pytest.raises(RuntimeError, match=r"the dying process ended \(exit code 3\)"):
        list(read_apart(functools.partial(os._exit, 3), name="dying"))
    assert _children() == []


def test_the_childs_exit_is_not_the_consumers() -> None:
    with pytest.raises(RuntimeError, match="SystemExit: 4"):
        list(read_apart(functools.partial(sys.exit, 4)))
    assert _children() == []


def test_what_the_child_prints_does_not_break_its_records(
    capfd: pytest.CaptureFixture[str],
) -> None:
    # print() returns None, which is no iterable: the child prints, then fails.
    with pytest.raises(TypeError, match="not iterable") as failed:
        list(read_apart(functools.partial(print, "x" * 100_000)))
    assert "x" * 100_000 in capfd.readouterr().err  # it went to stderr
    assert any("Traceback" in note for note in failed.value.__notes__)  # the child's


def test_a_child_that_sends_nothing_is_stopped() -> None:
    with pytest.raises(RuntimeError, match=r"the slow process sent nothing for 0.5 s"):
        list(read_apart(functools.partial(time.sleep, 30), name="slow", stall_seconds=0.5))
    assert _children() == []


def test_the_working_directory_is_not_on_the_childs_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bank file's directory is where the job may run: a module there of a name the child
    imports must not be found, so neither the directory nor "" is on the child's path, and it
    has this process's own entries first."""
    monkeypatch.chdir(tmp_path)
    childs_path = list(read_apart(functools.partial(eval, "__import__('sys').path")))
    assert "" not in childs_path and str(tmp_path) not in childs_path
    own = [p for p in sys.path if p and os.path.isabs(p)]
    assert childs_path[: len(own)] == own

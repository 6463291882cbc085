"""Items of an iterator produced ahead, in a thread or in a process of their own: a file's next
records parsed while the database stores the ones before.

- `read_ahead` (a thread): for parsers that let the interpreter lock go (polars), or files small
  enough that it does not matter. A pure-Python parser (the XML readers) holds the lock, and the
  consumer then waits for it after each answer of the database, so little overlaps.
- `read_apart` (a child interpreter): the parser runs on the other core whatever it holds; its
  items come back pickled through a pipe. Starting it costs a fraction of a second, so it is
  for large files.

Both keep at most `depth` items waiting (memory stays bounded). An exception of the producer is
raised in the consumer where the item it stopped at would have come; the consumer closing the
iterator early (its own error) stops the producer and waits for it, so nothing reads the source
after the caller has closed it. Close the iterator with the caller's own lifetime:
`with contextlib.closing(read_ahead(...)) as items:`.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Generator, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(
    items: Iterable[T], *, depth: int = 2, name: str = "read-ahead"
) -> Generator[T, None, None]:
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(item: object) -> bool:
        """False once the consumer has stopped (nothing waits for the item)."""
        while not stop.is_set():
            try:
                waiting.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not hand_over(item):
                    return
            hand_over(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            hand_over(_Failed(exc))

    return _consume(waiting, stop, threading.Thread(target=produce, name=name, daemon=True))


def _consume(
    waiting: queue.Queue[object], stop: threading.Event, worker: threading.Thread
) -> Generator[T, None, None]:
    worker.start()
    try:
        while (item := waiting.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]  # only the producer's items are put besides
    finally:
        stop.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                waiting.get(timeout=0.1)
        worker.join()


def read_apart(
    make: Callable[[], Iterable[T]], *, name: str = "read-apart"
) -> Generator[T, None, None]:
    """The items `make()` yields, made in a process of its own. `make` and the items must
    pickle (a module-level function, or functools.partial of one, and dataclasses)."""
    # A plain child interpreter, not multiprocessing: its spawn runs the parent's main script
    # again in the child (any script without a __main__ guard would fail), and a fork would
    # copy this process's threads and database connections in an unknown state.
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    # This interpreter and this module: nothing of the input is on the command line.
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", __name__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    assert child.stdin is not None
    # The child reads the whole of its task before it writes anything: no deadlock.
    child.stdin.write(pickle.dumps(make, protocol=pickle.HIGHEST_PROTOCOL))
    child.stdin.close()
    return _consume_apart(child, name)


_ITEM, _END, _ERROR = b"I", b"E", b"X"
_HEAD = 9  # a kind byte and the record's length in 8 bytes


def _consume_apart(child: subprocess.Popen[bytes], name: str) -> Generator[T, None, None]:
    assert child.stdout is not None
    try:
        while True:
            head = child.stdout.read(_HEAD)
            size = int.from_bytes(head[1:], "big") if len(head) == _HEAD else -1
            body = child.stdout.read(size) if size >= 0 else b""
            if size < 0 or len(body) != size:
                raise RuntimeError(
                    f"the {name} process ended (exit code {child.wait()}) before its end"
                )
            # Records the child made with pickle from the parser's own dataclasses: an input
            # file's text is only ever a string inside them.
            value = pickle.loads(body)  # noqa: S301
            if head[:1] == _END:
                return
            if head[:1] == _ERROR:
                raise value
            yield value
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()


def _portable(exc: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else a RuntimeError that names it."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 (bytes this process has just made)
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _child() -> None:
    """The child of `read_apart`: its task from stdin, its items to stdout as records."""
    out = sys.stdout.buffer

    def send(kind: bytes, value: object) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(kind + len(data).to_bytes(_HEAD - 1, "big") + data)
        out.flush()

    try:
        make = pickle.load(sys.stdin.buffer)  # noqa: S301 (written by read_apart's process)
        for item in make():
            send(_ITEM, item)
        send(_END, None)
    except BaseException as exc:
        send(_ERROR, _portable(exc))


if __name__ == "__main__":
    _child()

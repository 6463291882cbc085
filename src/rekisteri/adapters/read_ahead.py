"""Items of an iterator produced ahead, in a thread or in a process of their own: a file's next
records parsed while the database stores the ones before.

- `read_ahead` (a thread): for parsers that let the interpreter lock go (polars), or files small
  enough that it does not matter. A pure-Python parser (the XML readers) holds the lock, and the
  consumer then waits for it after each answer of the database, so little overlaps.
- `read_apart` (a child interpreter): the parser runs on the other core whatever it holds; its
  items come back pickled through a pipe. Starting it costs a fraction of a second, so it is
  for large files.

What waits is bounded: `depth` items in the thread's queue, the pipe's buffer and one record
for the child (it blocks on its next write until the consumer reads). An exception of the
producer is raised in the consumer where the item it stopped at would have come; the consumer
closing the iterator early (its own error) stops the producer and waits for it (a thread is
joined, a child killed and reaped), so nothing reads the source after the caller has closed it.
Close the iterator with the caller's own lifetime:
`with contextlib.closing(read_ahead(...)) as items:`.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import select
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Generator, Iterable
from typing import Any, TypeVar

from rekisteri.domain.errors import InvalidInput

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
    make: Callable[[], Iterable[T]], *, name: str = "read-apart", stall_seconds: float = 300.0
) -> Generator[T, None, None]:
    """The items `make()` yields, made in a child interpreter. `make` and the items must pickle
    (a module-level function or a functools.partial of one; dataclasses), and `make` should be
    small: it is written to the child whole (give it a file's path, not its bytes). A child
    that sends nothing for `stall_seconds` is killed and the read fails."""
    # A plain child interpreter, not multiprocessing: its spawn runs the parent's main script
    # again in the child (a script without a __main__ guard fails), and a fork would copy this
    # process's threads and database connections in an unknown state. Isolated (-I: no
    # PYTHON* variables, no user site, not the current directory, where a file of the same
    # name as a module would be imported instead), with this process's own module path and no
    # environment (no secret a parser does not need).
    paths = [p for p in sys.path if p and os.path.isabs(p)]
    command = [sys.executable, "-I", "-c", _CHILD, *paths]
    task = pickle.dumps(make, protocol=pickle.HIGHEST_PROTOCOL)
    # This interpreter and this module: nothing of the input is on the command line.
    child = subprocess.Popen(  # noqa: S603
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={}
    )
    try:
        assert child.stdin is not None and child.stdout is not None
        try:
            # The child reads the whole of its task before it writes anything: no deadlock.
            child.stdin.write(task)
            child.stdin.close()
        except BrokenPipeError:
            raise _ended(child, name) from None
        records = _Records(child.stdout.fileno(), stall_seconds, name)
        while True:
            kind, value = records.next(child)
            if kind == _END:
                return
            if kind == _ERROR:
                raise value
            yield value
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        for pipe in (child.stdin, child.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()


_CHILD = (
    "import sys; sys.path[:0] = sys.argv[1:]; "
    "from rekisteri.adapters.read_ahead import _child; _child()"
)
_ITEM, _END, _ERROR = b"I", b"E", b"X"
_HEAD = 9  # a kind byte and the record's length in 8 bytes
_MAX_RECORD = 1 << 30  # a record longer than this is not one the child made


def _ended(child: subprocess.Popen[bytes], name: str) -> RuntimeError:
    return RuntimeError(f"the {name} process ended (exit code {child.wait()}) before its end")


class _Records:
    """The child's records read from its pipe, each whole, none waited for forever."""

    def __init__(self, fd: int, stall_seconds: float, name: str) -> None:
        self.fd = fd
        self.stall_seconds = stall_seconds
        self.name = name

    def next(self, child: subprocess.Popen[bytes]) -> tuple[bytes, Any]:
        head = self._exactly(_HEAD, child)
        kind, size = head[:1], int.from_bytes(head[1:], "big")
        if kind not in (_ITEM, _END, _ERROR) or size > _MAX_RECORD:
            raise RuntimeError(f"the {self.name} process wrote what is not one of its records")
        # Records the child made with pickle from the parser's own dataclasses: an input file's
        # text is only ever a string inside them.
        value = pickle.loads(self._exactly(size, child))  # noqa: S301
        if kind == _ERROR and not isinstance(value, Exception):
            value = RuntimeError(f"the {self.name} process failed: {value!r}")
        return kind, value

    def _exactly(self, size: int, child: subprocess.Popen[bytes]) -> bytes:
        parts: list[bytes] = []
        left = size
        while left:
            ready, _, _ = select.select([self.fd], [], [], self.stall_seconds)
            if not ready:
                child.kill()
                raise RuntimeError(
                    f"the {self.name} process sent nothing for {self.stall_seconds:g} s"
                )
            part = os.read(self.fd, min(left, 1 << 20))
            if not part:
                raise _ended(child, self.name)
            parts.append(part)
            left -= len(part)
        return b"".join(parts)


def _portable(exc: BaseException) -> Exception:
    """What the consumer may raise for the child's exception: the exception itself if it is an
    Exception that survives pickling, else a RuntimeError naming it (an interrupt or exit of
    the child is not the consumer's), with the child's traceback as a note."""
    if isinstance(exc, Exception) and _pickles(exc):
        if not isinstance(exc, InvalidInput):  # a refusal says all; anything else, where
            exc.add_note(traceback.format_exc())
        return exc
    error = RuntimeError(f"{type(exc).__name__}: {exc}")
    error.add_note(traceback.format_exc())
    return error


def _pickles(exc: Exception) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 (bytes this process has just made)
    except Exception:
        return False
    return True


def _child() -> None:
    """The child of `read_apart`: its task from stdin, its items to stdout as records."""
    # The records go to the pipe that was stdout; anything printed goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)

    def send(kind: bytes, value: object) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(kind + len(data).to_bytes(_HEAD - 1, "big") + data)
        out.flush()

    try:
        make = pickle.load(sys.stdin.buffer)  # noqa: S301 (written by read_apart's process)
        for item in make():
            send(_ITEM, item)
        send(_END, None)
    except BrokenPipeError:
        return  # the consumer has stopped reading: nothing to tell
    except BaseException as exc:
        with contextlib.suppress(BrokenPipeError):
            send(_ERROR, _portable(exc))

"""Work done by several threads at once, started together, with every failure kept."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
WAIT_SECONDS = 120  # a bound, not a pause: threads wait on a barrier and are joined


@dataclass
class Outcomes(Generic[T]):
    results: list[T] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)

    def summary(self) -> str:
        shown = "; ".join(repr(f)[:300] for f in self.failures[:3])
        return f"{len(self.failures)} of {len(self.failures) + len(self.results)} failed: {shown}"


def in_threads(threads: int, each: int, work: Callable[[int, int], T]) -> Outcomes[T]:
    """`work(thread, i)` for i in range(each) in each of `threads` threads, all starting at
    once; a failing call is kept and the thread goes on with the next."""
    outcomes: Outcomes[T] = Outcomes()
    kept = threading.Lock()
    start = threading.Barrier(threads)

    def one_thread(t: int) -> None:
        start.wait(timeout=WAIT_SECONDS)
        for i in range(each):
            try:
                result = work(t, i)
            except Exception as exc:  # counted, so the test names how many failed
                with kept:
                    outcomes.failures.append(exc)
            else:
                with kept:
                    outcomes.results.append(result)

    pool = [threading.Thread(target=one_thread, args=(t,), daemon=True) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=WAIT_SECONDS)
        assert not thread.is_alive(), "a thread did not finish in time"
    return outcomes

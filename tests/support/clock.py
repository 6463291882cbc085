"""A clock the tests move instead of sleeping."""

from __future__ import annotations

import datetime as dt


class FakeClock:
    def __init__(self, start: dt.datetime | None = None) -> None:
        self.current = start or dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += dt.timedelta(**delta)

    def set(self, when: dt.datetime) -> None:
        self.current = when

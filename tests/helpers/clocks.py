"""Clocks for tests (fwctl_tui.clock.Clock): time that only moves when a test says so."""

from __future__ import annotations

import itertools


class TickingClock:
    """A fixed wall time and a monotonic clock that moves `step_ns` at every reading, so
    every RPC lasts exactly `step_ns` (its timer reads the clock twice)."""

    def __init__(self, step_ns: int, wall: float = 0.0) -> None:
        self._ticks = itertools.count(0, step_ns)
        self._wall = wall

    def wall(self) -> float:
        return self._wall

    def monotonic_ns(self) -> int:
        return next(self._ticks)

    def sleep(self, seconds: float) -> None:
        """Returns at once: nothing waits on this clock."""


class CardClock:
    """The simulated card's time (`now[0]`, seconds) read as both wall and monotonic, so
    the records of a watch carry the card's own clock; sleeping moves it on."""

    def __init__(self, now: list[float]) -> None:
        self.now = now

    def wall(self) -> float:
        return self.now[0]

    def monotonic_ns(self) -> int:
        return int(self.now[0] * 1e9)

    def sleep(self, seconds: float) -> None:
        self.now[0] += seconds

"""Where fwctl-tui reads the time: one Clock, passed where devices and sessions are opened.

RPC durations, record order and a watch loop's cadence count on `monotonic_ns`; record
times, capture names and the age of a register read on `wall`; a watch loop waits with
`sleep`. The host's clocks are the default everywhere; tests hand in a fixed one, so
titles, histories and captures come out the same on every run and no test ever waits.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """The readings every device, session and workspace takes, and the wait of a loop."""

    def wall(self) -> float:
        """Seconds since the epoch (UTC)."""
        ...

    def monotonic_ns(self) -> int:
        """Nanoseconds on a clock that never goes back (RPC durations, record order)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` on this clock (a fake one just moves on)."""
        ...


class SystemClock:
    """The host's clocks. A device on this clock times its RPCs natively (clock_gettime in
    _fastrpc, perf_counter_ns in its twin): no Python call inside the timed ioctl."""

    def wall(self) -> float:
        return time.time()

    def monotonic_ns(self) -> int:
        return time.monotonic_ns()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK = SystemClock()

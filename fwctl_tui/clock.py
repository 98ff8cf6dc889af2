"""Where fwctl-tui reads the time: one Clock, passed where devices and sessions are opened.

RPC durations and record order count on `monotonic_ns`; record times, capture names and
the age of a register read on `wall`. The host's clocks are the default everywhere; tests
hand in a fixed one, so titles, histories and captures come out the same on every run.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """The two readings every device, session and workspace takes."""

    def wall(self) -> float:
        """Seconds since the epoch (UTC)."""
        ...

    def monotonic_ns(self) -> int:
        """Nanoseconds on a clock that never goes back (RPC durations, record order)."""
        ...


class SystemClock:
    """The host's clocks. A device on this clock times its RPCs natively (clock_gettime in
    _fastrpc, perf_counter_ns in its twin): no Python call inside the timed ioctl."""

    def wall(self) -> float:
        return time.time()

    def monotonic_ns(self) -> int:
        return time.monotonic_ns()


SYSTEM_CLOCK = SystemClock()

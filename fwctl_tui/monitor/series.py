"""The port dashboard's model, headless: samples in, summary, per-counter changes and series out.

PortDashboard takes PortSamples (from a PortReader polling a device, or rebuilt from a
capture) with the time each was taken, and keeps what the screen shows: the summary,
each counter's value/delta/rate (RateTracker), when the link state last changed, and
every counter's value and rate over the session for plots. `downsample` thins a long
series to what a plot can draw, keeping each bucket's extreme so a spike never vanishes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fwctl_tui.monitor.link import PortSample, summary
from fwctl_tui.monitor.sampling import FieldChange, RateTracker

SLOW_SAMPLE_S = 0.5  # a sample that takes longer is shown as slow


@dataclass
class Series:
    """One counter over the session: times (s since the first sample), values, rates."""

    times: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    rate_times: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)

    def points(self, kind: str) -> tuple[list[float], list[float]]:
        return (self.rate_times, self.rates) if kind == "rate" else (self.times, self.values)


@dataclass
class DashboardView:
    """What one sample changed on screen."""

    summary: dict[str, Any]
    changes: dict[str, FieldChange]
    elapsed: float
    duration_ms: float
    errors: dict[str, str]
    link_changed_at: float | None  # seconds since the first sample, None: not seen yet

    @property
    def slow(self) -> bool:
        return self.duration_ms > SLOW_SAMPLE_S * 1000


class PortDashboard:
    """Feeds samples through the rate tracker and keeps the series."""

    def __init__(self, device: str, port: int) -> None:
        self.device, self.port = device, port
        self.tracker = RateTracker()
        self.series: dict[str, Series] = {}
        self.start: float | None = None
        self.samples = 0
        self._oper: int | None = None
        self._changed_at: float | None = None
        self.last: DashboardView | None = None
        self._latest: tuple[PortSample, dict[str, FieldChange], float] | None = None

    def feed(self, sample: PortSample, at: float, *, view: bool = True) -> DashboardView | None:
        """Take one sample; the view (summary and changes) only when asked (`view()`
        builds it later): a replay or a throttled screen needs it for few samples."""
        if self.start is None:
            self.start = at
        elapsed = at - self.start
        self.samples += 1
        changes = self.tracker.update(sample.counters(), at) if sample.values else {}
        for label, change in changes.items():
            self.add_point(label, elapsed, change)
        oper = sample.get("paos", "oper_status")
        if oper is not None:
            if self._oper is not None and oper != self._oper:
                self._changed_at = elapsed
            self._oper = oper
        self._latest = (sample, changes, elapsed)
        return self.view() if view else None

    def view(self) -> DashboardView | None:
        """What the screen shows for the latest sample (None before the first)."""
        if self._latest is None:
            return None
        sample, changes, elapsed = self._latest
        self.last = DashboardView(summary(sample, self.device, self.port), changes, elapsed,
                                  sample.duration_ms, dict(sample.errors), self._changed_at)
        return self.last

    def add_point(self, label: str, elapsed: float, change: FieldChange) -> None:
        series = self.series.setdefault(label, Series())
        series.times.append(elapsed)
        series.values.append(float(change.value))
        if change.rate is not None:
            series.rate_times.append(elapsed)
            series.rates.append(change.rate)

    def clear_baseline(self) -> None:
        """The next sample starts deltas and rates afresh (the series are kept)."""
        self.tracker.clear()


def downsample(xs: list[float], ys: list[float], points: int) -> tuple[list[float], list[float]]:
    """At most `points` points: per bucket the point farthest from the bucket's first."""
    if points <= 0 or len(xs) <= points:
        return list(xs), list(ys)
    step = len(xs) / points
    out_x, out_y = [], []
    for i in range(points):
        lo, hi = int(i * step), max(int((i + 1) * step), int(i * step) + 1)
        bucket = ys[lo:hi]
        base = bucket[0]
        j = max(range(len(bucket)), key=lambda k: abs(bucket[k] - base))
        out_x.append(xs[lo + j])
        out_y.append(bucket[j])
    return out_x, out_y

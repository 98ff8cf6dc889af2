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
from fwctl_tui.monitor.sampling import FieldChange, RateTracker, compare

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


@dataclass
class _Latest:
    """The latest sample and the baseline it was compared with (changes built on view)."""

    sample: PortSample
    counters: dict[str, int] | None
    previous: dict[str, int] | None
    since: float | None
    at: float
    elapsed: float


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
        self._latest: _Latest | None = None

    def feed(self, sample: PortSample, at: float, *, view: bool = True) -> DashboardView | None:
        """Take one sample; the view (summary and changes) only when asked (`view()`
        builds it later): a replay or a throttled screen needs it for few samples."""
        if self.start is None:
            self.start = at
        elapsed = at - self.start
        self.samples += 1
        counters = sample.counters() if sample.values else None
        previous, since = self.tracker.baseline, self.tracker.baseline_time
        if counters is not None:
            self._add_points(counters, previous, since, at, elapsed)
            self.tracker.advance(counters, at)
        oper = sample.get("paos", "oper_status")
        if oper is not None:
            if self._oper is not None and oper != self._oper:
                self._changed_at = elapsed
            self._oper = oper
        self._latest = _Latest(sample, counters, previous, since, at, elapsed)
        return self.view() if view else None

    def view(self) -> DashboardView | None:
        """What the screen shows for the latest sample (None before the first)."""
        latest = self._latest
        if latest is None:
            return None
        changes = {} if latest.counters is None else compare(
            latest.previous, latest.since, latest.counters, latest.at)
        sample = latest.sample
        self.last = DashboardView(summary(sample, self.device, self.port), changes,
                                  latest.elapsed, sample.duration_ms, dict(sample.errors),
                                  self._changed_at)
        return self.last

    def _add_points(self, counters: dict[str, int], previous: dict[str, int] | None,
                    since: float | None, at: float, elapsed: float) -> None:
        """Each counter's value and rate (the rate rule of sampling.compare, inline: a
        day's replay adds 1.3 million points)."""
        span = at - since if since is not None else 0.0
        series = self.series
        for label, value in counters.items():
            points = series.get(label)
            if points is None:
                points = series[label] = Series()
            points.times.append(elapsed)
            points.values.append(float(value))
            old = None if previous is None else previous.get(label)
            if old is not None and value >= old and span > 0:
                points.rate_times.append(elapsed)
                points.rates.append((value - old) / span)

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

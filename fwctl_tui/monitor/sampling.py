"""Re-send one command and see what moved: values, deltas since the last sample, rates.

A reply's numeric leaves are flattened to {path: int}; a counter the PRM splits into
`x_high`/`x_low` halves is joined into one 64-bit `x`. RateTracker compares successive
samples: delta and per-second rate over the time between them (the sampling clock, not
the firmware's), and `reset` when a value went down (a clear, a wrap, a new card), so no
negative rate is ever reported. A failed sample keeps the baseline: the next good one
compares with the last good one, over the time between them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fwctl_tui.decoders import decode_output, iter_leaves
from fwctl_tui.decoders.catalogue import Command
from fwctl_tui.decoders.node import Node
from fwctl_tui.decoders.values import join_halves
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange
from fwctl_tui.session import Session
from fwctl_tui.uapi import Scope

Clock = Callable[[], float]


def numeric_fields(root: Node) -> dict[str, int]:
    """Integer leaves by path, `x_high`/`x_low` pairs joined into `x` (64 bits)."""
    values = {leaf.path: leaf.value for leaf in iter_leaves(root)
              if isinstance(leaf.value, int) and not isinstance(leaf.value, bool)}
    return join_halves(values)


@dataclass(frozen=True)
class FieldChange:
    """One field in one sample, compared with the previous good sample."""

    value: int
    delta: int | None = None  # None: first sample, or the value went down (reset)
    rate: float | None = None  # per second over the time between the samples
    reset: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.delta) or self.reset

    def as_json(self) -> dict[str, Any]:
        rate = None if self.rate is None else round(self.rate, 3)
        return {"value": self.value, "delta": self.delta, "rate": rate,
                **({"reset": True} if self.reset else {})}


class RateTracker:
    """Deltas and rates between successive {path: value} maps."""

    def __init__(self) -> None:
        self.baseline: dict[str, int] | None = None
        self.baseline_time: float | None = None
        self.first: dict[str, int] | None = None
        self.first_time: float | None = None

    def clear(self) -> None:
        """Forget the baseline: the next sample starts the comparison afresh."""
        self.__init__()  # type: ignore[misc]

    def update(self, values: Mapping[str, int], at: float) -> dict[str, FieldChange]:
        out = compare(self.baseline, self.baseline_time, values, at)
        self.advance(values, at)
        return out

    def advance(self, values: Mapping[str, int], at: float) -> None:
        """Take `values` as the new baseline without building the changes (a replay
        feeding a day of samples needs them for the last one only)."""
        self.baseline, self.baseline_time = dict(values), at
        if self.first is None:
            self.first, self.first_time = dict(values), at

    def totals(self) -> dict[str, tuple[int, float | None]]:
        """Since the first sample: (total change, mean rate) of every field that moved."""
        if self.first is None or self.baseline is None:
            return {}
        span = (self.baseline_time or 0.0) - (self.first_time or 0.0)
        out = {}
        for path, value in self.baseline.items():
            start = self.first.get(path)
            if start is not None and value != start:
                out[path] = (value - start, (value - start) / span if span > 0 else None)
        return out


def compare(previous: Mapping[str, int] | None, since: float | None,
            values: Mapping[str, int], at: float) -> dict[str, FieldChange]:
    """Each value against the baseline `previous` taken at `since`."""
    span = at - since if since is not None else 0.0
    out: dict[str, FieldChange] = {}
    for path, value in values.items():
        old = previous.get(path) if previous is not None else None
        if old is None:
            out[path] = FieldChange(value)
        elif value < old:
            out[path] = FieldChange(value, reset=True)
        else:
            delta = value - old
            out[path] = FieldChange(value, delta, delta / span if span > 0 else None)
    return out


@dataclass
class Sample:
    """One re-send: when, how long it took, and each field's change (or the error)."""

    seq: int
    wall_time: float
    elapsed: float  # seconds since the first sample
    duration_ms: float
    fields: dict[str, FieldChange] = field(default_factory=dict)
    error: str | None = None
    exchange: Exchange | None = None

    def as_json(self, wanted: Iterable[str] | None = None) -> dict[str, Any]:
        paths = list(self.fields) if wanted is None else [p for p in wanted if p in self.fields]
        return {"seq": self.seq, "time": round(self.wall_time, 6),
                "elapsed_s": round(self.elapsed, 6), "duration_ms": round(self.duration_ms, 3),
                "error": self.error,
                "fields": {p: self.fields[p].as_json() for p in paths}}


def failure_text(exchange: Exchange) -> str | None:
    """Why an exchange gave no usable reply (errno, or a non-zero firmware status)."""
    if exchange.errno:
        why = explain(exchange.errno)
        return f"{why.name}: {why.meaning}" + (f" ({exchange.detail})" if exchange.detail else "")
    if exchange.status:
        return f"firmware status {exchange.outcome()} (syndrome {exchange.syndrome or 0:#x})"
    return None


class Watcher:
    """Re-sends one prepared request through a Session and tracks what moved."""

    def __init__(self, session: Session, cmd: Command, request: bytes, scope: Scope,
                 out_cap: int, *, clock: Clock = time.monotonic) -> None:
        self.session, self.cmd, self.request = session, cmd, request
        self.scope, self.out_cap, self.clock = scope, out_cap, clock
        self.tracker = RateTracker()
        self.seq = 0
        self._start: float | None = None

    def sample(self) -> Sample:
        at = self.clock()
        if self._start is None:
            self._start = at
        self.seq += 1
        exchange = self.session.send(self.cmd.name, self.scope, self.request, self.out_cap)
        sample = Sample(self.seq, exchange.wall_time, at - self._start,
                        exchange.duration_ns / 1e6, exchange=exchange)
        sample.error = failure_text(exchange)
        if sample.error is None and exchange.reply is not None:
            values = numeric_fields(decode_output(self.cmd, exchange.reply, self.request))
            sample.fields = self.tracker.update(values, at)
        return sample

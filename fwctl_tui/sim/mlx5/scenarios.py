"""Named fault stories a simulated port plays over time, for the dashboard and for practice.

A scenario starts at a model time and is a pure function of the time since then, like the
rest of the model, so a seeded host with an injected clock plays it identically every run:

- `link-flap`: the link drops every FLAP_PERIOD_S (first after FLAP_FIRST_S), stays down
  FLAP_DOWN_S and comes back; each drop is unintentional with unknown blame.
- `fec-degrading`: RS-FEC corrected symbols (and blocks, raw bit errors, raw BER) rise
  faster and faster, the per-lane rate growing by the base rate every FEC_RAMP_S of link
  time; after FEC_UNCORRECTABLE_AFTER_S uncorrectable blocks appear and accelerate too.
- `module-overheat`: the module warms by OVERHEAT_C_PER_S up to OVERHEAT_PEAK_C above
  normal, past MTMP's warning threshold.
- `remote-fault`: the link drops REMOTE_FAULT_AFTER_S in, blamed on the remote side, and
  stays down with admin up (the PHY keeps polling).

Link events are applied lazily, at their own times, before each command (`advance`), so
what any register shows is what it would have shown had someone been polling all along.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

from fwctl_tui.sim.mlx5.link import BLAME_REMOTE, BLAME_UNKNOWN, LinkState

FLAP_FIRST_S, FLAP_PERIOD_S, FLAP_DOWN_S = 10.0, 30.0, 6.0
FEC_RAMP_S = 20.0
FEC_UNCORRECTABLE_AFTER_S = 60.0
UNCORRECTABLE_PER_S2 = 0.5  # uncorrectable blocks accelerate: 0.5 * t^2 after onset
OVERHEAT_C_PER_S, OVERHEAT_PEAK_C = 0.5, 40.0
REMOTE_FAULT_AFTER_S = 5.0

SCENARIOS: dict[str, str] = {
    "link-flap": "the link drops every 30 s for 6 s (unintentional, blame unknown)",
    "fec-degrading": "FEC corrected errors rise ever faster; uncorrectable blocks after 60 s",
    "module-overheat": "the module heats 0.5 degC/s to 40 degC above normal, past its warning",
    "remote-fault": "the link drops after 5 s, blamed on the remote side, and stays down",
}


class Port(Protocol):
    """What a scenario reads of its port: the link and the model clock."""

    link: LinkState

    def now(self) -> float: ...


@dataclass
class Scenario:
    """One running story: its name, when it started (model s, and link-up s), progress."""

    name: str
    started: float
    started_tau: float
    applied_until: float  # link events up to here are in the link state

    @classmethod
    def start(cls, name: str, port: Port) -> Scenario:
        if name not in SCENARIOS:
            raise LookupError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}")
        now = port.now()
        return cls(name, now, port.link.up_seconds(now), now)

    def state(self) -> dict[str, Any]:
        return {"name": self.name, "started": self.started, "started_tau": self.started_tau,
                "applied_until": self.applied_until}

    def elapsed(self, now: float) -> float:
        return max(0.0, now - self.started)

    # -- link stories ----------------------------------------------------------------------
    def advance(self, port: Port) -> None:
        """Apply the link drops and recoveries due between the last call and now."""
        now = port.now()
        for at, down in self._events(self.applied_until, now):
            if down:
                port.link.lose(BLAME_REMOTE if self.name == "remote-fault" else BLAME_UNKNOWN,
                               at)
            else:
                port.link.restore(at)
        self.applied_until = max(self.applied_until, now)

    def _events(self, after: float, upto: float) -> list[tuple[float, bool]]:
        """(model time, is_drop) of the story's link events in (after, upto]."""
        start = self.started
        if self.name == "remote-fault":
            at = start + REMOTE_FAULT_AFTER_S
            return [(at, True)] if after < at <= upto else []
        if self.name != "link-flap":
            return []
        events: list[tuple[float, bool]] = []
        first = max(0, math.floor((after - start - FLAP_FIRST_S) / FLAP_PERIOD_S))
        k = first
        while (drop := start + FLAP_FIRST_S + k * FLAP_PERIOD_S) <= upto:
            for at, down in ((drop, True), (drop + FLAP_DOWN_S, False)):
                if after < at <= upto:
                    events.append((at, down))
            k += 1
        return events

    # -- FEC -------------------------------------------------------------------------------
    def fec_ramp(self, tau: float) -> float:
        """Extra corrected symbols, in seconds of the base rate, after `tau` link-up s:
        the integral of a rate growing by the base rate every FEC_RAMP_S."""
        if self.name != "fec-degrading":
            return 0.0
        t = max(0.0, tau - self.started_tau)
        return t * t / (2 * FEC_RAMP_S)

    def fec_rate_factor(self, tau: float) -> float:
        """How many times the base corrected-symbol rate the port runs at now."""
        if self.name != "fec-degrading":
            return 1.0
        return 1.0 + max(0.0, tau - self.started_tau) / FEC_RAMP_S

    def uncorrectable(self, tau: float) -> int:
        """Uncorrectable blocks the degradation added by `tau` link-up seconds."""
        if self.name != "fec-degrading":
            return 0
        t = max(0.0, tau - self.started_tau - FEC_UNCORRECTABLE_AFTER_S)
        return math.floor(UNCORRECTABLE_PER_S2 * t * t)

    # -- temperature -----------------------------------------------------------------------
    def module_heat(self, now: float) -> float:
        """Degrees C the module runs above its normal curve."""
        if self.name != "module-overheat":
            return 0.0
        return min(OVERHEAT_PEAK_C, OVERHEAT_C_PER_S * self.elapsed(now))

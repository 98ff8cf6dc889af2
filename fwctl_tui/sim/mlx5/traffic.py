"""Traffic on a simulated port: counters as pure functions of link-up time.

Every counter is computed, never accumulated: bytes are the integral of a load that swings
slowly around a per-port mean (a sine with a seeded phase, so the integral has a closed
form), packets are bytes over a mean packet size, multicast/broadcast and size buckets are
fixed shares of packets, and errors are rare events (`floor(rate * t + offset)`), so they
tick now and then. Time only counts while the link is up (link.py), from the link-up
seconds since boot. Because a value depends only on (seed, counter name, time), two hosts
with the same seed and clock give identical bytes whatever order they are read in, and
reading never perturbs the model.

Per-lane counters (`..._laneN`) exist only for the port's lanes; the others read zero.
RS-FEC corrects symbols on each lane at its own seeded rate (PAM4 lanes all day, NRZ lanes
rarely); the total is the sum of the lanes, corrected blocks and raw bit errors derive from
them, and the raw BER gauges are the same rates over the lane's bit rate.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from functools import cache

from fwctl_tui.sim.mlx5.link import LinkState
from fwctl_tui.sim.mlx5.scenarios import Scenario

LOAD_PERIOD_S = 300.0
LOAD_SWING = 0.35
MEAN_LOAD = {"rx": 0.32, "tx": 0.27}
MEAN_PACKET_BYTES = {"rx": 1020.0, "tx": 980.0}
RARE_EVENT_INTERVAL_S = 900.0
EVENT_RATE_SPREAD = (0.4, 1.6)  # each event counter ticks at its own seeded share of its rate
RS_FEC_BLOCK_BITS = 5440
PAM4_SYMBOLS_PER_S, NRZ_SYMBOLS_PER_S = 1500.0, 0.2  # RS-FEC corrected symbols, one lane
LANE_SPREAD = (0.6, 1.5)  # lanes differ: seeded factor on the per-lane rate
BLOCKS_PER_SYMBOL = 0.85  # most corrected codewords held a single bad symbol
BITS_PER_SYMBOL_ERROR = 1.25  # raw bit errors behind one corrected symbol
_LANE = re.compile(r"^(?P<base>.+)_lane(?P<lane>\d+)$")

_RX = re.compile(r"(^|_)(rx|in|received|rcv|ingress|receive)(_|$)|received|_in_|^in_")
_TX = re.compile(r"(^|_)(tx|out|transmitted|xmitted|xmit|sent|egress|send)(_|$)|transmit|xmit")
_ERRORISH = (
    "error", "discard", "drop", "uncorrectable", "symbol", "crc", "fcs", "jabber", "fragment",
    "collision", "undersize", "oversize", "unknown", "unsupported", "violation",
    "out_of_buffer", "out_of_sequence", "timeout", "lost", "bad", "invalid", "fail", "overrun",
    "duplicate", "retry", "nak", "miss", "ignored", "stall", "dropped", "exceeded",
)
_SIZE_BUCKETS = (
    ("64octets", 0.08), ("65to127", 0.18), ("128to255", 0.07), ("256to511", 0.05),
    ("512to1023", 0.06), ("1024to1518", 0.56),
)


@dataclass(frozen=True)
class CounterSpec:
    """How one counter name behaves: kind, direction and scale."""

    kind: str  # bytes|packets|events|fec_symbols|fec_blocks|raw_errors|ber|bits|blocks|
    #            link_down[_intentional|_unintentional]|clear_time|zero
    direction: str = "rx"
    factor: float = 1.0


@cache
def classify(name: str) -> CounterSpec:
    """Guess a counter's behaviour from its PRM name (suffixes _high/_low already removed)."""
    low = name.lower()
    direction = "tx" if _TX.search(low) and not _RX.search(low) else "rx"
    if "time_since_last_clear" in low:
        return CounterSpec("clear_time")
    if low.endswith("link_down_events"):
        if "unintentional" in low:
            return CounterSpec("link_down_unintentional")
        return CounterSpec("link_down_intentional" if "intentional" in low else "link_down")
    if "link_down" in low:
        return CounterSpec("link_down")
    if "fc_fec" in low:  # Firecode FEC: idle on RS-FEC links
        return CounterSpec("zero")
    if "corrected_symbols" in low:
        return CounterSpec("fec_symbols", direction)
    if "corrected_blocks" in low and "uncorrect" not in low:
        return CounterSpec("fec_blocks", direction)
    if "raw_errors" in low or "corrected_bits" in low:
        return CounterSpec("raw_errors", direction)
    if "raw_ber" in low:
        return CounterSpec("ber")
    if "_ber" in low or low.startswith("ber"):  # post-FEC error ratios: nothing measurable
        return CounterSpec("zero")
    if "received_bits" in low:
        return CounterSpec("bits", direction)
    if "no_errors_blocks" in low:
        return CounterSpec("blocks", direction)
    if "cnp" in low or "ecn_marked" in low:
        return CounterSpec("events", direction, 2.5)
    if any(word in low for word in _ERRORISH):
        return CounterSpec("events", direction, 1.0 / RARE_EVENT_INTERVAL_S)
    if "pause" in low or "pfc" in low or "mac_control" in low:
        return CounterSpec("events", direction, 0.05)
    if ("pkts" in low or "packets" in low or "frames" in low) and "octets" in low:
        share = next((s for key, s in _SIZE_BUCKETS if key in low), None)
        if share is not None:
            return CounterSpec("packets", direction, share)
        if "pkts" in low and low.endswith("octets"):
            return CounterSpec("zero")
    if "octets" in low or "bytes" in low:
        return CounterSpec("bytes", direction, 1.0)
    if any(word in low for word in ("pkts", "packets", "frames", "_ok")):
        if "multicast" in low:
            return CounterSpec("packets", direction, 0.004)
        if "broadcast" in low:
            return CounterSpec("packets", direction, 0.0008)
        if "unicast" in low or "ucast" in low:
            return CounterSpec("packets", direction, 0.9952)
        return CounterSpec("packets", direction, 1.0)
    return CounterSpec("zero")


class PortTraffic:
    """The traffic model of one port."""

    def __init__(self, key: str, speed_gbps: int, lanes: int, link: LinkState) -> None:
        self.key = key
        self.speed_bps = speed_gbps * 1e9
        self.lanes = max(lanes, 1)
        self.lane_gbps = speed_gbps / self.lanes
        self.link = link
        rng = random.Random(f"{key}/load")
        self.phase = {d: rng.uniform(0, 2 * math.pi) for d in ("rx", "tx")}
        self.mean = {d: MEAN_LOAD[d] * rng.uniform(0.8, 1.2) for d in ("rx", "tx")}
        per_lane = PAM4_SYMBOLS_PER_S if self.lane_gbps >= 50 else NRZ_SYMBOLS_PER_S
        lane_rng = random.Random(f"{key}/lanes")
        self.symbol_rate = [per_lane * lane_rng.uniform(*LANE_SPREAD) for _ in range(self.lanes)]
        self.scenario: Scenario | None = None  # a fault story bending the FEC counters

    def _bytes(self, direction: str, tau: float) -> float:
        omega = 2 * math.pi / LOAD_PERIOD_S
        phase = self.phase[direction]
        swing = LOAD_SWING / omega * (math.cos(phase) - math.cos(omega * tau + phase))
        return self.speed_bps / 8 * self.mean[direction] * (tau + swing)

    def _offset(self, name: str) -> float:
        return random.Random(f"{self.key}/{name}").random()

    def _spread(self, name: str) -> float:
        return random.Random(f"{self.key}/{name}/rate").uniform(*EVENT_RATE_SPREAD)

    def value(self, name: str, tau: float) -> int:
        """The counter after `tau` link-up seconds (CounterSet handles clears and link events)."""
        lane_match = _LANE.match(name)
        lane = int(lane_match["lane"]) if lane_match else None
        if lane is not None and lane >= self.lanes:
            return 0  # a lane this port does not have
        spec = classify(name)
        if spec.kind == "bytes":
            return int(self._bytes(spec.direction, tau) * spec.factor)
        if spec.kind == "packets":
            packets = self._bytes(spec.direction, tau) / MEAN_PACKET_BYTES[spec.direction]
            return int(packets * spec.factor)
        if spec.kind == "events":
            events = math.floor(spec.factor * self._spread(name) * tau + self._offset(name))
            if self.scenario is not None and "uncorrectable" in name:
                events += self.scenario.uncorrectable(tau)
            return events
        if spec.kind == "fec_symbols":
            return sum(self._symbols(i, tau) for i in self._lanes(lane))
        if spec.kind == "fec_blocks":
            return math.floor(sum(self._symbols(i, tau) for i in self._lanes(None))
                              * BLOCKS_PER_SYMBOL)
        if spec.kind == "raw_errors":
            return sum(math.floor(self._symbols(i, tau) * BITS_PER_SYMBOL_ERROR)
                       for i in self._lanes(lane))
        if spec.kind == "ber":
            return self._ber(name, lane, tau)
        if spec.kind == "bits":
            return int(self.speed_bps * tau)
        if spec.kind == "blocks":
            return int(self.speed_bps * tau / RS_FEC_BLOCK_BITS)
        return 0

    def _lanes(self, lane: int | None) -> range:
        """One lane, or every lane of the port for a port-wide total."""
        return range(self.lanes) if lane is None else range(lane, lane + 1)

    def _symbols(self, lane: int, tau: float) -> int:
        ramp = self.scenario.fec_ramp(tau) if self.scenario is not None else 0.0
        return math.floor(self.symbol_rate[lane] * (tau + ramp) + self._offset(f"symbols/{lane}"))

    def _ber(self, name: str, lane: int | None, tau: float) -> int:
        """raw_ber_coef/_magnitude (coef * 10^-magnitude) of one lane or the whole port."""
        lanes = self._lanes(lane)
        factor = self.scenario.fec_rate_factor(tau) if self.scenario is not None else 1.0
        errors_per_s = sum(self.symbol_rate[i] for i in lanes) * BITS_PER_SYMBOL_ERROR * factor
        ber = errors_per_s / (self.lane_gbps * 1e9 * len(lanes))
        coef, magnitude = ber_parts(ber)
        return magnitude if "magnitude" in name else coef


def ber_parts(ber: float) -> tuple[int, int]:
    """(coef, magnitude) with ber ~= coef * 10^-magnitude, coef 1..9 as the PRM encodes it."""
    if ber <= 0:
        return 0, 0
    magnitude = -math.floor(math.log10(ber))
    coef = round(ber * 10 ** magnitude)
    if coef >= 10:
        coef, magnitude = 1, magnitude - 1
    return coef, magnitude


class CounterSet:
    """A group of counters that clears together (a PPCNT group, vport counters, a Q counter).

    Counters count from boot (`cleared_at`, in model seconds, is minus the uptime at model
    start) until a clear restarts them; link-down counters count the link's drops by cause.
    """

    def __init__(self, traffic: PortTraffic, cleared_at: float = 0.0) -> None:
        self.traffic = traffic
        self.cleared_at = cleared_at
        self.tau_at_clear = 0.0
        self.downs_at_clear: dict[str, int] = {}

    def clear(self, now: float) -> None:
        link = self.traffic.link
        self.cleared_at, self.tau_at_clear = now, link.up_seconds(now)
        self.downs_at_clear = link.down_counts()

    def read(self, name: str, now: float) -> int:
        """The counter's value since the last clear (clear_time: milliseconds since it)."""
        kind = classify(name).kind
        link = self.traffic.link
        if kind == "clear_time":
            return int((now - self.cleared_at) * 1000)
        if kind.startswith("link_down"):
            return link.down_counts()[kind] - self.downs_at_clear.get(kind, 0)
        tau = link.up_seconds(now)
        if kind == "ber":  # a gauge, measured only while the link is up
            return self.traffic.value(name, tau) if link.up else 0
        return self.traffic.value(name, tau) - self.traffic.value(name, self.tau_at_clear)

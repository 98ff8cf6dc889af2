"""Traffic on a simulated port: counters as pure functions of link-up time.

Every counter is computed, never accumulated: bytes are the integral of a load that swings
slowly around a per-port mean (a sine with a seeded phase, so the integral has a closed
form), packets are bytes over a mean packet size, multicast/broadcast and size buckets are
fixed shares of packets, and errors are rare events (`floor(rate * t + offset)`), so they
tick now and then. Time only counts while the link is up. Because a value depends only on
(seed, counter name, time), two hosts with the same seed and clock give identical bytes
whatever order they are read in, and reading never perturbs the model.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from functools import cache

LOAD_PERIOD_S = 300.0
LOAD_SWING = 0.35
MEAN_LOAD = {"rx": 0.32, "tx": 0.27}
MEAN_PACKET_BYTES = {"rx": 1020.0, "tx": 980.0}
RARE_EVENT_INTERVAL_S = 900.0
RS_FEC_BLOCK_BITS = 5440

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

    kind: str  # bytes|packets|events|fec_corrected|blocks|link_down|clear_time|zero
    direction: str = "rx"
    factor: float = 1.0


@cache
def classify(name: str) -> CounterSpec:
    """Guess a counter's behaviour from its PRM name (suffixes _high/_low already removed)."""
    low = name.lower()
    direction = "tx" if _TX.search(low) and not _RX.search(low) else "rx"
    if "time_since_last_clear" in low:
        return CounterSpec("clear_time")
    if "link_down" in low:
        return CounterSpec("zero" if "unintentional" in low else "link_down")
    if "fc_fec" in low:  # Firecode FEC: idle on RS-FEC links
        return CounterSpec("zero")
    if "corrected" in low and "uncorrect" not in low:
        return CounterSpec("fec_corrected", direction)
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


class LinkClock:
    """Seconds the link has been up, and how often an administrator took it down."""

    def __init__(self, now: float, up: bool = True) -> None:
        self.up = up
        self.since = now
        self.accumulated = 0.0
        self.down_events = 0

    def set_up(self, up: bool, now: float) -> None:
        if up == self.up:
            return
        if self.up:
            self.accumulated += max(0.0, now - self.since)
            self.down_events += 1
        self.up, self.since = up, now

    def up_seconds(self, now: float) -> float:
        return self.accumulated + (max(0.0, now - self.since) if self.up else 0.0)


class PortTraffic:
    """The traffic model of one port."""

    def __init__(self, key: str, speed_gbps: int, lanes: int, link: LinkClock) -> None:
        self.key = key
        self.speed_bps = speed_gbps * 1e9
        self.lane_gbps = speed_gbps / max(lanes, 1)
        self.link = link
        rng = random.Random(f"{key}/load")
        self.phase = {d: rng.uniform(0, 2 * math.pi) for d in ("rx", "tx")}
        self.mean = {d: MEAN_LOAD[d] * rng.uniform(0.8, 1.2) for d in ("rx", "tx")}

    def _bytes(self, direction: str, tau: float) -> float:
        omega = 2 * math.pi / LOAD_PERIOD_S
        phase = self.phase[direction]
        swing = LOAD_SWING / omega * (math.cos(phase) - math.cos(omega * tau + phase))
        return self.speed_bps / 8 * self.mean[direction] * (tau + swing)

    def _offset(self, name: str) -> float:
        return random.Random(f"{self.key}/{name}").random()

    def value(self, name: str, tau: float) -> int:
        """The counter after `tau` link-up seconds (CounterSet handles clears and link events)."""
        spec = classify(name)
        if spec.kind == "bytes":
            return int(self._bytes(spec.direction, tau) * spec.factor)
        if spec.kind == "packets":
            packets = self._bytes(spec.direction, tau) / MEAN_PACKET_BYTES[spec.direction]
            return int(packets * spec.factor)
        if spec.kind == "events":
            return math.floor(spec.factor * tau + self._offset(name))
        if spec.kind == "fec_corrected":
            per_lane = 1500.0 if self.lane_gbps >= 50 else 0.2  # PAM4 links correct all day
            return math.floor(per_lane * tau + self._offset(name))
        if spec.kind == "blocks":
            return int(self.speed_bps * tau / RS_FEC_BLOCK_BITS)
        return 0


class CounterSet:
    """A group of counters that clears together (a PPCNT group, vport counters, a Q counter)."""

    def __init__(self, traffic: PortTraffic) -> None:
        self.traffic = traffic
        self.cleared_at = 0.0
        self.tau_at_clear = 0.0
        self.downs_at_clear = 0

    def clear(self, now: float) -> None:
        link = self.traffic.link
        self.cleared_at, self.tau_at_clear = now, link.up_seconds(now)
        self.downs_at_clear = link.down_events

    def read(self, name: str, now: float) -> int:
        """The counter's value since the last clear (clear_time: milliseconds since it)."""
        kind = classify(name).kind
        link = self.traffic.link
        if kind == "clear_time":
            return int((now - self.cleared_at) * 1000)
        if kind == "link_down":
            return link.down_events - self.downs_at_clear
        tau = link.up_seconds(now)
        return self.traffic.value(name, tau) - self.traffic.value(name, self.tau_at_clear)

"""Temperatures that drift like a card in a server, inside the profile's band.

The ASIC sits near the profile's typical temperature and wanders with two slow sines (fan
control, workload) plus a small seeded wobble per 10-second slot; a plugged optical module
runs cooler and follows the same shape. Values are pure functions of (seed, sensor, time),
reported in the PRM's 0.125 degC units, and the highest value seen since the last reset is
kept per sensor, as MTMP's max_temperature is.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

UNITS_PER_DEGREE = 8  # MTMP temperature unit: 0.125 degC
SLOW_PERIOD_S, SLOW_SWING_C = 900.0, 3.0
FAST_PERIOD_S, FAST_SWING_C = 97.0, 1.2
WOBBLE_SLOT_S, WOBBLE_C = 10.0, 0.5


class Sensor:
    """One temperature sensor."""

    def __init__(self, key: str, typical_c: float, low_c: float, high_c: float) -> None:
        self.key = key
        self.typical, self.low, self.high = typical_c, low_c, high_c
        rng = random.Random(f"{key}/phase")
        self.phases = (rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi))
        self.max_seen: float | None = None
        self.heat: Callable[[float], float] | None = None  # a scenario's extra degrees


    def celsius(self, now: float) -> float:
        slow = SLOW_SWING_C * math.sin(2 * math.pi * now / SLOW_PERIOD_S + self.phases[0])
        fast = FAST_SWING_C * math.sin(2 * math.pi * now / FAST_PERIOD_S + self.phases[1])
        slot = math.floor(now / WOBBLE_SLOT_S)
        wobble = random.Random(f"{self.key}/{slot}").uniform(-WOBBLE_C, WOBBLE_C)
        normal = min(self.high, max(self.low, self.typical + slow + fast + wobble))
        return normal + (self.heat(now) if self.heat is not None else 0.0)

    def read(self, now: float) -> int:
        """Temperature in 0.125 degC units; also updates the maximum."""
        value = round(self.celsius(now) * UNITS_PER_DEGREE)
        self.max_seen = value if self.max_seen is None else max(self.max_seen, value)
        return value

    def max_units(self, now: float) -> int:
        current = self.read(now)
        return int(self.max_seen if self.max_seen is not None else current)

    def reset_max(self, now: float) -> None:
        self.max_seen = None
        self.read(now)

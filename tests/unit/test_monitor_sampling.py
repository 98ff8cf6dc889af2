"""Deltas, rates and 64-bit joins of the sampling core (watch, dashboard, result screen)."""

from __future__ import annotations

import pytest

from fwctl_tui.monitor.sampling import RateTracker, join_halves


def test_halves_are_joined_and_lone_halves_kept() -> None:
    joined = join_halves({"a_high": 1, "a_low": 2, "b_low": 3, "c": 4})
    assert joined == {"a": (1 << 32) | 2, "b_low": 3, "c": 4}


def test_rates_over_the_sampling_interval_and_resets_are_never_negative() -> None:
    tracker = RateTracker()
    first = tracker.update({"x": 100, "g": 5}, at=10.0)
    assert first["x"].delta is None and first["x"].rate is None
    second = tracker.update({"x": 130, "g": 5}, at=12.0)
    assert (second["x"].delta, second["x"].rate) == (30, pytest.approx(15.0))
    assert second["x"].changed and not second["g"].changed
    cleared = tracker.update({"x": 7, "g": 5}, at=13.0)
    assert cleared["x"].reset and cleared["x"].delta is None and cleared["x"].rate is None
    assert tracker.totals() == {"x": (-93, pytest.approx(-31.0))}
    tracker.clear()
    assert tracker.update({"x": 9}, at=14.0)["x"].delta is None

"""Deltas, rates and 64-bit joins of the sampling core (watch, dashboard, result screen)."""

from __future__ import annotations

import pytest

from fwctl_tui.decoders.values import join_halves
from fwctl_tui.monitor.sampling import RateTracker


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


def test_only_integer_pairs_join_in_place() -> None:
    """A half with no integer partner (a field past a short reply decodes as None) stays."""
    joined = join_halves({"x": 1, "a_high": 1, "y": 2, "a_low": 2, "b_high": None, "b_low": 3})
    assert list(joined.items()) == [("x", 1), ("a", (1 << 32) | 2), ("y", 2),
                                    ("b_high", None), ("b_low", 3)]


def test_watch_and_capture_analysis_join_counters_alike() -> None:
    """The phys-layer group mixes 64-bit counters (halves) and 32-bit ones: the watch and
    a capture's diff/findings see the same numbers; the capture side lists the joined
    counters after the plain fields, as its diff has always printed them."""
    from fwctl_tui.capture_analysis import decoding
    from fwctl_tui.captures import load_capture
    from fwctl_tui.monitor.sampling import numeric_fields

    with load_capture("captures/04-counter-sampling.jsonl") as capture:
        exchange = capture.record(1).exchange
    assert exchange is not None
    root = decoding.decode(exchange).output
    watched = numeric_fields(root)
    listed = decoding.values(decoding.flatten(root))
    joined = [path for path in listed if path not in decoding.flatten(root)]
    assert "register_data.counter_set.phys_layer_cntrs_ext.symbol_errors" in joined
    assert all(listed[path] == watched[path] for path in joined)
    assert list(listed)[-len(joined):] == joined

"""dumps_indented writes exactly what json.dumps(indent=2, default=str) writes (the
streamed `replay --json` / `diff --json` documents depend on it), for every kind of value
and for real records of every sample capture."""

from __future__ import annotations

import json
import math
from enum import IntEnum
from pathlib import Path
from typing import Any

import pytest

from fwctl_tui.captures.loader import load_capture
from fwctl_tui.cli.captures import _item_json
from fwctl_tui.cli.json_text import dumps_indented
from fwctl_tui.syndrome_source import syndromes_for

CAPTURES = sorted((Path(__file__).parents[2] / "captures").glob("*.jsonl"))


class Colour(IntEnum):
    RED = 3


VALUES: list[Any] = [
    0, -7, 2**70, 1.5, -0.0, 1e300, 3.0, math.nan, math.inf, -math.inf, True, False, None,
    "", "plain", "quote \" backslash \\ tab \t nl \n", "°C µs \x1b[2J \u2028 😀", Colour.RED,
    [], {}, [[]], [{}], {"a": []}, {"a": {}}, (1, (2, 3)), [1, [2, [3, {"x": None}]]],
    {7: "int key", 2.5: "float key", True: "bool key", False: "no", None: "none key", "s": "x"},
    {"bytes": b"\x00\xff", "path": Path("/tmp/x"), "nested": {"deep": [b"a", {"k": 1.25}]}},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
@pytest.mark.parametrize("level", [0, 4])
def test_same_text_as_json_dumps(value: Any, level: int) -> None:
    want = json.dumps(value, indent=2, default=str).replace("\n", "\n" + " " * level)
    assert dumps_indented(value, level) == want


def test_unsupported_key_is_refused_like_json() -> None:
    with pytest.raises(TypeError, match="keys must be"):
        dumps_indented({(1, 2): 0})


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.name)
def test_same_text_for_every_replay_record_of_the_samples(path: Path) -> None:
    with load_capture(path) as capture:
        syndromes = syndromes_for(capture.simulated)
        items = [_item_json(item, syndromes) for item in capture.iter_records()]
    assert items
    for item in items:
        assert dumps_indented(item, 4) == json.dumps(item, indent=2, default=str).replace(
            "\n", "\n    ")

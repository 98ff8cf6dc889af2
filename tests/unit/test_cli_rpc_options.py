"""--scope and --out-len say the same about a bad value in `send` and `watch`, for an mlx5
device and a plug-in's (cxl) alike: the flag, the value, what is accepted, exit 2."""

from __future__ import annotations

import json

import pytest

from fwctl_tui.__main__ import main

COMMANDS = {
    "send mlx5": ["send", "sim:cx7", "QUERY_ADAPTER"],
    "send cxl": ["send", "sim:cxl-mem", "GET_FEATURE", "feature=ecs"],
    "watch mlx5": ["watch", "sim:cx7", "ACCESS_REG:PPCNT", "local_port=1", "--count", "1"],
    "watch cxl": ["watch", "sim:cxl-mem", "GET_FEATURE", "feature=ecs", "--count", "1"],
}
SENDS = ("send mlx5", "send cxl")


def refusal(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    assert main([*argv, "--json"]) == 2
    return dict(json.loads(capsys.readouterr().out))


@pytest.mark.parametrize("value", ["BOGUS", "7", "-1"])
def test_a_bad_scope_gets_one_message_everywhere(capsys, value: str) -> None:
    said = {name: refusal(capsys, [*argv, "--scope", value]) for name, argv in COMMANDS.items()}
    expected = (f"--scope: unknown scope {value!r}; expected one of CONFIGURATION, "
                "DEBUG_READ_ONLY, DEBUG_WRITE, DEBUG_WRITE_FULL or 0..3")
    assert {name: (doc["error"], doc["field"]) for name, doc in said.items()} == dict.fromkeys(
        COMMANDS, (expected, "scope"))


@pytest.mark.parametrize(("value", "expected"), [
    ("lots", "--out-len: 'lots' is not a number of bytes"),
    ("-5", "--out-len: -5 is outside 0..4294967295 (out_len is a u32)"),
    ("0x100000000", "--out-len: 4294967296 is outside 0..4294967295 (out_len is a u32)"),
])
def test_a_bad_out_len_gets_one_message_for_every_device_type(capsys, value: str,
                                                              expected: str) -> None:
    for name in SENDS:
        doc = refusal(capsys, [*COMMANDS[name], "--out-len", value])
        assert (doc["error"], doc["field"]) == (expected, "out_len"), name


def test_scope_and_out_len_are_read_the_same_way_for_every_device_type(capsys) -> None:
    """Short names in any case, and 0x sizes: what one device type accepts, all do (the
    preview judges the reply buffer as given: too small for both requests)."""
    said = {}
    for name in SENDS:
        argv = [*COMMANDS[name], "--scope", "debug-read-only", "--out-len", "0x9",
                "--dry-run", "--json"]
        assert main(argv) == 0, name
        said[name] = json.loads(capsys.readouterr().out)
    mlx5, cxl = said["send mlx5"], said["send cxl"]["preview"]
    assert (mlx5["scope"], mlx5["out_len"], mlx5["accepted"]) == ("DEBUG_READ_ONLY", 9, False)
    assert (cxl["scope"], cxl["accepted"]) == ("DEBUG_READ_ONLY", False)
    assert "does not fit out_len 9" in cxl["verdict"]

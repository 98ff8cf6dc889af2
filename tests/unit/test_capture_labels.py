"""replay tables show enum labels beside the raw values; JSON keeps the numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.port_registers import mtmp_celsius, reply_value

from fwctl_tui.__main__ import main

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def test_replay_table_labels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(CAPTURES / "02-link-down.jsonl")]) == 0
    table = capsys.readouterr().out.partition("\nseq ")[2].splitlines()
    assert "page_select=6 (link_down_info) down_blame=2 (Remote_phy) down_intent=2 " \
           "(unintentional)" in table[6]
    assert "oper_status=2 (down) admin_status=1 (up)" in table[3]
    assert "page_select=0 (Operational_info_page)" in table[5]  # a zero selector is shown
    assert main(["replay", str(CAPTURES / "02-link-down.jsonl"), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)["records"][5]
    assert "down_blame=2 (Remote_phy)" in record["summary"]


def test_diff_shows_labels_and_json_adds_them(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CAPTURES / "02-link-down.jsonl")
    assert main(["diff", path, "--records", "1", "3"]) == 0
    out = capsys.readouterr().out
    assert "register_data.oper_status: 1 (up) -> 2 (down)" in out
    assert "register_data.physical_state_status: 5 (LinkUp) -> 2 (Polling)" in out
    assert main(["diff", path, "--records", "1", "3", "--json"]) == 0
    changes = json.loads(capsys.readouterr().out)["pairs"][0]["changes"]
    oper = next(change for change in changes if change["field"].endswith(".oper_status"))
    assert (oper["a"], oper["a_label"], oper["b"], oper["b_label"]) == (1, "up", 2, "down")


def test_a_temperature_row_gives_degrees_beside_the_count(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The record list answers "how hot" as the reply view does: the sensor's count and
    its degrees, the degrees read here from the raw reply by the reference layout."""
    path = CAPTURES / "03-module-eeprom.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    record = next(r for r in records if r.get("command") == "ACCESS_REG:MTMP"
                  and r.get("seq") == 5)
    raw = reply_value(bytes.fromhex(record["reply"]), "MTMP", "temperature")
    degrees = mtmp_celsius(raw)
    assert degrees != int(degrees)  # an odd step: a rounding would show
    assert main(["replay", str(path)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines()
               if line.lstrip().startswith("5 "))
    assert f"temperature={raw} ({degrees:g} °C)" in row

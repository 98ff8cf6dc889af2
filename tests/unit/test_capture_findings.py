"""Findings first: what each shipped sample capture says is wrong, and on which record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fwctl_tui.captures.findings import analyse
from fwctl_tui.captures.loader import load_capture

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def findings_of(name: str):
    with load_capture(CAPTURES / name) as capture:
        return analyse(capture)


def by_seq(found) -> dict[int, str]:
    return {item.seq: item.text for item in [*found.failures, *found.problems]}


def test_link_down_names_reason_blame_and_records() -> None:
    found = findings_of("02-link-down.jsonl")
    assert found.records == 9 and found.span_s == pytest.approx(35.4)
    assert found.commands["ACCESS_REG:PDDR"] == 4 and not found.failures
    texts = by_seq(found)
    assert sorted(texts) == [3, 6, 9]
    assert "administratively up but operationally down" in texts[3] and "Polling" in texts[3]
    assert "link down: unintentional (2), blamed on Remote_phy (2)" in texts[6]
    assert "link_down_events 0 → 1 (+1)" in texts[9] and "since #2" in texts[9]
    assert "symbol_errors" not in texts[9], "a counter that did not move is not rising"


def test_failed_records_are_explained() -> None:
    found = findings_of("05-firmware-error.jsonl")
    texts = by_seq(found)
    assert sorted(texts) == [1, 2, 3, 4, 5] and not found.problems
    assert "BAD_SYS_STATE_ERR" in texts[1] and "syndrome 0x" in texts[1]
    assert all("BAD_PARAM_ERR" in texts[seq] for seq in (2, 3, 4))
    assert "EBADMSG" in texts[5] and "allow-list" in texts[5]


def test_taint_and_quiet_captures() -> None:
    taint = findings_of("06-diagnostic-session.jsonl")
    assert [(item.kind, item.seq) for item in taint.problems] == [("taint", 2)]
    assert "SET_DIAGNOSTIC_PARAMS at scope DEBUG_WRITE tainted the kernel" in taint.problems[0].text
    for name in ("01-bring-up.jsonl", "03-module-eeprom.jsonl", "04-counter-sampling.jsonl"):
        found = findings_of(name)
        assert not found.failures and not found.problems, name
        assert found.lines()[-1][0] == "no failed record, nothing reported wrong"
    assert findings_of("03-module-eeprom.jsonl").commands["ACCESS_REG:MTMP"] == 10


def test_replay_prints_findings_before_records_and_in_json() -> None:
    path = str(CAPTURES / "02-link-down.jsonl")
    run = [sys.executable, "-m", "fwctl_tui", "replay", path]
    text = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    head, _, table = text.partition("\nseq ")
    assert "findings:" in head and "#6 port 1 link down: unintentional (2)" in head
    assert "ACCESS_REG:PDDR" in table
    data = json.loads(subprocess.run([*run, "--json"], capture_output=True, text=True,
                                     check=True).stdout)
    problems = data["findings"]["problems"]
    assert {"kind": "link", "seq": 6} == {k: problems[1][k] for k in ("kind", "seq")}
    assert "Remote_phy" in problems[1]["text"] and len(data["records"]) == 9

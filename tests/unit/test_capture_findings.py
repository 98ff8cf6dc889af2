"""Findings first: what each shipped sample capture says is wrong, and on which record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fwctl_tui.capture_analysis.findings import analyse
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
        assert found.lines()[1][0] == "no failed record, nothing reported wrong"
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
    assert {k: problems[1][k] for k in ("kind", "seq")} == {"kind": "link", "seq": 6}
    assert "Remote_phy" in problems[1]["text"] and len(data["records"]) == 9


def full_parse(path: Path):
    """The findings from every record parsed in full (what FastScan must agree with)."""
    from fwctl_tui.capture_analysis.findings import FindingsBuilder

    with load_capture(path) as capture:
        builder = FindingsBuilder(capture)
        for item in capture.iter_records():
            builder.add(item)
        return builder.result().as_json()


def test_fast_scan_agrees_with_the_full_parse(tmp_path: Path) -> None:
    for path in sorted(CAPTURES.glob("*.jsonl")):
        with load_capture(path) as capture:
            assert analyse(capture).as_json() == full_parse(path), path.name
    # damaged lines that look like the recorder's: a cut reply, a failing status byte
    lines = (CAPTURES / "04-counter-sampling.jsonl").read_text().splitlines()
    short = json.loads(lines[5])
    short["reply"] = short["reply"][:40]
    failing = json.loads(lines[8])
    failing["reply"] = "03" + failing["reply"][2:]
    lines[5] = json.dumps(short, separators=(",", ":"))
    lines[8] = json.dumps(failing, separators=(",", ":"))
    path = tmp_path / "damaged.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with load_capture(path) as capture:
        found = analyse(capture)
    assert found.as_json() == full_parse(path)
    assert [(item.seq, item.text.split(": ")[1]) for item in found.failures] == [
        (short["seq"], "SHORT_REPLY"), (failing["seq"], "BAD_PARAM_ERR")]


def troubleshooting(message: bytes):
    """02-link-down's troubleshooting page (#7) with a monitor opcode and a message set
    where the decoder says those fields are."""
    from fwctl_tui.capture_analysis import decoding
    from fwctl_tui.decoders import iter_leaves

    with load_capture(CAPTURES / "02-link-down.jsonl") as capture:
        ex = capture.record(6).exchange
    reply = bytearray(ex.reply)
    leaves = {leaf.name: leaf for leaf in iter_leaves(decoding.decode(ex).output)}
    start = leaves["monitor_opcode"].bit_offset // 8
    reply[start:start + 2] = (3).to_bytes(2, "big")
    start = leaves["status_message[0]"].bit_offset // 8
    reply[start:start + len(message)] = message
    ex.reply = bytes(reply)
    return ex


def test_module_alarm_and_troubleshooting_page(tmp_path: Path) -> None:
    """Replies no sample holds: an MTMP sensor past its warning threshold and a PDDR
    troubleshooting page with a monitor opcode and message (built with the encoder)."""
    from fwctl_tui.captures import open_recorder
    from fwctl_tui.decoders import catalogue, encode_input, encode_output
    from fwctl_tui.discovery import DeviceEntry
    from fwctl_tui.exchange import Exchange
    from fwctl_tui.kernelstate import KernelState
    from fwctl_tui.uapi import Scope

    def read(name: str, asked: dict[str, int], answer: dict[str, int]) -> Exchange:
        cmd = catalogue.find(name)
        request = encode_input(cmd, asked, op_mod=1)
        reply = encode_output(cmd, {**asked, **answer}, in_=request)
        return Exchange(command=name, scope=Scope.DEBUG_READ_ONLY, request=request,
                        out_cap=len(reply), reply=reply, out_len=len(reply),
                        wall_time=1767225600.0)

    path = tmp_path / "module.jsonl"
    entry = DeviceEntry(name="sim:test", kind="simulated", device_type="mlx5")
    state = KernelState("6.18.0", 0, True, "none", "test", 1, simulated=True)
    with open_recorder(path, entry, state, host="test") as recorder:
        recorder.record(read("ACCESS_REG:MTMP", {"sensor_index": 64},
                             {"temperature": 601, "temp_threshold_hi": 560}))  # 75.125 vs 70 °C
        recorder.record(read("ACCESS_REG:MTMP", {"sensor_index": 0},
                             {"temperature": 400, "temp_threshold_hi": 560}))
        recorder.record(troubleshooting(b"Cable!"))
    with load_capture(path) as capture:
        found = analyse(capture)
    texts = by_seq(found)
    # the sensor's 0.125 °C step, as the reply view shows it (not rounded to 75.1)
    assert texts[1] == "sensor 64 at 75.125 °C, at or past its warning threshold 70.0 °C"
    assert 2 not in texts
    assert texts[3].startswith("port 1 troubleshooting: ") and texts[3].endswith(": Cable!")
    assert [item.kind for item in found.problems] == ["module", "link"]

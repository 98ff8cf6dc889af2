"""Re-send a capture to a device: policy first, then a field-level report of what changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.captures import load_capture
from fwctl_tui.resend import resend
from fwctl_tui.session import Session
from fwctl_tui.sim.host import SimHost
from fwctl_tui.uapi import TAINT_FWCTL_MASK, Scope
from tools.make_samples import SEED, Clock, Lab


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    """PPCNT and a capability read, then a PAOS write at a tainting scope, from a sim cx7."""
    path = tmp_path / "session.jsonl"
    lab = Lab(path)
    lab.send("ACCESS_REG:PPCNT", {"local_port": 1, "grp": 0})
    lab.send("QUERY_HCA_CAP", {"op_mod": "GENERAL/current"})
    lab.send("ACCESS_REG:PAOS", {"local_port": 1, "admin_status": 1, "ase": 1}, op_mod=0,
             scope=Scope.DEBUG_WRITE)
    lab.close()
    return path


def target(seconds_later: float) -> tuple[Session, SimHost]:
    """A fresh adapter with the recording's seed that has been up `seconds_later` longer."""
    clock = Clock()
    host = SimHost("cx7", seed=SEED, clock=clock)
    clock.advance(seconds_later)
    return Session(host.functions[0].open(), "sim:cx7"), host


def records(path: Path) -> list:
    with load_capture(path) as capture:
        return [(item.seq, item.exchange) for item in capture.iter_records()]


def test_read_only_records_resent_and_counters_reported_as_deltas(recording: Path) -> None:
    session, host = target(seconds_later=60)
    report = resend(records(recording), session, host.kernel.state)
    ppcnt, caps, paos = report.items
    assert ppcnt.sent and caps.sent and not paos.sent
    assert "writes device state" in paos.reason and "--allow-writes" in paos.reason
    assert caps.changes == [] and caps.reason == "sent: same answer"
    grown = [c for c in ppcnt.changes if c.field.endswith("a_frames_transmitted_ok")]
    assert grown and grown[0].delta is not None and grown[0].delta > 0
    assert all(c.delta is None or c.delta >= 0 for c in ppcnt.changes)
    assert report.sent == 2 and report.skipped == 1 and report.failed == 0
    assert not host.kernel.tainted
    doc = report.as_json()
    assert doc["records"][0]["changes"][0]["field"].startswith("register_data.")
    assert doc["records"][2]["preview"]  # the policy preview is part of the report


def test_writes_need_allow_writes_and_tainting_scopes_need_yes(recording: Path) -> None:
    session, host = target(seconds_later=1)
    report = resend(records(recording), session, host.kernel.state, allow_writes=True)
    paos = report.items[2]
    assert not paos.sent and "taints the kernel" in paos.reason and "--yes" in paos.reason
    assert not host.kernel.tainted
    report = resend(records(recording), session, host.kernel.state, allow_writes=True,
                    acknowledge_taint=True)
    assert report.items[2].sent and report.items[2].now is not None
    assert host.kernel.tainted & TAINT_FWCTL_MASK  # the simulated kernel, not this one


def test_cli_replay_against_a_simulated_device(recording: Path, capsys) -> None:
    code = main(["replay", str(recording), "--against", "sim:cx7", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (doc["sent"], doc["skipped"], doc["failed"]) == (2, 1, 0)
    assert doc["records"][2]["reason"].startswith("skipped: writes device state")
    code = main(["replay", str(recording), "--against", "sim:cx7", "--command", "PPCNT"])
    out = capsys.readouterr().out
    assert code == 0 and "re-sent 1, skipped 0, failed 0 on sim:cx7" in out


def test_cli_replay_against_an_unknown_device_is_bad_input(recording: Path, capsys) -> None:
    assert main(["replay", str(recording), "--against", "sim:nope"]) == 2
    assert "unknown simulation profile" in capsys.readouterr().err


@pytest.fixture
def clearing_reads(tmp_path: Path) -> Path:
    """Counter reads that clear what they read, and the same reads without the clear."""
    path = tmp_path / "clears.jsonl"
    lab = Lab(path)
    q_counter = lab.function.firmware.device.objects.named["q_counter"]
    lab.send("ACCESS_REG:PPCNT", {"local_port": 1, "grp": 0, "clr": 1})
    lab.send("QUERY_VPORT_COUNTER", {"clear": 1})
    lab.send("QUERY_Q_COUNTER", {"counter_set_id": q_counter, "clear": 1})
    lab.send("ACCESS_REG:PPCNT", {"local_port": 1, "grp": 0})
    lab.send("QUERY_VPORT_COUNTER")
    lab.close()
    return path


def test_reads_that_clear_counters_are_writes(clearing_reads: Path) -> None:
    from fwctl_tui.resend import is_write

    recorded = records(clearing_reads)
    assert [is_write(ex) for _, ex in recorded] == [True, True, True, False, False]
    session, host = target(seconds_later=5)
    report = resend(recorded, session, host.kernel.state)
    assert [item.sent for item in report.items] == [False, False, False, True, True]
    for item in report.items[:3]:
        assert "writes device state" in item.reason
        assert ("Changes device", "yes: this command writes device state") in item.preview
    report = resend(recorded, session, host.kernel.state, allow_writes=True)
    assert all(item.sent for item in report.items)


def test_resend_reports_deltas_without_rates(recording: Path) -> None:
    """The recording is another session: a rate over 'now - recorded time' would be junk."""
    session, host = target(seconds_later=60)
    report = resend(records(recording), session, host.kernel.state)
    ppcnt = report.items[0]
    counters = [c for c in ppcnt.changes if c.delta is not None]
    assert counters and all(c.rate_per_s is None for c in counters)
    assert "no rates" in report.as_json()["rates_note"]


def test_firmware_errors_count_as_failures(recording: Path, tmp_path: Path, capsys) -> None:
    """Re-sent to a device that now answers PPCNT with BAD_PARAM: a failure, exit 1."""
    lines = recording.read_text().splitlines()
    ppcnt = json.loads(lines[1])
    reply = bytearray.fromhex(ppcnt["reply"])
    reply[0], reply[4:8] = 0x03, (0x1234).to_bytes(4, "big")  # BAD_PARAM, a syndrome
    ppcnt["reply"] = reply.hex()
    later = tmp_path / "later.jsonl"
    later.write_text(lines[0] + "\n" + json.dumps(ppcnt) + "\n")
    code = main(["replay", str(recording), "--against", f"replay:{later}", "--json",
                 "--command", "PPCNT"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (doc["sent"], doc["failed"], doc["newly_failed"]) == (1, 1, 1)
    (item,) = doc["records"]
    assert item["failed"] and item["outcome_changed"]
    assert item["reason"] == "sent: status changed OK -> BAD_PARAM (syndrome 0x00001234)"
    code = main(["replay", str(recording), "--against", f"replay:{later}", "--command", "PPCNT"])
    out = capsys.readouterr().out
    assert code == 1 and "failed 1 on" in out and "status changed OK -> BAD_PARAM" in out

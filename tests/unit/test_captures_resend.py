"""Re-send a capture to a device: policy first, then a field-level report of what changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.captures import load_capture
from fwctl_tui.captures.resend import resend
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

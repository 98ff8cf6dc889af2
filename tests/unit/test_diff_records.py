"""`diff FILE --records N M`: two records of one watch capture, with rates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.clocks import CardClock

from fwctl_tui.__main__ import main
from fwctl_tui.connect import SimHosts
from fwctl_tui.sim.host import SimHost

FEC = "register_data.counter_set.phys_layer_cntrs_ext.rs_fec_corrected_blocks"


@pytest.fixture
def capture(tmp_path: Path, capsys) -> Path:
    """A watch session recorded as an ordinary capture: three PPCNT and the sim's clock
    (the run's too) moved 5 s between samples by the loop's sleeper."""
    now = [100.0]
    host = SimHost("cx7", seed=3, clock=lambda: now[0])
    path = tmp_path / "watch.jsonl"
    assert main(["watch", "sim:cx7", "ACCESS_REG:PPCNT", "local_port=1", "grp=0x12",
                 "--count", "3", "--interval", "5", "--capture", str(path), "--json"],
                hosts=SimHosts({"cx7": host}), clock=CardClock(now)) == 0
    capsys.readouterr()
    return path


def test_two_records_of_one_capture_diff_with_rates(capture: Path, capsys) -> None:
    assert main(["diff", str(capture), "--records", "1", "3", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (pair,) = doc["pairs"]
    assert (pair["seq_a"], pair["seq_b"]) == (1, 3) and doc["same_timeline"] is True
    fec = next(c for c in pair["changes"] if c["field"] == FEC)
    assert fec["delta"] > 0 and fec["rate_per_s"] > 0


@pytest.mark.parametrize(("argv", "needle"), [
    (["--records", "1", "7"], "no record with seq 7"),
    ([], "two captures (A B) or one capture and --records"),
])
def test_bad_record_choice_is_usage_error(capture: Path, capsys, argv, needle) -> None:
    assert main(["diff", str(capture), *argv, "--json"]) == 2
    assert needle in json.loads(capsys.readouterr().out)["error"]


def test_records_asking_different_questions_are_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "two.jsonl"
    host = SimHost("cx7", seed=3, clock=lambda: 0.0)
    main(["link", "sim:cx7", "--capture", str(path), "--json"], hosts=SimHosts({"cx7": host}))
    capsys.readouterr()
    assert main(["diff", str(path), "--records", "1", "2", "--json"]) == 2
    assert "ask different questions" in json.loads(capsys.readouterr().out)["error"]


def test_the_records_diff_counts_its_changed_pair(capture: Path, capsys) -> None:
    assert main(["diff", str(capture), "--records", "1", "3"]) == 0
    assert "1 paired records, 1 changed" in capsys.readouterr().out

"""`link` (JSON and text) shows BER, per-lane module monitors, discards and the module
temperature exactly as the registers it read hold them.

The expected values come from the run's own capture (`link --capture`), read back by
tests/helpers/port_registers.py: vendor layouts and construct, nothing of fwctl_tui.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers.clocks import CardClock
from helpers.port_registers import (
    DISCARDS,
    Replies,
    ber_text,
    lane_monitors,
    mtmp_celsius,
    reply_value,
)

from fwctl_tui.__main__ import main
from fwctl_tui.connect import SimHosts
from fwctl_tui.sim.host import SimHost

# The simulated module's documented lane model (sim/mlx5/registers/port.py): a count is
# 0.1 uW (SFF-8636/CMIS), a healthy lane receives 890 uW +-20 % and sends 1260 uW +-15 %.
UW_PER_COUNT = 0.1
RX_UW, TX_UW = (890.0 * 0.8, 890.0 * 1.2), (1260.0 * 0.85, 1260.0 * 1.15)
PORT = {"local_port": 1}


def run_link(tmp_path: Path, capsys: pytest.CaptureFixture[str], *flags: str
             ) -> tuple[str, Replies, SimHost]:
    now = [5000.0]
    host = SimHost("cx7", seed=7, clock=lambda: now[0])
    capture = tmp_path / "link.jsonl"
    code = main(["link", "sim:cx7", "--capture", str(capture), *flags],
                hosts=SimHosts({"cx7": host}), clock=CardClock(now))
    assert code == 0
    return capsys.readouterr().out, Replies.from_capture(capture), host


def expected(replies: Replies, host: SimHost) -> dict[str, Any]:
    mtmp = replies.last("MTMP")
    return {
        "raw_ber": ber_text(replies, "raw"),
        "effective_ber": ber_text(replies, "effective"),
        "lanes": lane_monitors(replies, host.profile.port(0).lanes),
        "discards": {label: replies.value("PPCNT", path, {**PORT, "grp": grp})
                     for label, grp, path in DISCARDS},
        "temperature_c": mtmp_celsius(reply_value(mtmp, "MTMP", "temperature")),
    }


def test_link_json_ber_lanes_discards_and_temperature_match_the_register_bytes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, replies, host = run_link(tmp_path, capsys, "--json")
    doc, want = json.loads(out), expected(replies, host)
    assert want["raw_ber"] != "0" and "e-" in want["raw_ber"]  # a real coef * 10^-n here
    assert doc["raw_ber"] == want["raw_ber"]
    assert doc["effective_ber"] == want["effective_ber"]
    assert doc["module"]["lanes"] == want["lanes"]
    for lane in want["lanes"]:  # raw counts, in the range the model documents
        assert RX_UW[0] <= lane["rx_power"] * UW_PER_COUNT <= RX_UW[1], lane
        assert TX_UW[0] <= lane["tx_power"] * UW_PER_COUNT <= TX_UW[1], lane
    for label, value in want["discards"].items():
        assert doc["traffic"][label] == value, label
    assert any(want["discards"].values())  # the simulated port does drop frames
    assert doc["module"]["temperature_c"] == want["temperature_c"]  # exact: no rounding


def test_link_text_shows_the_same_readings_with_their_units(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, replies, host = run_link(tmp_path, capsys)
    want = expected(replies, host)
    rows = {name.strip(): value.strip() for name, _, value in
            (line.partition(":") for line in out.splitlines() if line.startswith("  "))}
    assert rows["raw BER"] == want["raw_ber"]
    assert rows["effective BER"] == want["effective_ber"]
    for lane in want["lanes"]:
        assert rows[f"Lane {lane['lane']}"] == (f"rx {lane['rx_power']} tx {lane['tx_power']} "
                                                f"bias {lane['tx_bias']} (raw)")
    for label, value in want["discards"].items():
        assert rows[label] == str(value), label
    # the sensor's 0.125 degC step, trailing zeros dropped but one decimal kept
    celsius = want["temperature_c"]
    number = f"{celsius:.3f}".rstrip("0")
    number += "0" if number.endswith(".") else ""
    assert rows["Temperature [C]"].startswith(f"{number} (max ")

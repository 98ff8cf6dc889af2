"""The port dashboard's readings against the register bytes, and a sample that runs slow.

BER, per-lane module monitors, discard counters and the module temperature are checked
against the replies of the dashboard's own reads, decoded by tests/helpers/port_registers.py
(vendor layouts and construct, nothing of fwctl_tui). The temperature must read the same
on the dashboard, in `link` and in `send`'s reply view. A slow sample is made slow by a
simulated register read that blocks until the test lets it go, on a clock the test moves.
"""

from __future__ import annotations

import json
import threading
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
from textual.widgets import DataTable, Static
from ui_support import make_app, open_first_device, wait_until

from fwctl_tui.__main__ import main
from fwctl_tui.connect import SimHosts
from fwctl_tui.screens.dashboard import DashboardScreen
from fwctl_tui.sim.host import SimHost

PAOS_ID = 0x5006  # the first register each sample reads
PORT = {"local_port": 1}


class StepClock:
    """The card's and the dashboard's clock: only the test moves it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def move_to_an_odd_eighth(host: SimHost, clock: StepClock) -> None:
    """On to a card time at which the module sensor reads an odd number of 0.125 degC
    steps (59.625, not 59.5 or 60.0): the reading a 0.1 degC rounding would change."""
    device = host.functions[0].firmware.device
    while round(device.module_sensor.celsius(device.now()) * 8) % 2 == 0:
        clock.now += 1.0


async def open_paused_dashboard(pilot: Any) -> DashboardScreen:
    await open_first_device(pilot)
    await pilot.press("f6")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DashboardScreen),
                     "the dashboard")
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    await wait_until(pilot, lambda: screen.model.samples >= 1, "the first sample")
    await pilot.press("space")  # paused: each further sample is the test's `n`
    await wait_until(pilot, lambda: screen.paused and screen.in_flight_since is None, "pause")
    return screen


async def sample_now(pilot: Any, screen: DashboardScreen) -> None:
    before = screen.model.samples
    await pilot.press("n")
    await wait_until(pilot, lambda: screen.model.samples > before
                     and screen.in_flight_since is None, "a sample")


def cli(argv: list[str], host: SimHost, clock: StepClock,
        capsys: pytest.CaptureFixture[str]) -> str:
    """A `fwctl-tui` run on the dashboard's own simulated card, at the card's time."""
    assert main(argv, hosts=SimHosts({"cx7": host}), clock=CardClock([clock.now])) == 0
    return capsys.readouterr().out


async def test_dashboard_ber_lanes_discards_and_temperature_are_the_register_values(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clock = StepClock(5000.0)
    host = SimHost("cx7", seed=7, clock=clock)
    move_to_an_odd_eighth(host, clock)
    app = make_app(tmp_path, host=host)
    app.dashboard_clock = clock
    replies = Replies()
    async with app.run_test(size=(130, 44)) as pilot:
        screen = await open_paused_dashboard(pilot)
        app.workspace.session.listeners.append(replies.record)
        await sample_now(pilot, screen)  # its replies are the ones shown now

        raw, effective = ber_text(replies, "raw"), ber_text(replies, "effective")
        assert raw != "0"  # the simulated link has a measurable raw BER
        assert f"raw BER {raw} · effective BER {effective}" in text_of(screen, "#dash-link")

        module = text_of(screen, "#dash-module")
        lanes = lane_monitors(replies, host.profile.port(0).lanes)
        for lane in lanes:
            assert (f"lane {lane['lane']}: rx {lane['rx_power']} tx {lane['tx_power']} "
                    f"bias {lane['tx_bias']} (raw)") in module, module
        assert f"lane {len(lanes)}:" not in module  # only the port's own lanes

        table = screen.query_one(DataTable)
        for label, grp, path in DISCARDS:
            value = replies.value("PPCNT", path, {**PORT, "grp": grp})
            assert table.get_cell(label, "value").plain == f"{value:,}", label

        raw_temp = reply_value(replies.last("MTMP"), "MTMP", "temperature")
        celsius = mtmp_celsius(raw_temp)
        number = f"{celsius:.3f}"  # an odd eighth: all three decimals are significant
        assert f"Temperature {number} °C" in module, module

    # the same reading, at the same card time, in `link` and in `send`'s reply view
    link = json.loads(cli(["link", "sim:cx7", "--json"], host, clock, capsys))
    assert link["module"]["temperature_c"] == celsius
    text = cli(["link", "sim:cx7"], host, clock, capsys)
    assert f"Temperature [C]           : {number} (max " in text
    send = ["send", "sim:cx7", "ACCESS_REG:MTMP", "sensor_index=64"]
    reply = cli(send, host, clock, capsys)
    rows = {cells[3]: cells[5] for line in reply.splitlines()
            if len(cells := [c.strip() for c in line.split("│")]) == 7}
    assert rows["register_data.temperature"] == f"{number} °C", reply
    reg = json.loads(cli([*send, "--json"], host, clock, capsys))["reply"]["register_data"]
    assert (reg["temperature"], reg["temperature_value"]) == (raw_temp, celsius)


async def test_a_slow_sample_is_said_while_it_runs_and_the_line_goes_when_it_ends(
        tmp_path: Path) -> None:
    clock = StepClock(5000.0)
    host = SimHost("cx7", seed=7, clock=clock)
    app = make_app(tmp_path, host=host)
    app.dashboard_clock = clock
    entered, release = threading.Event(), threading.Event()

    def hold(_seconds: float) -> None:  # the PAOS read waits for the test
        entered.set()
        release.wait(60)

    async with app.run_test(size=(130, 44)) as pilot:
        screen = await open_paused_dashboard(pilot)
        faults = host.functions[0].firmware.faults
        faults.sleep = hold
        faults.slow("ACCESS_REG", 1.0, register_id=PAOS_ID, times=1)
        before = screen.model.samples
        await pilot.press("n")
        await wait_until(pilot, entered.is_set, "the sample's PAOS read to start")
        assert "(slow)" not in text_of(screen, "#dash-status")  # not slow yet: 0 s
        clock.now += 2.0  # the read has taken 2 s of the dashboard's clock
        await wait_until(pilot, lambda: "sample running for 2.0 s (slow)"
                         in text_of(screen, "#dash-status"), "the slow line")
        release.set()
        await wait_until(pilot, lambda: screen.model.samples > before
                         and "sample running" not in text_of(screen, "#dash-status"),
                         "the sample to end and the line to go")
        status = text_of(screen, "#dash-status")
        assert "last sample took 2.0 s (SLOW)" in status, status

"""The port dashboard driven through the real app: link, rates, highlights, admin down, plot."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static
from ui_support import make_app, open_first_device, settle, wait_until

from fwctl_tui.decoders.mlx5.catalogue import find
from fwctl_tui.decoders.mlx5.codec import encode_input, reply_buffer_size
from fwctl_tui.screens.dashboard import CHANGED, DashboardScreen
from fwctl_tui.sim.host import SimHost
from fwctl_tui.uapi import Scope
from fwctl_tui.widgets.series_plot import SeriesPlot

FEC = "FEC corrected blocks"


class StepClock:
    """The card's clock: the test moves it between samples."""

    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_dashboard(pilot: Pilot[Any]) -> DashboardScreen:
    await open_first_device(pilot)
    await pilot.press("f6")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    await wait_until(pilot, lambda: screen.model.samples >= 1, "the first sample")
    await pilot.press("space")  # pause: from here the test takes each sample with `n`
    await wait_until(pilot, lambda: screen.paused and screen.in_flight_since is None, "pause")
    return screen


async def step(pilot: Pilot[Any], screen: DashboardScreen, clock: StepClock,
               seconds: float) -> None:
    clock.now += seconds
    before = screen.model.samples
    await pilot.press("n")
    await wait_until(pilot, lambda: screen.model.samples > before, "a sample")
    await pilot.pause()


def cell(screen: DashboardScreen, row: str, column: str) -> Text:
    value = screen.query_one(DataTable).get_cell(row, column)
    assert isinstance(value, Text)
    return value


async def test_dashboard_shows_link_up_at_the_profile_speed_then_fec_rising_highlighted(
        tmp_path: Path) -> None:
    clock = StepClock()
    host = SimHost("cx7", seed=7, clock=clock)
    app = make_app(tmp_path, host=host)
    app.dashboard_clock = clock  # rates over the card's time
    async with app.run_test(size=(130, 44)) as pilot:
        screen = await open_dashboard(pilot)
        link = text_of(screen, "#dash-link")
        port = host.profile.port(0)
        assert "Link UP" in link and f"Speed {port.speed_gbps}G" in link
        assert f"width {port.lanes}x" in link and "FEC RS-544/514" in link
        module = text_of(screen, "#dash-module")
        assert port.module.serial in module and "°C" in module
        host.functions[0].start_scenario("fec-degrading")
        rates = []
        for _ in range(3):
            await step(pilot, screen, clock, 10.0)
            rates.append(float(cell(screen, FEC, "rate/s").plain.replace(",", "")))
            assert CHANGED in str(cell(screen, FEC, "value").style)
        assert rates[0] < rates[1] < rates[2]
        # the plot of the selected row's rate mounts with every sampled point
        table = screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(FEC))
        await pilot.press("p")
        await pilot.pause()
        plot = screen.query_one(SeriesPlot)
        assert plot.display and plot.points == 3  # rates exist from the 2nd sample on
        assert plot.series_title.startswith(FEC)
        assert "samples" in str(plot.border_title)
        await pilot.press("escape")
        await settle(pilot)


async def test_admin_down_by_send_shows_link_down_with_its_reason(tmp_path: Path) -> None:
    clock = StepClock()
    host = SimHost("cx7", seed=7, clock=clock)
    app = make_app(tmp_path, host=host)
    app.dashboard_clock = clock  # rates over the card's time
    async with app.run_test(size=(130, 44)) as pilot:
        screen = await open_dashboard(pilot)
        cmd = find("ACCESS_REG:PAOS")
        request = encode_input(cmd, {"local_port": 1, "admin_status": 2, "ase": 1}, op_mod=0)
        exchange = app.workspace.session.send(cmd.name, Scope.CONFIGURATION, request,
                                              reply_buffer_size(cmd, request))
        assert exchange.ok
        await step(pilot, screen, clock, 1.0)
        link = text_of(screen, "#dash-link")
        assert "Link DOWN" in link and "admin down" in link
        assert "Down: intentional, blame Local_phy" in link
        assert "State changed" in link
        status = text_of(screen, "#dash-status")
        assert "PAUSED" in status
        assert "samples" in str(screen.query_one(DataTable).border_title)


async def test_a_recorded_watch_replays_into_the_dashboard_and_plots(tmp_path: Path) -> None:
    from fwctl_tui.captures import open_recorder
    from fwctl_tui.connect import SimHosts, open_device
    from fwctl_tui.monitor.link import PortReader
    from fwctl_tui.monitor.replay import dashboard_from_capture
    from fwctl_tui.screens.dashboard_replay import ReplayDashboardApp

    clock = StepClock()
    host = SimHost("cx7", seed=7, clock=clock)
    path = tmp_path / "watch.jsonl"
    with open_device("sim:cx7", hosts=SimHosts({"cx7": host})) as conn:
        session = conn.session()
        recorder = open_recorder(path, conn.entry, conn.kernel_state())
        session.listeners.append(recorder.record)
        reader = PortReader(session, conn.kernel_state(), clock=clock)
        for _ in range(6):
            reader.read()
            clock.now += 1.0
        recorder.close()
    model, count = dashboard_from_capture(path)
    assert count == 6
    app = ReplayDashboardApp(model)
    async with app.run_test(size=(130, 44)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.offline
        assert "RECORDED" in text_of(screen, "#dash-status")
        assert "Link UP" in text_of(screen, "#dash-link")
        table = screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(FEC))
        await pilot.press("v")
        await pilot.pause()
        plot = screen.query_one(SeriesPlot)
        assert plot.display and plot.points == 6
        await pilot.press("space")  # nothing to pause: said, not done
        await pilot.pause()
        assert screen.model.samples == 6


async def test_f6_on_the_device_list_opens_the_device_and_its_dashboard_and_palette_too(
        tmp_path: Path) -> None:
    app = make_app(tmp_path, host=SimHost("cx7", seed=7, clock=StepClock()))
    async with app.run_test(size=(130, 44)) as pilot:
        await settle(pilot)
        await pilot.press("f6")  # nothing open yet: the highlighted device is opened
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen), "the dashboard")
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        await wait_until(pilot, lambda: screen.model.samples >= 1, "a sample")
        assert "Link UP" in text_of(screen, "#dash-link")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"dashboard")
        await wait_until(pilot, lambda: app.screen.query_one(OptionList).option_count > 0,
                    "the palette's hit")
        hit = app.screen.query_one(OptionList).get_option_at_index(0)
        assert "Port dashboard" in str(hit.prompt)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen), "the dashboard")


async def test_clear_baseline_interval_a_failing_sample_and_another_port(
        tmp_path: Path) -> None:
    clock = StepClock()
    host = SimHost("cx7", seed=7, clock=clock)
    app = make_app(tmp_path, host=host)
    app.dashboard_clock = clock
    async with app.run_test(size=(130, 44), notifications=True) as pilot:
        screen = await open_dashboard(pilot)
        host.functions[0].start_scenario("fec-degrading")
        await step(pilot, screen, clock, 10.0)
        assert cell(screen, FEC, "rate/s").plain.strip() not in ("", "-")
        await pilot.press("b")  # clear baseline: the next sample has nothing to compare
        await step(pilot, screen, clock, 10.0)
        assert cell(screen, FEC, "rate/s").plain.strip() in ("", "-", "—")
        await step(pilot, screen, clock, 10.0)
        assert cell(screen, FEC, "rate/s").plain.strip() not in ("", "-", "—")

        await pilot.press("i")  # interval prompt: 2.5 s
        await wait_until(pilot, lambda: app.screen is not screen, "the interval prompt")
        await pilot.press("ctrl+u", *"2.5", "enter")
        await wait_until(pilot, lambda: app.screen is screen, "back on the dashboard")
        assert "every 2.5 s" in text_of(screen, "#dash-status")

        faults = host.functions[0].firmware.faults
        faults.fail_errno("ACCESS_REG", errno.EIO, detail="bus error (test)")
        await pilot.press("n")
        await wait_until(pilot, lambda: "unavailable: " in text_of(screen, "#dash-status"),
                         "the failed registers said")
        status = text_of(screen, "#dash-status")
        assert "paos" in status and "ptys" in status  # each register that failed, by name
        faults.clear()

        await pilot.press("o")  # another port
        await wait_until(pilot, lambda: app.screen is not screen, "the port prompt")
        await pilot.press("ctrl+u", "2", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen)
                         and app.screen is not screen, "the port 2 dashboard")
        assert "port 2" in text_of(app.screen, "#dash-status")

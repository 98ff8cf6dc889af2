"""Pilot tests: quitting while a firmware command hangs asks first, then never waits."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from ui_support import make_app, make_host, messages, open_preview, settle, wait_until

from fwctl_tui.screens.confirm import ConfirmScreen
from fwctl_tui.screens.result import ResultScreen


def hanging_host(release: threading.Event) -> Any:
    """A simulated cx7 whose QUERY_HCA_CAP waits until `release` is set."""
    host = make_host()
    faults = host.functions[0].firmware.faults
    faults.sleep = lambda seconds: release.wait(30)
    faults.slow("QUERY_HCA_CAP", seconds=1.0)
    return host


async def ask_to_quit_mid_command(pilot: Pilot[Any]) -> None:
    """Send the held QUERY_HCA_CAP, wait until it is in flight, then press ctrl+q."""
    await open_preview(pilot, "query_hca", "QUERY_HCA_CAP")
    await pilot.press("enter")
    await wait_until(pilot, lambda: pilot.app.rpc_in_flight, "the RPC to start")
    await pilot.press("ctrl+q")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmScreen)


async def test_quit_during_a_hung_command_asks_and_cancel_keeps_waiting(
    tmp_path: Path
) -> None:
    release = threading.Event()
    app = make_app(tmp_path, host=hanging_host(release))
    async with app.run_test(size=(120, 36)) as pilot:
        await ask_to_quit_mid_command(pilot)
        question = str(app.screen.query_one("#confirm-question").render())
        assert "QUERY_HCA_CAP was sent to sim:cx7 and has not answered yet" in question
        assert "finishes on the device" in question
        await pilot.press("ctrl+q")  # asking twice does not stack a second question
        await pilot.pause()
        assert sum(isinstance(s, ConfirmScreen) for s in app.screen_stack) == 1

        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.rpc_in_flight == "QUERY_HCA_CAP"
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert app.rpc_in_flight is None and not app.busy

        await pilot.press("ctrl+q")  # nothing in flight: quits without asking
        await pilot.pause()
        assert not app.is_running


async def test_quit_anyway_exits_without_waiting_for_the_command(
    tmp_path: Path
) -> None:
    release = threading.Event()
    app = make_app(tmp_path, host=hanging_host(release))
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await ask_to_quit_mid_command(pilot)
            await pilot.click("#confirm-yes")
            await pilot.pause()
            assert not app.is_running
        assert not release.is_set(), "the app quit while the command was still hanging"
    finally:
        release.set()  # the abandoned command finishes; its result goes nowhere


async def test_the_quit_question_goes_away_when_the_command_answers(
    tmp_path: Path
) -> None:
    release = threading.Event()
    app = make_app(tmp_path, host=hanging_host(release))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await ask_to_quit_mid_command(pilot)
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert not any(isinstance(s, ConfirmScreen) for s in app.screen_stack)
        assert any("nothing is in flight now" in m for m in messages(app))
        await pilot.press("ctrl+q")  # and quitting now needs no question
        await pilot.pause()
        assert not app.is_running

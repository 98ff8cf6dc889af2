"""Watching a result: `w` re-sends the command and the same tree shows deltas and rates."""

from __future__ import annotations

import time
from pathlib import Path

from textual.widgets import Input, Select
from ui_support import (
    make_app,
    open_command,
    open_first_device,
    send_from_form,
    settle,
    wait_until,
)

from fwctl_tui.screens.result import ResultScreen
from fwctl_tui.sim.host import SimHost
from fwctl_tui.widgets.watched_tree import WatchedTree

FEC = "register_data.counter_set.phys_layer_cntrs_ext.rs_fec_corrected_blocks"


async def test_w_watches_the_result_in_place_with_64_bit_deltas_and_rates(
        tmp_path: Path) -> None:
    host = SimHost("cx7", seed=7, clock=time.monotonic)  # counters move as the test runs
    app = make_app(tmp_path, host=host)
    async with app.run_test(size=(130, 40)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "PPCNT", "ACCESS_REG:PPCNT")
        app.screen.query_one("#f-register_data_local_port").value = "1"
        app.screen.query_one("#f-register_data_grp", Select).value = 0x12
        await settle(pilot)
        result = await send_from_form(pilot)
        assert isinstance(result, ResultScreen)
        screens = len(app.screen_stack)
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one(Input).value = "0.1"
        await pilot.press("enter")
        await pilot.pause()
        watch = result.result_watch
        assert watch is not None and watch.running
        await wait_until(pilot, lambda: watch.samples >= 3, "three watched samples")
        tree = result.query_one(WatchedTree)
        change = tree.changes[FEC]
        assert change.delta is not None and change.delta > 0 and change.rate > 0
        assert not any(path.endswith("_high") for path in tree.changes)  # joined
        assert len(app.screen_stack) == screens  # no result screen stacked per re-send
        assert "watching every 0.1 s" in str(result.query_one("#result-body").border_subtitle)
        await pilot.press("w")
        await settle(pilot)
        assert not watch.running

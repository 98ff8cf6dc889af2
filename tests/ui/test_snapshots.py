"""Snapshot tests of the key screens (sync, as pytest-textual-snapshot requires).

Deterministic by construction: seeded SimHost with a frozen clock, pinned RPC timing and
wall time, fixed theme, cursor blink off. `make snapshot-update` refreshes them after
an intended change; review the SVG diff report before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Select
from ui_support import make_app, open_command, open_first_device, settle, stop_blinking

from fwctl_tui.uapi import Scope

WIDE = (120, 36)
NARROW = (80, 24)
Step = Callable[[Pilot[Any]], Awaitable[None]]


def run(*steps: Step) -> Step:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for step in steps:
            await step(pilot)
        await settle(pilot)
        stop_blinking(pilot)

    return run_before


async def open_device(pilot: Pilot[Any]) -> None:
    await open_first_device(pilot)


def command(query: str, name: str) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        await open_command(pilot, query, name)

    return step


def keys(*pressed: str) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        await pilot.press(*pressed)
        await settle(pilot)

    return step


def scope(value: Scope) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one("#preview-scope", Select).value = value
        await settle(pilot)

    return step


def port(value: str) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one("#f-register_data_local_port").value = value
        await settle(pilot)

    return step


async def tick_ack(pilot: Pilot[Any]) -> None:
    pilot.app.screen.query_one(Checkbox).value = True
    await settle(pilot)


HCA = command("query_hca", "QUERY_HCA_CAP")
CASES: dict[str, tuple[tuple[int, int], Step]] = {
    "devices": (WIDE, run()),
    "devices_narrow": (NARROW, run()),
    "catalogue": (WIDE, run(open_device)),
    "catalogue_filtered": (WIDE, run(open_device, keys("slash", *"admin"))),
    "catalogue_narrow": (NARROW, run(open_device)),
    "form_register": (WIDE, run(open_device, command("paos", "ACCESS_REG:PAOS"))),
    "preview_read_only": (WIDE, run(open_device, HCA, keys("ctrl+j"))),
    "preview_refused": (WIDE, run(open_device, command("query_diagnostic_params",
                                                       "QUERY_DIAGNOSTIC_PARAMS"),
                                  keys("ctrl+j"), scope(Scope.CONFIGURATION))),
    "preview_tainting": (WIDE, run(open_device, command("set_diagnostic",
                                                        "SET_DIAGNOSTIC_PARAMS"),
                                   keys("ctrl+j"))),
    "preview_tainting_acknowledged": (WIDE, run(open_device, command("set_diagnostic",
                                                                     "SET_DIAGNOSTIC_PARAMS"),
                                                keys("ctrl+j"), tick_ack)),
    # 80x24 at the longest preview: the acknowledgement and buttons stay in view
    "preview_full_narrow": (NARROW, run(open_device, command("set_diagnostic",
                                                             "SET_DIAGNOSTIC_PARAMS"),
                                        keys("ctrl+j"), scope(Scope.DEBUG_WRITE_FULL))),
    "result": (WIDE, run(open_device, HCA, keys("ctrl+j", "enter"))),
    "result_narrow": (NARROW, run(open_device, HCA, keys("ctrl+j", "enter"))),
    "result_bad_param": (WIDE, run(open_device, command("paos", "ACCESS_REG:PAOS"),
                                   port("9"), keys("ctrl+j", "enter"))),
    "history": (WIDE, run(open_device, HCA, keys("ctrl+j", "enter", "f2"))),
    "help": (WIDE, run(open_device, keys("f1"))),
    "error_refused": (WIDE, run(open_device, command("query_diagnostic_params",
                                                     "QUERY_DIAGNOSTIC_PARAMS"),
                                keys("ctrl+j"), scope(Scope.CONFIGURATION),
                                keys("shift+tab", "enter"))),
}


@pytest.mark.parametrize("case", list(CASES))
def test_snapshot(case: str, snap_compare: Any, tmp_path: Path) -> None:
    size, run_before = CASES[case]
    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=run_before)


async def rmw_edit(pilot: Pilot[Any]) -> None:
    """PAOS write: read the current value, change admin_status, open the preview."""
    screen = pilot.app.screen
    screen.query_one("#command-opmod", Select).value = 0
    await settle(pilot)
    screen.query_one("#f-register_data_local_port").value = "1"
    await pilot.press("ctrl+r")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    current = screen.read_back["register_data.admin_status"]
    screen.query_one("#f-register_data_admin_status", Select).value = 2 if current != 2 else 1
    await settle(pilot)
    await pilot.press("ctrl+j")
    await settle(pilot)


def test_snapshot_register_write_diff(snap_compare: Any, tmp_path: Path) -> None:
    run_before = run(open_device, command("paos", "ACCESS_REG:PAOS"), rmw_edit)
    assert snap_compare(make_app(tmp_path), terminal_size=WIDE, run_before=run_before)

"""Snapshots at 80x24 of the main screens the other snapshot file shows only wide.

Same determinism as test_snapshots.py (seeded host, pinned time, fixed theme, no blink).
The capture screens read a shipped sample capture, whose times are its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_snapshots import NARROW, command, keys, open_device, rmw_edit, run
from textual.pilot import Pilot
from textual.widgets import Select
from ui_support import make_app, settle

from fwctl_tui.screens.capture_browser import CaptureBrowserScreen
from fwctl_tui.widgets.decoded_tree import DecodedTree

LINK_DOWN = Path(__file__).resolve().parents[2] / "captures" / "02-link-down.jsonl"


async def open_link_down(pilot: Pilot[Any]) -> None:
    await pilot.app.push_screen(CaptureBrowserScreen(LINK_DOWN))
    await settle(pilot)


async def show_blame(pilot: Pilot[Any]) -> None:
    """Record #6 selected, its tree scrolled to the link-down page's blame."""
    await pilot.press("down", "down", "down", "down", "down")
    await settle(pilot)
    tree = pilot.app.screen.query_one(DecodedTree)
    tree.root.expand_all()
    await settle(pilot)
    line = next(number for number in range(tree.last_line + 1)
                if "down_blame" in str(tree.get_node_at_line(number).label))
    tree.cursor_line = line
    tree.scroll_to_line(line)
    await settle(pilot)


async def open_dropdown(pilot: Pilot[Any]) -> None:
    select = pilot.app.screen.query_one("#f-register_data_admin_status", Select)
    select.focus()
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


PAOS = command("paos", "ACCESS_REG:PAOS")
CASES = {
    "form_register_narrow": run(open_device, PAOS),
    "form_dropdown_narrow": run(open_device, PAOS, open_dropdown),
    "write_preview_narrow": run(open_device, PAOS, rmw_edit),
    "history_narrow": run(open_device, command("query_hca", "QUERY_HCA_CAP"),
                          keys("ctrl+j", "enter", "f2")),
    "help_narrow": run(open_device, keys("f1")),
    "capture_browser_narrow": run(open_link_down, show_blame),
    "capture_diff_narrow": run(open_link_down, keys("m", "down", "down", "d")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_snapshot_narrow(case: str, snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=NARROW, run_before=CASES[case])

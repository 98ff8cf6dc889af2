"""Pilot: the capture browser filters by field names, values and labels, and explains typos."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from textual.widgets import Input, Static
from ui_support import browser_app, browser_ready

from fwctl_tui.screens.capture_browser import CaptureBrowserScreen, LineList

CAPTURES = Path(__file__).resolve().parents[2] / "captures"




def status_text(screen: CaptureBrowserScreen) -> str:
    console = Console(width=300, record=True)
    console.print(screen.query_one("#capture-status", Static).content)
    return console.export_text()


async def apply(pilot, screen: CaptureBrowserScreen, text: str) -> None:
    await pilot.press("slash")
    screen.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_filter_by_content() -> None:
    app = browser_app(CAPTURES / "02-link-down.jsonl")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await browser_ready(pilot)
        records = screen.query_one(LineList)
        await apply(pilot, screen, "down_blame=Remote_phy")
        assert records.count == 1 and screen.current is not None and screen.current.seq == 6
        assert "records 1/9" in str(records.border_title)
        await apply(pilot, screen, "symbol_errors>0")
        assert [screen.capture.record(i).seq for i in screen.rows] == [2, 9]
        await apply(pilot, screen, "down_blam=2")
        assert "unknown filter word 'down_blam' (did you mean down_blame?)" in status_text(screen)
        assert records.count == 2, "a refused filter leaves the list as it was"

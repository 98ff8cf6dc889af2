"""Pilot: mark a record in the browser, diff another against it; labels beside values."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from textual.widgets import Static
from ui_support import browser_app, browser_ready

from fwctl_tui.screens.capture_browser import LineList
from fwctl_tui.screens.capture_diff import CaptureDiffScreen

CAPTURES = Path(__file__).resolve().parents[2] / "captures"




def plain(widget: Static) -> str:
    console = Console(width=200, record=True)
    console.print(widget.content)
    return console.export_text()


async def test_mark_one_record_and_diff_another() -> None:
    app = browser_app(CAPTURES / "02-link-down.jsonl")
    async with app.run_test(size=(120, 36)) as pilot:
        browser = await browser_ready(pilot)
        await pilot.press("d")
        assert "mark a record first" in plain(browser.query_one("#capture-status", Static))
        await pilot.press("m")  # record #1: PAOS, port up
        assert browser.query_one("#capture-records", LineList).row_text(0).plain.startswith("*")
        await pilot.press("down", "down", "d")  # record #3: PAOS, port down
        await app.workers.wait_for_complete()
        await pilot.pause()
        diff = app.screen
        assert isinstance(diff, CaptureDiffScreen)
        summary = plain(diff.query_one("#diff-summary", Static))
        assert "A #1 · B #3 of 02-link-down.jsonl: 1 paired, 1 changed" in summary
        detail = plain(diff.query_one("#diff-detail", Static))
        assert "oper_status" in detail and "1 (up)" in detail and "2 (down)" in detail
        assert "5 (LinkUp)" in detail and "2 (Polling)" in detail

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is browser
        await pilot.press("down", "d")  # #4 PTYS asks another question: refused, explained
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "ask different questions" in plain(app.screen.query_one("#diff-summary", Static))
        assert browser.query_one(LineList).count == 9

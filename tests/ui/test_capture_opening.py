"""Pilot: the capture browser reads its file in a worker, showing a "reading" state, and a
capture still being read when the browser closes is closed all the same."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static
from ui_support import browser_app, wait_until

from fwctl_tui.captures.loader import Capture
from fwctl_tui.screens import capture_browser
from fwctl_tui.screens.capture_browser import CaptureBrowserScreen, LineList
from fwctl_tui.widgets.findings_list import FindingsList

CAPTURE = Path(__file__).resolve().parents[2] / "captures" / "02-link-down.jsonl"


class WatchedCapture(Capture):
    """A Capture that remembers being closed."""

    closed = False

    def close(self) -> None:
        self.closed = True
        super().close()


class HeldLoader:
    """load_capture that waits for `release` (the file being read), keeping what it opened."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.opened: list[WatchedCapture] = []

    def __call__(self, path: Any) -> WatchedCapture:
        self.release.wait(30)
        capture = WatchedCapture(Path(path))
        self.opened.append(capture)
        return capture


async def test_reading_state_then_records_and_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    loader = HeldLoader()
    monkeypatch.setattr(capture_browser, "load_capture", loader)
    app = browser_app(CAPTURE)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, CaptureBrowserScreen),
                         "the browser")
        screen = app.screen
        await pilot.pause()
        # the screen is up and answering keys while the file is still being read
        header = str(screen.query_one("#capture-header", Static).render())
        assert header.startswith(f"reading {CAPTURE}") and "MB)" in header
        findings = screen.query_one(FindingsList)
        assert "analysing the capture" in str(findings.get_option_at_index(0).prompt)
        assert screen.query_one(LineList).count == 0
        await pilot.press("slash")
        assert screen.focused is not None and screen.focused.id == "capture-filter"

        loader.release.set()
        await wait_until(pilot, lambda: screen.findings is not None, "the findings")
        assert "02-link-down.jsonl" in str(screen.query_one("#capture-header", Static).render())
        assert screen.query_one(LineList).count == len(loader.opened[0])
        assert any(str(findings.get_option_at_index(i).prompt).startswith("#6 ")
                   for i in range(findings.option_count))


async def test_closed_while_reading_closes_the_capture(monkeypatch: pytest.MonkeyPatch) -> None:
    loader = HeldLoader()
    monkeypatch.setattr(capture_browser, "load_capture", loader)
    app = browser_app(CAPTURE)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, CaptureBrowserScreen),
                         "the browser")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CaptureBrowserScreen),
                         "the browser closed")
        loader.release.set()
        # the worker thread outlives the closed screen: wait for it to close what it read
        await wait_until(pilot, lambda: bool(loader.opened) and loader.opened[0].closed,
                         "the capture read after the close, closed")

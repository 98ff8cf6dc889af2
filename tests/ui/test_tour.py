"""The first-start tour: shown once, skippable, remembered, shown again when asked."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Static
from ui_support import make_host, pinned_clock, settle

from fwctl_tui.app import FwctlApp
from fwctl_tui.config import Config
from fwctl_tui.learn.progress import FILE_NAME
from fwctl_tui.screens.devices import DevicesScreen
from fwctl_tui.screens.tour import PAGES, TourScreen


def first_start(tmp_path: Path) -> FwctlApp:
    return FwctlApp(host=make_host(), config=Config(theme="textual-dark"), recording=False,
                    clock=pinned_clock(), data_dir=tmp_path / "exports",
                    learn_dir=tmp_path / "learn", first_start_tour=True)


def page_text(app: FwctlApp) -> str:
    return str(app.screen.query_one("#tour-text", Static).render())


async def test_tour_once_skippable_and_again_on_request(tmp_path: Path) -> None:
    app = first_start(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TourScreen)
        assert page_text(app).startswith("Welcome to fwctl-tui")
        await pilot.press("right")
        assert page_text(app).startswith("1 · Devices")
        await pilot.press("right", "right", "right")
        assert page_text(app).startswith("4 · Result")  # the fourth pane
        await pilot.press("left")
        assert page_text(app).startswith("3 · Form and preview")
        await pilot.press("escape")  # skipped
        await settle(pilot)
        assert isinstance(app.screen, DevicesScreen)
    saved = json.loads((tmp_path / "learn" / FILE_NAME).read_text())
    assert saved["tour_seen"] is True

    again = first_start(tmp_path)  # never again unless asked
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, DevicesScreen)
        again.call_later(again.action_tour)  # asked: the palette's "Show the tour again"
        await settle(pilot)
        assert isinstance(again.screen, TourScreen)
        await pilot.press(*["enter"] * len(PAGES))  # read to the end: Finish closes it
        await settle(pilot)
        assert isinstance(again.screen, DevicesScreen)

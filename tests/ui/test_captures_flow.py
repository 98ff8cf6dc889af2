"""Pilot tests: recording is on by default, shown in the bar, saved (ctrl+s), opened (ctrl+o)."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input
from ui_support import make_app, open_command, open_first_device, send_from_form, settle

from fwctl_tui.screens.capture_browser import CaptureBrowserScreen
from fwctl_tui.screens.palette import CatalogueCommands
from fwctl_tui.screens.prompt import PathPrompt


async def test_record_save_and_open_capture(tmp_path: Path) -> None:
    capture = tmp_path / "session.jsonl"
    app = make_app(tmp_path, capture=capture)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        assert app.recording_label == f"● REC {capture}"
        await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
        await send_from_form(pilot)
        lines = capture.read_text().splitlines()
        assert len(lines) == 2, "a header and one record, written as the session runs"
        assert json.loads(lines[1])["command"] == "QUERY_HCA_CAP"

        saved = tmp_path / "saved.jsonl"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        app.screen.query_one(Input).value = str(saved)  # typing a tmp path key by key is slow
        await pilot.press("enter")
        await settle(pilot)
        assert saved.read_text() == capture.read_text()

        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one(Input).value = str(saved)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaptureBrowserScreen)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("f4")
        await pilot.pause()
        assert app.recording_label == "not recording"


async def test_palette_jumps_to_a_register(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        provider = CatalogueCommands(app.screen)
        hits = [hit async for hit in provider.search("PAOS")]
        assert any(hit.text == "ACCESS_REG:PAOS" for hit in hits)
        best = max(hits, key=lambda hit: hit.score)
        best.command()
        await settle(pilot)
        assert type(app.screen).__name__ == "CommandScreen"
        assert app.screen.command.name == "ACCESS_REG:PAOS"

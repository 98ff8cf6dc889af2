"""Saving the session's capture: recording turned off and on again keeps one capture,
the save says what ran while recording was off, and the save prompt reads well."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input
from ui_support import (
    make_app,
    messages,
    open_command,
    open_first_device,
    screen_text,
    send_from_form,
    settle,
)

from fwctl_tui.screens.prompt import PathPrompt


async def send_query(pilot: Pilot[Any]) -> None:
    await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
    await send_from_form(pilot)
    await pilot.press("escape", "escape")  # result -> form -> catalogue
    await settle(pilot)


async def save_as(pilot: Pilot[Any], dest: Path) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PathPrompt)
    pilot.app.screen.query_one(Input).value = str(dest)
    await pilot.press("enter")
    await settle(pilot)


async def test_recording_off_and_on_again_keeps_one_capture(tmp_path: Path) -> None:
    app = make_app(tmp_path, capture=tmp_path / "session.jsonl")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await open_first_device(pilot)
        await send_query(pilot)
        await send_query(pilot)
        await pilot.press("f4", "f4")  # off, then on again
        await settle(pilot)
        assert app.recording_label == f"● REC {tmp_path / 'session.jsonl'}"
        assert any("again" in m for m in messages(app))
        saved = tmp_path / "saved.jsonl"
        await save_as(pilot, saved)
        records = saved.read_text().splitlines()[1:]
        assert len(records) == 2, "both RPCs of the session are in the saved file"
        assert any(m.endswith(f"{saved}: 2 record(s)") for m in messages(app)), messages(app)
        await pilot.press("f2")
        await settle(pilot)
        assert len(app.workspace.session.history) == 2


async def test_save_says_what_ran_while_recording_was_off(tmp_path: Path) -> None:
    app = make_app(tmp_path, capture=tmp_path / "session.jsonl")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await open_first_device(pilot)
        await send_query(pilot)
        await pilot.press("f4")
        await send_query(pilot)  # not recorded
        await pilot.press("f4")
        await send_query(pilot)
        saved = tmp_path / "saved.jsonl"
        await save_as(pilot, saved)
        assert [json.loads(line)["seq"] for line in saved.read_text().splitlines()[1:]] == [1, 2]
        toast = next(m for m in messages(app) if "Capture saved" in m)
        assert "2 record(s)" in toast and "1 RPC(s) of this session ran while recording " \
            "was off" in toast


async def test_save_prompt_says_its_title_once_and_its_footer_fits(tmp_path: Path) -> None:
    app = make_app(tmp_path, capture=tmp_path / "session.jsonl")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_first_device(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        rows = screen_text(app)
        assert sum("Save the capture as" in row for row in rows) == 1
        footer = rows[-1]
        assert "esc Cancel" in footer
        assert "^o Op" not in footer and "Open capture" not in footer

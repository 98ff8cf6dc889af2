"""Pilot tests: the REC badge shows only a file really being written, and saving asks
before replacing a file or creating folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from ui_support import make_app, messages, open_command, open_first_device, send_from_form, settle

from fwctl_tui.screens.confirm import ConfirmScreen
from fwctl_tui.screens.devices import DevicesScreen
from fwctl_tui.screens.prompt import PathPrompt


async def answer(pilot: Pilot[Any], text: str) -> None:
    """Fill the open prompt and press Enter (typing a long tmp path key by key is slow)."""
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await settle(pilot)


def devices_in(path: Path) -> set[str]:
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    return {line["device"]["fwctl"] for line in lines[:1]} | {
        line.get("device") for line in lines[1:] if line.get("device")}


async def send_query(pilot: Pilot[Any]) -> None:
    await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
    await send_from_form(pilot)


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Default capture names are computed under the user data dir: keep it in tmp."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


async def test_fixed_capture_of_another_device_moves_to_a_new_file(
    tmp_path: Path, data_home: Path
) -> None:
    capture = tmp_path / "x.jsonl"
    app = make_app(tmp_path, capture=capture)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await open_first_device(pilot)
        await send_query(pilot)
        assert app.recording_label == f"● REC {capture}"

        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, DevicesScreen)
        await pilot.press("down", "enter")  # sim:cx7.1: x.jsonl holds sim:cx7's capture
        await settle(pilot)
        assert app.device_name == "sim:cx7.1"
        moved = app.workspace.recorder_path
        assert moved is not None and moved != capture and moved.parent == capture.parent
        assert app.recording_label == f"● REC {moved}"
        assert any("was not used" in m and str(moved) in m for m in messages(app))
        await send_query(pilot)
        assert "sim:cx7.1" in devices_in(moved)
        assert "sim:cx7.1" not in devices_in(capture), "the first file is left alone"
        assert len(capture.read_text().splitlines()) == 2, "header + the one sim:cx7 record"
        assert len(moved.read_text().splitlines()) == 2

        await pilot.press("f4")
        await pilot.pause()
        assert app.recording_label == "not recording"
        assert app.workspace.recorder_path is None
        assert any(m.splitlines()[-1] == "Recording stopped." for m in messages(app))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, PathPrompt), "nothing recorded: nothing to save"
        assert any("Nothing is being recorded" in m for m in messages(app))


async def test_recording_that_cannot_start_says_so(tmp_path: Path, data_home: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be\n")
    app = make_app(tmp_path, capture=blocker / "x.jsonl")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await open_first_device(pilot)
        assert app.workspace.recorder_path is None
        assert app.recording_label.startswith("NOT recording")
        assert "REC" not in app.recording_label.replace("NOT rec", "")
        assert any("NOT recording" in m for m in messages(app))
        await pilot.press("f4")  # off ... and on again: it fails again, and says so
        await pilot.press("f4")
        await pilot.pause()
        assert not any(m.splitlines()[-1] == "Recording stopped." for m in messages(app))


async def test_save_asks_before_replacing_or_creating_folders(
    tmp_path: Path
) -> None:
    capture = tmp_path / "session.jsonl"
    existing = tmp_path / "keep.jsonl"
    existing.write_text("precious\n")
    app = make_app(tmp_path, capture=capture)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await open_first_device(pilot)
        await send_query(pilot)

        await pilot.press("ctrl+s")
        await pilot.pause()
        await answer(pilot, str(existing))
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "already exists" in confirm.question
        assert app.focused is confirm.query_one("#confirm-cancel"), "Cancel is the default"
        await pilot.press("enter")
        await settle(pilot)
        assert existing.read_text() == "precious\n"
        assert any(m.endswith("Capture not saved.") for m in messages(app))

        await pilot.press("ctrl+s")
        await pilot.pause()
        await answer(pilot, str(existing))
        await pilot.press("shift+tab", "enter")  # the Replace button, chosen on purpose
        await settle(pilot)
        assert existing.read_text() == capture.read_text()

        deep = tmp_path / "new" / "folder" / "s.jsonl"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await answer(pilot, str(deep))
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "does not exist" in confirm.question and str(tmp_path / "new") in confirm.question
        await pilot.press("escape")
        await settle(pilot)
        assert not (tmp_path / "new").exists()


async def test_a_long_capture_path_keeps_its_file_name_in_80_columns(
    tmp_path: Path
) -> None:
    from fwctl_tui.widgets.device_bar import DeviceBar

    folder = tmp_path / ("a-rather-long-folder-name-" * 3) / "lab"
    folder.mkdir(parents=True)
    app = make_app(tmp_path, capture=folder / "session-capture.jsonl")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_device(pilot)
        shown = str(app.screen.query_one(DeviceBar).render())
        assert shown.endswith("● REC …/lab/session-capture.jsonl") and len(shown) <= 80
        await pilot.resize_terminal(300, 24)
        await settle(pilot)
        shown = str(app.screen.query_one(DeviceBar).render())
        assert shown.endswith(f"● REC {folder / 'session-capture.jsonl'}")


async def test_a_record_the_disk_refuses_still_shows_the_reply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fwctl_tui.captures import CaptureError
    from fwctl_tui.screens.result import ResultScreen

    capture = tmp_path / "x.jsonl"
    app = make_app(tmp_path, capture=capture)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await open_first_device(pilot)
        recorder = app.workspace.recorder

        def full_disk(exchange: Any) -> None:
            raise CaptureError("No space left on device; the capture is unchanged",
                               path=str(capture))

        monkeypatch.setattr(recorder, "record", full_disk)
        await send_query(pilot)
        assert isinstance(app.screen, ResultScreen), "the reply is shown all the same"
        said = [m for m in messages(app) if "sent but not recorded" in m]
        assert said and "No space left on device" in said[0] and "QUERY_HCA_CAP" in said[0]

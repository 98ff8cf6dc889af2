"""Issue 11 in the TUI: ctrl+o on a FIFO, a capture full of escape sequences, a damaged
header and blank lines: the app keeps running, shows every good record, and nothing the
capture says reaches the terminal raw (tools/hostile/corpus.py builds the files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Static
from ui_support import make_app, open_first_device, settle

from fwctl_tui.screens.capture_browser import CaptureBrowserScreen, LineList
from tools.hostile import corpus
from tools.hostile.check import RAW_CONTROL


async def open_capture(pilot: Any, path: Path) -> CaptureBrowserScreen:
    await pilot.press("ctrl+o")
    await pilot.pause()
    pilot.app.screen.query_one(Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CaptureBrowserScreen)
    return screen


def shown(screen: CaptureBrowserScreen) -> str:
    """Header, every listed row and the status line, as plain text."""
    view = screen.query_one("#capture-records", LineList)
    rows = [view.row_text(i).plain for i in range(view.count)]
    header = screen.query_one("#capture-header", Static).content
    status = screen.query_one("#capture-status", Static).content
    return "\n".join([str(header), *rows, str(status)])


def hostile_cases() -> dict[str, corpus.Case]:
    picked = {case.name: case for case in corpus.cases(full=False)
              if case.name in ("fifo", "escape-1", "blank-lines", "deep-record")}
    for name, key, value in (("device-null", "device", None),
                             ("netdevs-number", "netdevs", 10**400)):
        head = corpus.header()
        (head if key == "device" else head["device"])[key] = value
        picked[name] = corpus.Case(name, corpus.capture(head, [corpus.record(1)]), [1])
    return picked


async def test_ctrl_o_survives_hostile_captures(tmp_path: Path) -> None:
    cases = hostile_cases()
    files = {name: case.write(tmp_path) for name, case in cases.items()}
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_first_device(pilot)
        screen = await open_capture(pilot, files["fifo"])
        assert "Cannot open capture" in shown(screen) and "FIFO" in shown(screen)
        await pilot.press("escape")
        await settle(pilot)

        screen = await open_capture(pilot, files["escape-1"])
        text = shown(screen)
        assert RAW_CONTROL.search(text) is None
        assert "\\x1b]52;c;" in text and "4 records" in text
        await pilot.press("down")  # the record whose command, detail and time are escapes
        await settle(pilot)
        assert RAW_CONTROL.search(shown(screen)) is None
        assert RAW_CONTROL.search(str(screen.query_one("#capture-tree").border_title)) is None
        await pilot.press("escape")
        await settle(pilot)

        for name in ("device-null", "netdevs-number", "blank-lines", "deep-record"):
            case = cases[name]
            screen = await open_capture(pilot, files[name])
            text = shown(screen)
            assert RAW_CONTROL.search(text) is None, name
            listed = [screen.capture.record(i).seq for i in screen.rows
                      if screen.capture.record(i).exchange is not None]
            assert set(case.good or []) <= set(listed), name
            await pilot.press("escape")
            await settle(pilot)
        assert app.is_running

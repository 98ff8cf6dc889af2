"""Pilot tests: opening a device by name (--device, `o` on the device list), REPLAY
sessions, and what the device list says about the device that is open."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import DataTable, Input, OptionList, Static
from ui_support import (
    make_app,
    open_command,
    open_first_device,
    send_from_form,
    settle,
    wait_until,
)

from fwctl_tui.__main__ import build_parser
from fwctl_tui.screens.catalogue import CatalogueScreen
from fwctl_tui.screens.devices import OPEN_MARK, DevicesScreen
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.prompt import PathPrompt
from fwctl_tui.screens.result import ResultScreen
from fwctl_tui.widgets.device_bar import DeviceBar

BRING_UP = Path(__file__).resolve().parents[2] / "captures" / "01-bring-up.jsonl"


def test_device_option_is_parsed_for_the_tui() -> None:
    args = build_parser().parse_args(["--device", "replay:captures/01-bring-up.jsonl"])
    assert args.start_device == "replay:captures/01-bring-up.jsonl"
    assert getattr(args, "handler", None) is None, "no subcommand: the TUI starts"


async def test_replay_device_answers_recorded_requests_only(tmp_path: Path) -> None:
    name = f"replay:{BRING_UP}"
    app = make_app(tmp_path, device=name)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CatalogueScreen), "--device opens it at start"
        assert (app.device_kind, app.device_name) == ("replay", name)
        bar = str(app.screen.query_one(DeviceBar).content)
        assert "REPLAY" in bar and name in bar

        await open_command(pilot, "query_adapter", "QUERY_ADAPTER")  # recorded: answered
        await send_from_form(pilot)
        result = app.screen
        assert isinstance(result, ResultScreen)
        assert "· OK · from record #2" in str(result.query_one("#result-body").border_title)

        await pilot.press("escape", "escape")
        await settle(pilot)
        await open_command(pilot, "query_vuid", "QUERY_VUID")  # never recorded
        await send_from_form(pilot)
        error = app.screen
        assert isinstance(error, ErrorScreen)
        assert "ENOMSG" in error.title_text
        assert "not in this capture" in error.happened


async def test_open_by_name_from_the_device_list(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        app.screen.query_one(Input).value = f"replay:{BRING_UP}"  # a long path: not typed
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CatalogueScreen)
        assert app.device_kind == "replay"

        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press(*"replay:no/such/file.jsonl", "enter")
        await settle(pilot)
        error = app.screen
        assert isinstance(error, ErrorScreen)
        assert "does not exist" in error.happened


async def test_device_list_marks_the_open_device_and_shows_enter(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        devices = app.screen
        assert isinstance(devices, DevicesScreen)
        shown = {b.binding.id for b in devices.active_bindings.values() if b.binding.show}
        assert {"open_device", "open_by_name"} <= shown, "Enter is in the footer"
        table = devices.query_one(DataTable)
        columns = [str(c.label) for c in table.columns.values()]
        assert columns.index("Access") == 2, "visible on 80 columns"

        await open_first_device(pilot)
        await pilot.press("f3")
        await settle(pilot)
        first = table.get_row_at(0)
        assert str(first[2]) == OPEN_MARK
        assert str(table.get_row_at(1)[2]) == "ready"
        details = devices.query_one("#device-details")
        assert details.can_focus, "the details scroll with the keyboard"
        await pilot.press("tab")
        assert app.focused is details
        assert "open now" in str(devices.query_one("#device-details-text", Static).content)
        history = app.workspace.session
        await pilot.press("shift+tab", "enter")  # the open device: back to its catalogue
        await settle(pilot)
        assert isinstance(app.screen, CatalogueScreen)
        assert app.workspace.session is history, "same session, history kept"


async def test_the_palette_opens_a_device_the_device_source_found(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.workspace.source.scanned) > 1, "the scan")
        second = app.workspace.source.scanned[1].name  # not the row the list highlights
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press(*f"open device {second}")
        await wait_until(pilot, lambda: app.screen.query_one(OptionList).option_count > 0,
                         "the palette's hits")
        hit = app.screen.query_one(OptionList).get_option_at_index(0)
        assert str(hit.prompt).splitlines()[0] == f"Open device {second}"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CatalogueScreen), "the catalogue")
        assert app.device_name == second

"""cxl and pds devices: the ctrl+p palette offers the device's own commands, the history
re-sends a cxl/pds record through the driver preview, and the pds catalogue imports
entries from a file (a bad file said by entry and field).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, OptionList
from ui_support import (
    fact_shown,
    make_app,
    messages,
    open_first_device,
    settle,
    shown,
    wait_until,
)

from fwctl_tui.screens.driver_catalogue import DriverCatalogueScreen
from fwctl_tui.screens.driver_command import DriverCommandScreen
from fwctl_tui.screens.driver_preview import DriverPreviewScreen
from fwctl_tui.screens.driver_result import DriverResultScreen
from fwctl_tui.screens.history import HistoryScreen
from fwctl_tui.screens.prompt import PathPrompt
from fwctl_tui.sim.cxl.simdev import build_host as cxl_host

MOCK_FEATURE = "ffffffff-ffff-ffff-ffff-ffffffffffff"  # cxl_test's mock: COLD_RESET effects


async def _ready_catalogue(pilot: Pilot[Any]) -> DriverCatalogueScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DriverCatalogueScreen)
                     and pilot.app.screen.context_ready, "the device's own catalogue")
    screen = pilot.app.screen
    assert isinstance(screen, DriverCatalogueScreen)
    return screen


async def _palette_hits(pilot: Pilot[Any], typed: str, first: str) -> list[str]:
    """ctrl+p, `typed`; the hits listed once `first` leads them."""
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: bool(pilot.app.screen.query(OptionList)), "the palette")
    await pilot.press(*typed)
    results = pilot.app.screen.query_one(OptionList)

    def hits() -> list[str]:
        return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]

    await wait_until(pilot, lambda: bool(hits()) and hits()[0].startswith(first),
                     f"{first} first in the palette")
    return hits()


async def _form_from_palette(pilot: Pilot[Any], typed: str, name: str) -> DriverCommandScreen:
    listed = await _palette_hits(pilot, typed, name)
    names = [hit.split("\n")[0] for hit in listed]  # each hit: name, then its help
    assert not any(n.startswith(("ACCESS_REG", "QUERY_", "SET_HCA")) for n in names), names
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DriverCommandScreen)
                     and pilot.app.screen.command.name == name, f"the {name} form")
    form = pilot.app.screen
    assert isinstance(form, DriverCommandScreen)
    return form


async def _send_acknowledged(pilot: Pilot[Any]) -> None:
    """Tick the taint acknowledgement of the preview on screen and send."""
    preview = pilot.app.screen
    assert isinstance(preview, DriverPreviewScreen)
    send = preview.query_one("#driver-preview-send", Button)
    assert send.disabled  # until the acknowledgement is ticked
    preview.query_one("#driver-preview-ack", Checkbox).value = True
    await wait_until(pilot, lambda: not send.disabled, "Send enabled by the tick")
    send.press()
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DriverResultScreen),
                     "the result")


async def test_cxl_palette_opens_driver_forms_and_history_resends_through_preview(
        tmp_path: Path) -> None:
    app = make_app(tmp_path, host=cxl_host(persistent=False))  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_device(pilot)
        await _ready_catalogue(pilot)
        form = await _form_from_palette(pilot, "set feature", "SET_FEATURE")
        form.query_one("#driver-field-feature", Input).value = MOCK_FEATURE
        form.query_one("#driver-field-data", Input).value = "01020304"
        await pilot.press("ctrl+j")
        await wait_until(pilot, lambda: isinstance(app.screen, DriverPreviewScreen),
                         "the Set Feature preview")
        assert "CONFIG_CHANGE_COLD_RESET" in shown(app)  # built with the device's features
        await _send_acknowledged(pilot)
        session = app.workspace.session
        assert session is not None and len(session.history) == 1

        await pilot.press("f2")  # the history re-sends the record through the preview
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history")
        await pilot.press("ctrl+j")
        await wait_until(pilot, lambda: isinstance(app.screen, DriverPreviewScreen),
                         "the re-send's preview")
        said = shown(app)
        assert "SET_FEATURE" in said and "DEBUG_WRITE" in said
        # the first send tainted the simulated kernel: the preview says so, as mlx5's does
        assert fact_shown(app, "Taint") == (
            "this scope taints, but the simulated kernel is already tainted with "
            "TAINT_FWCTL ('J'): nothing new is set (the flag stays until reboot)")
        await _send_acknowledged(pilot)
        assert "SET_FEATURE" in shown(app) and "OK" in shown(app)
        first, again = session.history
        assert (again.command, again.request, again.scope) == (
            first.command, first.request, first.scope)
        assert again.meta["driver"] == "cxl" and not again.errno

        await pilot.press("f3")  # from the device list the palette still opens cxl forms
        await settle(pilot)
        await _form_from_palette(pilot, "get_feature", "GET_FEATURE")
        assert any(isinstance(s, DriverCatalogueScreen) for s in app.screen_stack)


def _entries_file(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"entries": entries}))
    return path


async def _import(pilot: Pilot[Any], path: Path) -> None:
    await pilot.press("i")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PathPrompt), "the prompt")
    pilot.app.screen.query_one(Input).value = str(path)
    await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, PathPrompt),
                     "the prompt closed")


async def test_pds_import_entries_and_resend_an_entry_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book_dir = tmp_path / "entries"
    monkeypatch.setenv("FWCTL_TUI_PDS_ENTRIES_DIR", str(book_dir))
    bad = _entries_file(tmp_path / "bad.json", [
        {"name": "identity", "endpoint": 1, "operation": 1},
        {"name": "counters", "endpoint": 1, "operation": -2}])
    good = _entries_file(tmp_path / "good.json", [
        {"name": "identity", "endpoint": 1, "operation": 1, "response_len": 64,
         "summary": "firmware identity string"},
        {"name": "counters", "endpoint": 1, "operation": 2, "scope": "DEBUG_READ_ONLY",
         "response_len": 16}])
    app = make_app(tmp_path, device="sim:pds")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        catalogue = await _ready_catalogue(pilot)
        assert "0 saved entries" in shown(app)
        await _import(pilot, bad)
        await wait_until(pilot, lambda: bool(messages(app)), "the refusal")
        said = " ".join(messages(app))
        assert "entries not imported" in said
        assert "entries[1] (counters).operation" in said and "-2" in said
        assert not book_dir.exists()  # nothing saved from a bad file

        await _import(pilot, good)
        await wait_until(pilot, lambda: catalogue.context_ready
                         and "2 saved entries" in shown(app), "the entries listed")
        assert "entries imported" in " ".join(messages(app))
        listed = shown(app)
        assert "identity" in listed and "counters" in listed

        # the palette lists the saved entries too; a sent entry re-sends from the history
        form = await _form_from_palette(pilot, "counters", "counters")
        assert form.query_one("#driver-field-op", Input).value == "0x2"
        await pilot.press("ctrl+j")
        await wait_until(pilot, lambda: isinstance(app.screen, DriverPreviewScreen),
                         "the entry's preview")
        await pilot.press("enter")  # a read: Send has the focus
        await wait_until(pilot, lambda: isinstance(app.screen, DriverResultScreen),
                         "the entry's result")
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history")
        await pilot.press("ctrl+j")
        await wait_until(pilot, lambda: isinstance(app.screen, DriverPreviewScreen),
                         "the re-send's preview")
        said = shown(app)
        assert "DEBUG_READ_ONLY" in said and "0x2" in said
        assert fact_shown(app, "Taint").startswith("no: this scope does not taint")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DriverResultScreen),
                         "the re-sent entry's result")
        session = app.workspace.session
        assert session is not None
        first, again = session.history
        assert again.command == first.command == "counters"
        assert again.meta["pds"]["in_payload"] == first.meta["pds"]["in_payload"]
        assert not again.errno and again.scope == first.scope

        await pilot.press("f3")  # from the device list the palette still finds the entries
        await settle(pilot)
        form = await _form_from_palette(pilot, "identity", "identity")
        assert form.query_one("#driver-field-response_len", Input).value == "64"

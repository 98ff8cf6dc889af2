"""Pilot tests for the QA pass: each asserts what the user sees on the screen.

Search and palette by full register name; a recording turned off and on again saves
one whole capture and says how many records; bad simulator names; result panes that
give the tree its room and never cut a value; 80x24 fit; tab order of the form; the
save prompt; the copied CLI line; the form's hex while a field is invalid.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static
from ui_support import (
    make_app,
    messages,
    open_command,
    open_first_device,
    paos_write_form,
    read_current,
    send_from_form,
    settle,
)

from fwctl_tui.screens.catalogue import CatalogueScreen
from fwctl_tui.screens.command import CommandScreen
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.prompt import PathPrompt
from fwctl_tui.screens.result import ResultScreen
from fwctl_tui.widgets.decoded_tree import DecodedTree, format_value
from fwctl_tui.widgets.hex_view import HexView


def screen_text(app: Any) -> list[str]:
    """The terminal as the user sees it, one string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def whole_lines_of(hex_view: HexView) -> bool:
    """Every hex line (offset, bytes and the |ascii| column) fits in the pane."""
    per_line = hex_view.bytes_per_line
    line = 8 + 2 + per_line * 3 + 1 + per_line + 2
    return line <= hex_view.size.width - hex_view.styles.scrollbar_size_vertical


# --- 1. search and palette find a register by its full displayed name ------------------

@pytest.mark.parametrize(("typed", "name"), [("ACCESS_REG:PAOS", "ACCESS_REG:PAOS"),
                                             ("access_reg:ppcnt", "ACCESS_REG:PPCNT")])
async def test_catalogue_search_finds_the_full_register_name(tmp_path: Path, typed: str,
                                                             name: str) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await pilot.press("slash", *typed)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        option_list = screen.query_one(OptionList)
        highlighted = option_list.get_option_at_index(option_list.highlighted or 0)
        assert highlighted.id == name, "the exact name is the best hit"
        details = str(screen.query_one("#catalogue-detail-text", Static).render())
        assert "Nothing matches" not in details
        assert any(name in row for row in screen_text(app))


async def test_palette_finds_the_full_register_name_first(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        for typed, name in (("access_reg:ppcnt", "ACCESS_REG:PPCNT"),
                            ("ACCESS_REG:PAOS", "ACCESS_REG:PAOS")):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*typed)
            await pilot.pause(0.3)
            await settle(pilot)
            results = app.screen.query_one(OptionList)
            assert results.option_count >= 1, f"No matches found for {typed}"
            first = str(results.get_option_at_index(0).prompt)
            assert first.startswith(name), first
            await pilot.press("escape")
            await settle(pilot)


# --- 3. recording off then on again: one capture, and the toast counts it -----------

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


async def test_recording_off_and_on_again_keeps_one_capture(tmp_path: Path,
                                                             pinned_time: None) -> None:
    app = make_app(tmp_path, capture=tmp_path / "session.jsonl")
    async with app.run_test(size=(120, 36)) as pilot:
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


async def test_save_says_what_ran_while_recording_was_off(tmp_path: Path,
                                                          pinned_time: None) -> None:
    app = make_app(tmp_path, capture=tmp_path / "session.jsonl")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await send_query(pilot)
        await pilot.press("f4")
        await send_query(pilot)  # not recorded
        await pilot.press("f4")
        await send_query(pilot)
        saved = tmp_path / "saved.jsonl"
        await save_as(pilot, saved)
        assert [json.loads(line)["seq"] for line in saved.read_text().splitlines()[1:]] == [1, 2]
        toast = next(m for m in messages(app) if m.startswith("Capture saved"))
        assert "2 record(s)" in toast and "1 RPC(s) of this session ran while recording " \
            "was off" in toast


# --- 4. a simulator profile that does not exist ----------------------------------------

def test_simulate_unknown_profile_is_a_usage_error_before_the_tui(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fwctl_tui.__main__ import main
    from fwctl_tui.app import FwctlApp

    def never(self: Any) -> None:
        raise AssertionError("the TUI must not start")

    monkeypatch.setattr(FwctlApp, "run", never)
    assert main(["--simulate", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown simulation profile 'nope'" in err and "cx7" in err


async def test_unknown_sim_device_is_could_not_be_opened_with_the_profiles(
    tmp_path: Path
) -> None:
    app = make_app(tmp_path, device="sim:nope")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        error = app.screen
        assert isinstance(error, ErrorScreen)
        assert error.title_text == "The device could not be opened"
        assert "bf3, cx6dx, cx7" in error.happened
        shown = "\n".join(screen_text(app))
        assert "Something failed" not in shown and "report it" not in shown


# --- 5./6. result panes: the tree gets its room, values whole, everything fits ---------

async def bring_port_down(pilot: Pilot[Any]) -> ResultScreen:
    form = await paos_write_form(pilot, "1")
    form.query_one("#f-register_data_admin_status", Select).value = 2
    await settle(pilot)
    await pilot.press("ctrl+j")
    await settle(pilot)
    await pilot.click("#preview-send")
    await settle(pilot)
    result = pilot.app.screen
    assert isinstance(result, ResultScreen)
    return result


async def test_result_at_120_columns_shows_values_whole(tmp_path: Path,
                                                        pinned_time: None) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        result = await bring_port_down(pilot)
        tree, hex_view = result.query_one(DecodedTree), result.query_one(HexView)
        shown = "\n".join(screen_text(app))
        assert "admin_status = down_by_configuration (2)" in shown
        assert "…" not in shown
        assert tree.size.width >= tree.widest_label()
        assert hex_view.bytes_per_line in (8, 16) and whole_lines_of(hex_view)


def test_a_name_gives_way_but_never_the_value() -> None:
    class Leaf:
        name, value, label = "physical_state_status", 2, "down_by_configuration"

    text = format_value(Leaf(), max_width=30).plain
    assert text.endswith(" = down_by_configuration (2)") and "…" in text
    tiny = format_value(Leaf(), max_width=10).plain
    assert tiny.endswith(" = down_by_configuration (2)"), "the value keeps both spellings"


async def test_80x24_result_shows_the_whole_syndrome_and_whole_hex_lines(
    tmp_path: Path, pinned_time: None
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        app.screen.query_one("#f-register_data_local_port").value = "9"  # no such port
        await settle(pilot)
        await pilot.press("ctrl+j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        shown = " ".join(row.strip() for row in screen_text(app))
        assert "syndrome 0xa54a6d45" in shown and "undocumented values." in shown
        assert whole_lines_of(app.screen.query_one(HexView))
        assert "|.....JmE........|" in shown, "the ASCII column is there"


async def test_80x24_capture_browser_shows_whole_hex_lines(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_device(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one(Input).value = str(
            Path(__file__).parents[2] / "captures" / "01-bring-up.jsonl")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("down", "x")  # at 80 columns the tree has the width; x: the hex
        await settle(pilot)
        hex_view = app.screen.query_one(HexView)
        assert hex_view.bytes_per_line == 8 and whole_lines_of(hex_view)
        assert any("|MCX75520|" in row for row in screen_text(app))


# --- 7. the op_mod select is in the tab order, next to the fields -----------------------

async def test_op_mod_select_is_reached_with_tab_and_shift_tab(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        assert app.focused is not None and app.focused.id == "f-register_data_swid"
        await pilot.press("shift+tab")
        assert isinstance(app.focused, Select) and app.focused.id == "command-opmod"
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "f-register_data_swid"
        await pilot.press("shift+tab", "enter", "up", "enter")  # keyboard only: write
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CommandScreen) and screen.op_mod == 0
        assert "write" in str(screen.query_one("#command-scope", Static).render())


# --- 8. the save prompt: title once, its own footer --------------------------------------

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


# --- 9. the copied CLI line holds what the user set, not every field read back -----------

async def test_copied_cli_line_after_read_current_holds_only_what_matters(
    tmp_path: Path, pinned_time: None
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        form = await paos_write_form(pilot, "1")
        await read_current(pilot)
        form.query_one("#f-register_data_admin_status", Select).value = 2
        await settle(pilot)
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.click("#preview-send")
        await settle(pilot)
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("y")
        await pilot.pause()
        line = copied[0]
        assert "op_mod=write" in line and "register_data.local_port=1" in line
        assert "register_data.admin_status=2" in line and "register_data.ase=1" in line
        for untouched in ("logical_state_status", "oper_status", "swid", "sleep_cap"):
            assert untouched not in line, line


# --- 10. the form's hex while a field is invalid ----------------------------------------

async def test_invalid_field_dims_the_hex_and_names_the_field(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        form = app.screen
        hex_view = form.query_one("#request-hex", HexView)
        form.query_one("#f-register_data_local_port").value = "1999"
        await settle(pilot)
        assert hex_view.dimmed
        shown = "\n".join(screen_text(app))
        assert "NOT VALID: local_port" in shown
        assert "local_port: out of range 0..255" in shown
        form.query_one("#f-register_data_local_port").value = "1"
        await settle(pilot)
        assert not hex_view.dimmed
        shown = "\n".join(screen_text(app))
        assert "input · 32 B" in shown and "NOT VALID" not in shown

"""Pilot tests of the UX audit fixes: truthful previews, layouts that fit 80x24, key
hints that follow the keymap, help for every control, search everywhere, safe exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Button, Checkbox, OptionList, Select, Static
from ui_support import make_app, open_command, open_first_device, open_preview, open_result, settle

from fwctl_tui.screens.catalogue import CatalogueScreen
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.help import HelpScreen
from fwctl_tui.screens.history import HistoryScreen
from fwctl_tui.screens.palette import CatalogueCommands
from fwctl_tui.screens.preview import PreviewScreen
from fwctl_tui.screens.result import ResultScreen
from fwctl_tui.uapi import Scope
from fwctl_tui.widgets.decoded_tree import DecodedTree
from fwctl_tui.widgets.hex_view import HexView


def visible(widget: Any) -> bool:
    """Wholly inside the screen and inside every scrolling ancestor's viewport."""
    region = widget.region
    return bool(region) and widget.screen.region.contains_region(region) and all(
        ancestor.region.contains_region(region) for ancestor in widget.ancestors
        if hasattr(ancestor, "region") and ancestor is not widget.app)


def help_body(app: Any) -> str:
    return "\n".join(str(s.content) for s in app.screen.query(Static))


async def test_simulated_taint_preview_is_consistent(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        preview = await open_preview(pilot, "set_diagnostic", "SET_DIAGNOSTIC_PARAMS")
        facts = dict(preview.preview.facts())
        assert "the simulated kernel would be tainted" in facts["Taint"]
        assert "this machine is untouched" in facts["Taint"]
        assert "no effect on the running kernel" in facts["Effect"]
        label = str(preview.query_one(Checkbox).label)
        assert label == "I understand this would taint the kernel (simulated here)"


async def test_full_scope_preview_keeps_its_buttons_in_view_at_80x24(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        preview = await open_preview(pilot, "set_diagnostic", "SET_DIAGNOSTIC_PARAMS")
        preview.query_one("#preview-scope", Select).value = Scope.DEBUG_WRITE_FULL
        await settle(pilot)
        cancel = preview.query_one("#preview-cancel", Button)
        assert app.focused is cancel
        for widget in (cancel, preview.query_one("#preview-send"), preview.query_one(Checkbox)):
            assert visible(widget), f"{widget.id} is below the fold"


async def test_narrow_result_stacks_the_tree_over_the_hex(tmp_path: Path,
                                                         pinned_time: None) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_result(pilot, "query_hca", "QUERY_HCA_CAP")
        result = app.screen
        assert isinstance(result, ResultScreen)
        tree, hex_view = result.query_one(DecodedTree), result.query_one(HexView)
        assert tree.size.width >= 70, "the tree gets the whole width"
        assert hex_view.region.y >= tree.region.bottom, "the hex sits under the tree"
        assert hex_view.bytes_per_line == 16
        assert tree.virtual_size.width <= tree.size.width, "no value scrolled off"
        await pilot.press("x")
        await pilot.pause()
        assert not hex_view.display
        await pilot.press("x")
        await pilot.pause()
        assert hex_view.display


async def test_long_field_names_give_way_to_their_values(tmp_path: Path,
                                                         pinned_time: None) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_result(pilot, "query_hca", "QUERY_HCA_CAP")
        tree = app.screen.query_one(DecodedTree)
        assert tree.virtual_size.width <= tree.size.width
        shown = [tree.render_label(line.node, tree.rich_style, tree.rich_style).plain
                 for line in tree._tree_lines]
        long = next(s for s in shown if s.startswith("shared_obj"))
        # at 120 columns the tree gets the room its labels need: nothing is shortened
        assert long == "shared_object_to_user_object_allowed = 1", long
        assert not any("…" in s for s in shown)


async def test_stale_highlight_never_replaces_nothing_matches(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        option_list = screen.query_one(OptionList)
        stale = option_list.get_option_at_index(1)  # a row of the unfiltered list
        await pilot.press("slash", "z", "z")
        await pilot.pause()
        assert screen.found == []
        # a highlight queued before the list was replaced arrives late
        screen.post_message(OptionList.OptionHighlighted(option_list, stale, 1))
        await pilot.pause()
        details = str(screen.query_one("#catalogue-detail-text", Static).content)
        assert details.startswith("Nothing matches 'zz'")


async def test_palette_finds_opcodes_register_ids_and_fields(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        provider = CatalogueCommands(app.screen)
        for query, name in (("0x805", "ACCESS_REG"), ("0x5006", "ACCESS_REG:PAOS"),
                            ("admin_status", "ACCESS_REG:PAOS"), ("paos", "ACCESS_REG:PAOS")):
            hits = [hit async for hit in provider.search(query)]
            assert name in [hit.text for hit in hits], query
            assert all(0 < hit.score <= 1 for hit in hits)


async def test_copied_cli_line_of_a_tainting_send_says_yes(tmp_path: Path,
                                                           pinned_time: None) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_preview(pilot, "set_diagnostic", "SET_DIAGNOSTIC_PARAMS")
        app.screen.query_one(Checkbox).value = True
        await pilot.pause()
        await pilot.click("#preview-send")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("y")
        await pilot.pause()
        assert copied[0].endswith("SET_DIAGNOSTIC_PARAMS --yes"), copied[0]


async def test_resend_starts_at_the_least_scope(tmp_path: Path, pinned_time: None) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_preview(pilot, "query_hca", "QUERY_HCA_CAP")
        app.screen.query_one("#preview-scope", Select).value = Scope.DEBUG_READ_ONLY
        await pilot.pause()
        await pilot.click("#preview-send")
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("ctrl+j")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert preview.preview.scope is Scope.CONFIGURATION
        head = str(preview.query_one("#preview-head", Static).content)
        assert "first sent at DEBUG_READ_ONLY" in head and "least scope" in head


async def test_hints_follow_the_keymap_and_typos_are_reported(tmp_path: Path) -> None:
    app = make_app(tmp_path, keymap={"preview_send": "f5", "read_curent": "f6"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        problems = [str(n.message) for n in app._notifications]
        assert any("'read_curent'" in p and "read_current" in p for p in problems)
        await open_first_device(pilot)
        await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
        status = str(app.screen.query_one("#command-status", Static).content)
        assert "f5 shows the preview" in status and "ctrl+j" not in status
        await pilot.press("f5", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("f5")  # the same id re-sends from the result ...
        await pilot.pause()
        assert isinstance(app.screen, PreviewScreen)
        await pilot.press("escape", "f2")
        await pilot.pause()
        await pilot.press("f5")  # ... and from the history
        await pilot.pause()
        assert isinstance(app.screen, PreviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        body = help_body(app)
        assert "f5 re-sends it" in body or "f5 sends the same bytes" in body
        assert "ctrl+j" not in body


async def test_f1_explains_each_control(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)

        async def help_for(widget: Any, words: str) -> None:
            widget.focus()
            await pilot.pause()
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert words in help_body(app), words
            await pilot.press("escape")
            await pilot.pause()

        await help_for(app.screen.query_one("#device-table"), "Device table")
        await help_for(app.screen.query_one("#device-details"), "uid is the firmware")
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        form = app.screen
        await help_for(form.query_one("#command-opmod"), "which variant of the command")
        await help_for(form.query_one("#command-read"), "reads the register first")
        await help_for(form.query_one("#command-send"), "consequence preview")
        await help_for(form.query_one("#f-register_data_admin_status"),
                       "Requested (administrative) state")
        await help_for(form.query_one("#f-register_data_ase"), "admin state update enable")
        form.query_one("#f-register_data_admin_status").focus()
        await pilot.pause()
        status = str(form.query_one("#command-status", Static).content)
        assert "admin_status" in status and "down_by_configuration (2)" in status
        await pilot.press("ctrl+j")
        await pilot.pause()
        await help_for(app.screen.query_one("#preview-scope"), "The privilege level")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await help_for(app.screen.query_one("#history-table"), "History table")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+t")  # raw hex: a 2-byte request the kernel refuses
        await pilot.pause()
        app.screen.query_one("#command-raw").value = "0b 22"
        await pilot.pause()
        await pilot.press("ctrl+j")
        await pilot.pause()
        await pilot.click("#preview-send")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        await pilot.press("f1")  # F1 works inside dialogs too
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "errno" in help_body(app) and "syndrome" in help_body(app)
        await pilot.press("f1")  # and F1 again closes it
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_exports_never_overwrite_each_other(tmp_path: Path, pinned_time: None) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_result(pilot, "query_hca", "QUERY_HCA_CAP")
        await pilot.press("j", "j")  # same command, same (pinned) send time
        await pilot.pause()
        exports = sorted(p.name for p in (tmp_path / "exports").glob("QUERY_HCA_CAP-*.json"))
        assert exports == ["QUERY_HCA_CAP-20260101T120000.000Z-2.json",
                           "QUERY_HCA_CAP-20260101T120000.000Z.json"]

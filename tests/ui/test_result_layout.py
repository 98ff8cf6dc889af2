"""The result screen's layout: the tree gets its room and values are never cut, the
hex keeps whole lines, and at 80x24 the tree stacks over the hex."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select
from ui_support import (
    make_app,
    open_command,
    open_first_device,
    open_result,
    paos_write_form,
    screen_text,
    settle,
)

from fwctl_tui.screens.result import ResultScreen
from fwctl_tui.widgets.decoded_tree import DecodedTree, format_value
from fwctl_tui.widgets.hex_view import HexView


def tree_lines(tree: DecodedTree) -> list[Any]:
    """The tree's nodes in display order: each expanded node's children, depth first."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        found.append(node)
        if node.is_expanded:
            for child in node.children:
                walk(child)

    if tree.show_root:
        walk(tree.root)
    else:
        for child in tree.root.children:
            walk(child)
    return found


def whole_lines_of(hex_view: HexView) -> bool:
    """Every hex line (offset, bytes and the |ascii| column) fits in the pane."""
    per_line = hex_view.bytes_per_line
    line = 8 + 2 + per_line * 3 + 1 + per_line + 2
    return line <= hex_view.size.width - hex_view.styles.scrollbar_size_vertical


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


async def test_result_at_120_columns_shows_values_whole(tmp_path: Path) -> None:
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
    class Leaf:  # a decoded enum leaf, as the tree's TreeField protocol sees one
        name, value, label = "physical_state_status", 2, "down_by_configuration"
        kind, children = "enum", ()

    text = format_value(Leaf(), max_width=30).plain
    assert text.endswith(" = down_by_configuration (2)") and "…" in text
    tiny = format_value(Leaf(), max_width=10).plain
    assert tiny.endswith(" = down_by_configuration (2)"), "the value keeps both spellings"


async def test_80x24_result_shows_the_whole_syndrome_and_whole_hex_lines(
    tmp_path: Path
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


async def test_narrow_result_stacks_the_tree_over_the_hex(tmp_path: Path) -> None:
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


async def test_long_field_names_give_way_to_their_values(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_result(pilot, "query_hca", "QUERY_HCA_CAP")
        tree = app.screen.query_one(DecodedTree)
        assert tree.virtual_size.width <= tree.size.width
        shown = [tree.render_label(node, tree.rich_style, tree.rich_style).plain
                 for node in tree_lines(tree)]
        long = next(s for s in shown if s.startswith("shared_obj"))
        # at 120 columns the tree gets the room its labels need: nothing is shortened
        assert long == "shared_object_to_user_object_allowed = 1", long
        assert not any("…" in s for s in shown)

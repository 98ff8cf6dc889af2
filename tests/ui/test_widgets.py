"""Widget tests: the hex view over a 2 MiB reply, long arrays in the tree, form parsing."""

from __future__ import annotations

from textual.app import App, ComposeResult

from fwctl_tui.widgets.command_form import parse_field
from fwctl_tui.widgets.decoded_tree import CHUNK, DecodedTree, chain_to
from fwctl_tui.widgets.hex_view import HexView

TWO_MIB = 2 * 1024 * 1024


class HexApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.moved: list[int] = []

    def compose(self) -> ComposeResult:
        yield HexView(bytes(range(256)) * (TWO_MIB // 256), id="hex")

    def on_hex_view_cursor_moved(self, message: HexView.CursorMoved) -> None:
        self.moved.append(message.offset)


async def test_hex_view_handles_a_2_mib_reply() -> None:
    app = HexApp()
    async with app.run_test(size=(100, 30)) as pilot:
        hex_view = app.query_one(HexView)
        hex_view.focus()
        await pilot.pause()
        assert hex_view.bytes_per_line == 16
        assert hex_view.virtual_size.height == TWO_MIB // 16
        await pilot.press("end")
        await pilot.pause()
        assert hex_view.cursor == TWO_MIB - 1
        assert app.moved[-1] == TWO_MIB - 1
        assert hex_view.scroll_offset.y > TWO_MIB // 16 - 40, "scrolled to the last line"
        line = hex_view.render_line(hex_view.size.height - 1)
        assert line.text.startswith(f"{TWO_MIB - 16:08x}")
        await pilot.press("home", "pagedown")
        await pilot.pause()
        assert hex_view.cursor > 0
        hex_view.highlight_bits(8 * 0x100000 + 4, 12)
        await pilot.pause()
        assert hex_view.highlighted_bytes == (0x100000, 0x100002)


async def test_hex_view_narrow_uses_8_bytes_per_line() -> None:
    app = HexApp()
    async with app.run_test(size=(50, 20)) as pilot:
        await pilot.pause()
        hex_view = app.query_one(HexView)
        assert hex_view.bytes_per_line == 8
        assert hex_view.virtual_size.height == TWO_MIB // 8


def test_form_parsing_validates_inline() -> None:
    class Spec:
        path, width, choices, min, max = "x", 4, {"up": 1, "down": 2}, 0, 15

    assert parse_field(Spec, "") == (None, None)
    assert parse_field(Spec, "0x0c") == (12, None)
    assert parse_field(Spec, "DOWN") == (2, None)
    assert parse_field(Spec, "16")[1] == "out of range 0..15 (4 bits)"
    assert "not a number" in (parse_field(Spec, "fast")[1] or "")


class FakeNode:
    """The decoder Node's shape, enough for the tree: offsets, widths, children."""

    def __init__(self, name: str, bit: int, width: int, value: int | None = None,
                 children: list[FakeNode] | None = None, kind: str = "int") -> None:
        self.name, self.path, self.bit_offset, self.width_bits = name, name, bit, width
        self.kind = kind
        self.value, self.label, self.doc, self.missing = value, None, None, False
        self.children = children or []


def big_reply(count: int) -> tuple[FakeNode, list[FakeNode]]:
    elements = [FakeNode(f"[{i}]", 128 + 32 * i, 32, i) for i in range(count)]
    counters = FakeNode("counters", 128, 32 * count, children=elements, kind="array")
    root = FakeNode("reply", 0, 128 + 32 * count,
                    children=[FakeNode("status", 0, 8, 0), FakeNode("syndrome", 32, 32, 0),
                              counters])
    return root, elements


class TreeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DecodedTree(id="tree")


async def test_long_arrays_are_chunked_and_still_reachable_from_the_hex() -> None:
    root, elements = big_reply(10_000)
    assert chain_to(root, elements[5000])[-1] is elements[5000]
    app = TreeApp()
    async with app.run_test(size=(100, 30)) as pilot:
        tree = app.query_one(DecodedTree)
        tree.show(root, "reply")
        await pilot.pause()
        counters = tree.root.children[2]
        assert len(counters.children) == -(-10_000 // CHUNK), "slices, not 10k rows"
        assert str(counters.children[1].label) == f"[{CHUNK}..{2 * CHUNK - 1}]"
        tree.select_field(elements[5000])
        await pilot.pause()
        await pilot.pause()
        assert tree.cursor_node is not None and tree.cursor_node.data is elements[5000]

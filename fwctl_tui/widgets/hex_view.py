"""HexView: a line-API scroll view over a byte buffer, with a byte cursor and a highlight.

A 2 MiB reply is 131072 lines of hex: mounting a widget per line (or a DataTable) would
take seconds and megabytes, so this renders only the visible lines on demand and keeps
the rendered strips in an LRU cache keyed by everything that changes their look. The
highlight is a bit range (what a decoded field covers) so the tree and the form can
light up exactly the bytes a field lives in; moving the cursor posts CursorMoved so the
owner can select the field that covers it. The view never interprets the bytes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

WIDE_BYTES_PER_LINE = 16
NARROW_BYTES_PER_LINE = 8
TINY_BYTES_PER_LINE = 4  # a pane too narrow for 8: still whole lines, ASCII included
OFFSET_DIGITS = 8


def _line_width(per_line: int) -> int:
    """offset + gap + 'xx ' per byte + group gap + '|ascii|'."""
    return OFFSET_DIGITS + 2 + per_line * 3 + 1 + per_line + 2


def pane_width(per_line: int, scrollbar: int = 2) -> int:
    """Cells a HexView (without border) needs to show `per_line` bytes a line whole,
    beside its vertical scrollbar: what a screen sizes the pane to."""
    return _line_width(per_line) + scrollbar


class HexView(ScrollView, can_focus=True):
    """Scrollable hex + ASCII dump with a movable byte cursor and a highlighted bit range."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-16)", "Up", show=False, id="hex_up", tooltip="Previous line"),
        Binding("down", "move(16)", "Down", show=False, id="hex_down", tooltip="Next line"),
        Binding("left", "move(-1)", "Left", show=False, id="hex_left", tooltip="Previous byte"),
        Binding("right", "move(1)", "Right", show=False, id="hex_right", tooltip="Next byte"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="hex_pgup", tooltip="Page up"),
        Binding("pagedown", "page(1)", "Page dn", show=False, id="hex_pgdn", tooltip="Page down"),
        Binding("home", "jump(0)", "Start", show=False, id="hex_home", tooltip="First byte"),
        Binding("end", "jump(-1)", "End", show=False, id="hex_end", tooltip="Last byte"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "hex-view--offset",
        "hex-view--ascii",
        "hex-view--highlight",
        "hex-view--cursor",
        "hex-view--zero",
    }
    DEFAULT_CSS = """
    HexView { background: $surface; }
    HexView > .hex-view--offset { color: $text-muted; }
    HexView > .hex-view--ascii { color: $text-muted; }
    HexView > .hex-view--zero { color: $text-disabled; }
    HexView > .hex-view--highlight { background: $accent 40%; color: $text; }
    HexView > .hex-view--cursor { background: $primary; color: $text; text-style: bold; }
    """

    HELP = (
        "Hex view\n\nThe raw bytes, exactly as they crossed the ioctl: offset on the left, "
        "then the bytes in hex (two digits each), then the same bytes as text where "
        "printable. mlx5 fields are big-endian and bit-packed, so one byte can hold several "
        "small fields and a 32-bit number reads left to right. Arrows, PgUp/PgDn, Home/End "
        "move the byte cursor; the field that covers it is selected in the decoded tree, "
        "and the selected field's bytes are highlighted here."
    )

    cursor: reactive[int] = reactive(0, init=False)

    class CursorMoved(Message):
        """The byte cursor moved; `bit` is the first (most significant) bit of that byte."""

        def __init__(self, hex_view: HexView, offset: int) -> None:
            super().__init__()
            self.hex_view = hex_view
            self.offset = offset

        @property
        def bit(self) -> int:
            return self.offset * 8

        @property
        def control(self) -> HexView:
            return self.hex_view

    def __init__(
        self,
        data: bytes = b"",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._data = bytes(data)
        self._highlight: tuple[int, int] | None = None  # byte range [start, end)
        self._per_line = WIDE_BYTES_PER_LINE
        self._cache: LRUCache[tuple[int, int, int, int, int, int], Strip] = LRUCache(1024)
        self._generation = 0
        self._dimmed = False

    # --- state set by the owner (attributes down) ------------------------------------

    @property
    def data(self) -> bytes:
        return self._data

    def set_data(self, data: bytes) -> None:
        """Show a new buffer; the cursor goes back to byte 0."""
        self._data = bytes(data)
        self._highlight = None
        self._invalidate()
        self.set_reactive(HexView.cursor, 0)
        self._update_virtual_size()
        self.scroll_to(0, 0, animate=False)

    def set_dimmed(self, dimmed: bool) -> None:
        """Grey the bytes out: the owner says they no longer stand for what is being
        edited (a form field is invalid), without throwing away what was there."""
        if dimmed != self._dimmed:
            self._dimmed = dimmed
            self._invalidate()

    @property
    def dimmed(self) -> bool:
        return self._dimmed

    def highlight_bits(self, bit_offset: int | None, width_bits: int = 0) -> None:
        """Light up the bytes covering bits [bit_offset, bit_offset + width_bits)."""
        if bit_offset is None or width_bits <= 0:
            self._highlight = None
        else:
            start = bit_offset // 8
            end = max(start + 1, -(-(bit_offset + width_bits) // 8))
            self._highlight = (start, end)
            self._scroll_to_byte(start)
        self._invalidate()

    @property
    def bytes_per_line(self) -> int:
        return self._per_line

    @property
    def highlighted_bytes(self) -> tuple[int, int] | None:
        return self._highlight

    # --- geometry ----------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return max(1, -(-len(self._data) // self._per_line))

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(_line_width(self._per_line), self.line_count)

    def on_resize(self, event: events.Resize) -> None:
        # the vertical scrollbar takes its cells from the same width: 16, else 8, else 4
        # bytes a line, the most whose whole line (ASCII column included) fits beside it
        room = event.size.width - self.styles.scrollbar_size_vertical
        per_line = next((n for n in (WIDE_BYTES_PER_LINE, NARROW_BYTES_PER_LINE)
                         if room >= _line_width(n)), TINY_BYTES_PER_LINE)
        if per_line != self._per_line:
            self._per_line = per_line
            self._invalidate()
        self._update_virtual_size()

    def on_mount(self) -> None:
        self._update_virtual_size()

    def on_focus(self) -> None:
        self._invalidate()

    def on_blur(self) -> None:
        self._invalidate()

    def _invalidate(self) -> None:
        self._generation += 1
        self._cache.clear()
        self.refresh()

    def _scroll_to_byte(self, offset: int) -> None:
        line = offset // self._per_line
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if line < top:
            self.scroll_to(y=line, animate=False)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False)

    # --- cursor ------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()  # the cursor is part of the cache key: no need to drop the cache
        self._scroll_to_byte(new)
        self.post_message(self.CursorMoved(self, new))

    def move_cursor(self, offset: int) -> None:
        if self._data:
            self.cursor = max(0, min(len(self._data) - 1, offset))

    def action_move(self, delta: int) -> None:
        step = delta if abs(delta) == 1 else (self._per_line if delta > 0 else -self._per_line)
        self.move_cursor(self.cursor + step)

    def action_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height) * self._per_line
        self.move_cursor(self.cursor + direction * page)

    def action_jump(self, where: int) -> None:
        self.move_cursor(len(self._data) - 1 if where < 0 else where)

    def on_click(self, event: events.Click) -> None:
        offset = self._byte_at(event.x + int(self.scroll_offset.x), event.y)
        if offset is not None:
            self.move_cursor(offset)

    def _byte_at(self, x: int, y: int) -> int | None:
        line = int(self.scroll_offset.y) + y
        hex_start = OFFSET_DIGITS + 2
        column = x - hex_start
        half = self._per_line // 2
        if column >= half * 3:
            column -= 1
        index = column // 3
        if column < 0 or not 0 <= index < self._per_line:
            return None
        offset = line * self._per_line + index
        return offset if offset < len(self._data) else None

    # --- rendering ---------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = int(scroll_y) + y
        width = self.size.width
        base = self.rich_style + (Style(dim=True) if self._dimmed else Style())
        if line >= self.line_count:
            return Strip.blank(width, base)
        key = (line, self._generation, self._per_line, self.cursor, int(scroll_x), width)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        strip = self._render_hex_line(line, base)
        strip = strip.crop_extend(int(scroll_x), int(scroll_x) + width, base)
        self._cache[key] = strip
        return strip

    def _render_hex_line(self, line: int, base: Style) -> Strip:
        per_line = self._per_line
        start = line * per_line
        chunk = self._data[start : start + per_line]
        offset_style = base + self.get_component_rich_style("hex-view--offset")
        ascii_style = base + self.get_component_rich_style("hex-view--ascii")
        zero_style = base + self.get_component_rich_style("hex-view--zero")
        mark = base + self.get_component_rich_style("hex-view--highlight")
        cursor = base + self.get_component_rich_style("hex-view--cursor")
        lo, hi = self._highlight or (-1, -1)
        has_focus = self.has_focus
        if self._dimmed:  # no cursor or highlight on bytes that are not current
            mark = cursor = base
            lo = hi = -1

        def style_for(index: int, plain: Style) -> Style:
            if index == self.cursor and (has_focus or self._highlight is None):
                return cursor
            if lo <= index < hi:
                return mark
            return plain

        segments = [Segment(f"{start:0{OFFSET_DIGITS}x}  ", offset_style)]
        for i in range(per_line):
            if i == per_line // 2:
                segments.append(Segment(" ", base))
            if i < len(chunk):
                byte = chunk[i]
                plain = zero_style if byte == 0 else base
                segments.append(Segment(f"{byte:02x}", style_for(start + i, plain)))
                segments.append(Segment(" ", mark if lo <= start + i < hi - 1 else base))
            else:
                segments.append(Segment("   ", base))
        segments.append(Segment("|", ascii_style))
        for i, byte in enumerate(chunk):
            char = chr(byte) if 0x20 <= byte < 0x7F else "."
            segments.append(Segment(char, style_for(start + i, ascii_style)))
        segments.append(Segment(" " * (per_line - len(chunk)) + "|", ascii_style))
        return Strip(segments)

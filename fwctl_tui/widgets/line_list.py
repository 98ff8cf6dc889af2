"""LineList: a keyboard-driven list whose rows are rendered on demand (toolong's line API).

Only visible rows are rendered, through an LRU cache, so a list over a 100k-record capture
scrolls as fast as a 10-row one and never mounts a widget per row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LineList(ScrollView, can_focus=True):
    """A keyboard-driven list whose rows are rendered on demand by `row_text(row)`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, id="list_up", tooltip="Previous row"),
        Binding("down", "move(1)", "Down", show=False, id="list_down", tooltip="Next row"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list_pgup", tooltip="Page up"),
        Binding("pagedown", "page(1)", "Page dn", show=False, id="list_pgdn",
                tooltip="Page down"),
        Binding("home", "jump(0)", "First", show=False, id="list_home", tooltip="First row"),
        Binding("end", "jump(-1)", "Last", show=False, id="list_end", tooltip="Last row"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-list--cursor"}
    DEFAULT_CSS = """
    LineList { background: $surface; }
    LineList > .line-list--cursor { background: $accent 40%; text-style: bold; }
    LineList:focus > .line-list--cursor { background: $accent; }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to `row` (a position in the list, not a record index)."""

        def __init__(self, line_list: LineList, row: int) -> None:
            super().__init__()
            self.line_list = line_list
            self.row = row

        @property
        def control(self) -> LineList:
            return self.line_list

    def __init__(self, row_text: Callable[[int], Text], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._row_text = row_text
        self._count = 0
        self._cache: LRUCache[tuple[int, bool, int], Strip] = LRUCache(512)

    @property
    def count(self) -> int:
        return self._count

    def row_text(self, row: int) -> Text:
        """Row `row` as the list shows it (before cutting to the width)."""
        return self._row_text(row)

    def set_count(self, count: int) -> None:
        """New content: reset the cache and the cursor."""
        self._count = count
        self._cache.clear()
        self.virtual_size = Size(0, count)  # rows are cut to the width: no sideways scroll
        self.scroll_to(0, 0, animate=False)
        self.cursor = 0

    def refresh_rows(self) -> None:
        """The rows' text changed (not their number): render them again."""
        self._cache.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.size.width
        if row >= self._count:
            return Strip.blank(width, self.rich_style)
        selected = row == self.cursor
        key = (row, selected, width)
        cached = self._cache.get(key)
        if cached is None:
            style = self.get_component_rich_style("line-list--cursor") if selected else None
            text = self._row_text(row)
            text.truncate(width, pad=True)
            segments = list(text.render(self.app.console))
            if style is not None:
                segments = list(Segment.apply_style(segments, post_style=style))
            cached = Strip(segments, width).simplify()
            self._cache[key] = cached
        return cached.apply_style(self.rich_style)

    def watch_cursor(self, old: int, new: int) -> None:
        if self._count == 0:
            return
        top, height = self.scroll_offset.y, max(1, self.size.height)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)
        self.refresh()
        self.post_message(self.Highlighted(self, new))

    def on_click(self, event: events.Click) -> None:
        row = self.scroll_offset.y + event.y
        if 0 <= row < self._count:
            self.cursor = row

    def action_move(self, delta: int) -> None:
        if self._count:
            self.cursor = max(0, min(self._count - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.size.height - 1))

    def action_jump(self, where: int) -> None:
        if self._count:
            self.cursor = where % self._count

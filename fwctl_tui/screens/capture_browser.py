"""CaptureBrowserScreen: a capture's header, a filterable record list, one record decoded.

The record list is a line-API view over the capture's offsets: only visible rows are
parsed and rendered (an LRU cache keeps them), so a 100k-record capture scrolls as fast
as a 10-record one and never mounts a widget per record. Filtering runs in a thread
worker over the file and hands back the matching indices. The selected record shows as
the shared decoded tree and hex view (reply by default, `r` for the request).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Input, Static

from fwctl_tui.captures import decoding
from fwctl_tui.captures.format import CaptureError
from fwctl_tui.captures.loader import Capture, RecordItem, load_capture, outcome_text, parse_filter
from fwctl_tui.errors import explain
from fwctl_tui.textsafe import printable
from fwctl_tui.widgets.decoded_tree import DecodedTree
from fwctl_tui.widgets.device_bar import DeviceBar
from fwctl_tui.widgets.hex_view import HexView

LARGE_PAYLOAD = 256 * 1024  # bigger records get their tree prepared in a worker thread
SCOPE_LABELS = {"CONFIGURATION": "CONFIG", "DEBUG_READ_ONLY": "READ", "DEBUG_WRITE": "WRITE",
                "DEBUG_WRITE_FULL": "FULL"}


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

    def set_count(self, count: int) -> None:
        """New content: reset the cache and the cursor."""
        self._count = count
        self._cache.clear()
        self.virtual_size = Size(0, count)  # rows are cut to the width: no sideways scroll
        self.scroll_to(0, 0, animate=False)
        self.cursor = 0

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


class CaptureBrowserScreen(Screen[None]):
    """Browse one capture file: header, filter, record list, decoded record."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="capture_back", tooltip="Close the capture"),
        Binding("slash", "focus_filter", "Filter", id="capture_filter",
                tooltip="Filter records: command= status= scope= since= until= or words"),
        Binding("r", "toggle_side", "Request/reply", id="capture_side",
                tooltip="Show the request or the reply of the selected record"),
        Binding("l", "focus_list", "List", id="capture_list", tooltip="Back to the record list"),
    ]
    DEFAULT_CSS = """
    CaptureBrowserScreen #capture-header { height: auto; padding: 0 1; background: $panel; }
    CaptureBrowserScreen #capture-filter { height: 3; }
    CaptureBrowserScreen #capture-records { width: 68; border: round $primary; }
    CaptureBrowserScreen #capture-detail { width: 1fr; }
    CaptureBrowserScreen #capture-tree { height: 1fr; border: round $secondary; }
    CaptureBrowserScreen #capture-hex { height: 1fr; border: round $secondary; }
    CaptureBrowserScreen #capture-status { height: 1; padding: 0 1; color: $text-muted; }
    /* narrow: the list on top at full width, the record under it (tree | hex, 8 B/line) */
    CaptureBrowserScreen.-narrow #capture-body { layout: vertical; }
    CaptureBrowserScreen.-narrow #capture-records { width: 1fr; height: 2fr; }
    CaptureBrowserScreen.-narrow #capture-detail { height: 3fr; layout: horizontal; }
    CaptureBrowserScreen.-narrow #capture-tree { width: 1fr; }
    CaptureBrowserScreen.-narrow #capture-hex { width: 49; }
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.capture: Capture | None = None
        self.rows: Sequence[int] = range(0)
        self.show_request = False
        self.current: RecordItem | None = None
        self.tree_title = ""  # which record/side the tree shows (or is being prepared for)

    def compose(self) -> ComposeResult:
        yield DeviceBar()
        yield Static(Text(printable(f"Opening {self.path} ...")), id="capture-header")
        yield Input(placeholder="filter: command=PPCNT status=OK scope=1 since=... or words",
                    id="capture-filter")
        with Horizontal(id="capture-body"):
            yield LineList(self._row_text, id="capture-records")
            with Vertical(id="capture-detail"):
                yield DecodedTree("record", id="capture-tree")
                yield HexView(id="capture-hex")
        yield Static(Text(""), id="capture-status")
        yield Footer()

    def on_mount(self) -> None:
        records = self.query_one("#capture-records", LineList)
        records.border_title = "records"
        try:
            self.capture = load_capture(self.path)
        except (OSError, CaptureError) as err:
            self.query_one("#capture-header", Static).update(
                Text(printable(f"Cannot open capture: {err}"), style="bold red"))
            return
        self.query_one("#capture-header", Static).update(self._header_text())
        self._show_rows(range(len(self.capture)), "")
        records.focus()

    def on_unmount(self) -> None:
        if self.capture is not None:
            self.capture.close()

    # -- header and rows -------------------------------------------------------------
    def _header_text(self) -> Text:
        assert self.capture is not None
        info = self.capture.describe()
        text = Text()
        text.append(printable(self.path.name), style="bold")
        text.append(printable(f"  {info['records']} records · {info['device']} ({info['kind']}, "
                              f"{info['device_type']}, fw {info['firmware_version']}) · kernel "
                              f"{info['kernel_release']} · {info['created_at']}"))
        if info["redacted"]:
            text.append("  REDACTED", style="bold yellow")
        for problem in info["problems"]:
            text.append(f"\n⚠ {printable(problem)}", style="yellow")
        return text

    def _row_text(self, row: int) -> Text:
        if self.capture is None or row >= len(self.rows):
            return Text("")
        item = self.capture.record(self.rows[row])
        ex = item.exchange
        if ex is None:
            reason = item.error.reason if item.error else "unreadable"
            return Text(printable(f"{item.seq:>6}  line {item.line}: {reason}"), style="red")
        time_text = printable(str((item.raw or {}).get("time") or "")[11:23])
        outcome = outcome_text(ex)
        scope = SCOPE_LABELS.get(ex.scope.name, ex.scope.name)
        line = Text(f"{item.seq:>5} {time_text:<12} {scope:<6} {printable(ex.command):<25} ")
        line.append(outcome.removesuffix("_ERR"), style="green" if outcome == "OK" else "bold red")
        return line

    def _show_rows(self, rows: Sequence[int], filter_text: str) -> None:
        self.rows = rows
        records = self.query_one("#capture-records", LineList)
        total = len(self.capture) if self.capture is not None else 0
        records.border_title = (f"records {len(rows)}/{total}" if filter_text
                                else f"records {total}")
        records.set_count(len(rows))
        if not rows:
            self._show_item(None)

    # -- filter ----------------------------------------------------------------------
    @on(Input.Submitted, "#capture-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if self.capture is None:
            return
        text = event.value.strip()
        if not text:
            self._show_rows(range(len(self.capture)), "")
            self.query_one("#capture-records", LineList).focus()
            return
        try:
            record_filter = parse_filter(text)
        except CaptureError as err:
            self._status(Text(str(err), style="bold red"))
            return
        self._status(Text(f"filtering: {text} ..."))
        self._run_filter(record_filter, text)

    class Filtered(Message):
        """The filter worker's result: record indices matching `text`."""

        def __init__(self, rows: list[int], text: str) -> None:
            super().__init__()
            self.rows = rows
            self.text = text

    @work(thread=True, exclusive=True, exit_on_error=False, group="capture-filter")
    def _run_filter(self, record_filter: Any, text: str) -> None:
        assert self.capture is not None
        rows = [item.index for item in self.capture.iter_records() if record_filter.matches(item)]
        self.post_message(self.Filtered(rows, text))

    def on_capture_browser_screen_filtered(self, event: Filtered) -> None:
        self._show_rows(event.rows, event.text)
        self._status(Text(f"{len(event.rows)} records match {event.text!r}"))
        self.query_one("#capture-records", LineList).focus()

    # -- selection -------------------------------------------------------------------
    @on(LineList.Highlighted, "#capture-records")
    def _record_highlighted(self, event: LineList.Highlighted) -> None:
        if self.capture is not None and event.row < len(self.rows):
            self._show_item(self.capture.record(self.rows[event.row]))

    def _show_item(self, item: RecordItem | None) -> None:
        self.current = item
        tree = self.query_one("#capture-tree", DecodedTree)
        hex_view = self.query_one("#capture-hex", HexView)
        if item is None or item.exchange is None:
            tree.show(None, "no record" if item is None else f"line {item.line}: broken record")
            hex_view.set_data(item.text.encode() if item is not None else b"")
            if item is not None and item.error is not None:
                self._status(Text(str(item.error), style="red"))
            return
        ex = item.exchange
        decoded = decoding.decode(ex)
        side = "request" if self.show_request or ex.reply is None else "reply"
        data = ex.request if side == "request" else ex.reply or b""
        node = decoded.input if side == "request" else decoded.output
        root = decoding.Capped(node) if node is not None else None
        title = printable(f"#{item.seq} {ex.command} {side} · {len(data)} B · "
                          f"{ex.duration_ns / 1e6:.2f} ms · {outcome_text(ex)}")
        self.tree_title = title
        if root is not None and len(data) > LARGE_PAYLOAD:
            tree.show(None, f"{title} · decoding…")
            self._prepare_tree(root, title)
        else:
            tree.show(root, title)
        tree.border_title = Text(title)  # capture files are untrusted: never markup
        hex_view.set_data(data)
        hex_view.border_title = f"{side} hex"
        line = decoding.summary(ex, decoded)  # damage flags (⚠ short reply ...) first
        if decoded.error and decoded.error not in line:
            line = f"{line} · {decoded.error}" if line else decoded.error
        status = Text(line, style="yellow" if line.startswith("⚠") else "")
        if ex.errno:
            why = explain(ex.errno)
            status = Text(f"{why.name}: {why.meaning}", style="red")
            if ex.detail:
                status.append(f" ({ex.detail})")
        self._status(status)

    class TreeReady(Message):
        """A large record's top levels are decoded: the tree can be shown without a stall."""

        def __init__(self, root: Any, title: str) -> None:
            super().__init__()
            self.root = root
            self.title = title

    @work(thread=True, exclusive=True, exit_on_error=False, group="capture-tree")
    def _prepare_tree(self, root: Any, title: str) -> None:
        for child in root.children:  # the levels DecodedTree shows at once
            for grandchild in child.children:
                _ = grandchild.children
        self.post_message(self.TreeReady(root, title))

    def on_capture_browser_screen_tree_ready(self, event: TreeReady) -> None:
        if event.title == self.tree_title:  # still the record on screen
            self.query_one("#capture-tree", DecodedTree).show(event.root, event.title)

    @on(DecodedTree.FieldHighlighted, "#capture-tree")
    def _field_highlighted(self, event: DecodedTree.FieldHighlighted) -> None:
        node = event.node
        self.query_one("#capture-hex", HexView).highlight_bits(
            getattr(node, "bit_offset", None), getattr(node, "width_bits", 0))

    def _status(self, text: Text) -> None:
        """Show `text` (it quotes the capture: reasons, details, summaries) escaped."""
        safe = printable(text.plain)
        self.query_one("#capture-status", Static).update(
            text if safe == text.plain else Text(safe, style=text.style))

    # -- actions ---------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss(None)

    def action_focus_filter(self) -> None:
        self.query_one("#capture-filter", Input).focus()

    def action_focus_list(self) -> None:
        self.query_one("#capture-records", LineList).focus()

    def action_toggle_side(self) -> None:
        self.show_request = not self.show_request
        self._show_item(self.current)

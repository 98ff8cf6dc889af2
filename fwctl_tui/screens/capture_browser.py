"""CaptureBrowserScreen: a capture's header, a filterable record list, one record decoded.

The record list is a line-API view over the capture's offsets: only visible rows are
parsed and rendered (an LRU cache keeps them), so a 100k-record capture scrolls as fast
as a 10-record one and never mounts a widget per record. Filtering runs in a thread
worker over the file and hands back the matching indices. The selected record shows as
the shared decoded tree and hex view (reply by default, `r` for the request).

Opening reads the whole file (indexing 100k records takes a few hundred ms) and scans it
for findings: both run in one thread worker, so the screen paints at once with a
"reading ..." state and stays responsive; the record list appears when the index is
ready, the findings when the scan is.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from fwctl_tui.capture_analysis import decoding, listing
from fwctl_tui.capture_analysis.content_filter import Query, parse_query
from fwctl_tui.capture_analysis.filters import outcome_text
from fwctl_tui.capture_analysis.findings import Findings, analyse
from fwctl_tui.captures.format import CaptureError
from fwctl_tui.captures.loader import Capture, RecordItem, load_capture
from fwctl_tui.errors import explain
from fwctl_tui.syndrome_source import syndromes_for
from fwctl_tui.textsafe import printable
from fwctl_tui.widgets.capped_tree import Capped
from fwctl_tui.widgets.decoded_tree import DecodedTree
from fwctl_tui.widgets.device_bar import DeviceBar
from fwctl_tui.widgets.findings_list import FindingsList
from fwctl_tui.widgets.hex_view import HexView
from fwctl_tui.widgets.key_footer import KeyFooter
from fwctl_tui.widgets.line_list import LineList

LARGE_PAYLOAD = 256 * 1024  # bigger records get their tree prepared in a worker thread
SCOPE_LABELS = {"CONFIGURATION": "CONFIG", "DEBUG_READ_ONLY": "READ", "DEBUG_WRITE": "WRITE",
                "DEBUG_WRITE_FULL": "FULL"}


def _position(rows: Sequence[int], index: int) -> int | None:
    """Where record `index` is in the (ascending) shown rows, or None when filtered out."""
    row = bisect.bisect_left(rows, index)
    return row if row < len(rows) and rows[row] == index else None


class CaptureBrowserScreen(Screen[None]):
    """Browse one capture file: header, filter, record list, decoded record."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="capture_back", tooltip="Close the capture"),
        Binding("slash", "focus_filter", "Filter", id="capture_filter",
                tooltip="Filter records: command= status(!)= scope= since= until=, "
                "any field (down_blame=Remote_phy page_select=6 symbol_errors>0) or words"),
        Binding("r", "toggle_side", "Request/reply", id="capture_side",
                tooltip="Show the request or the reply of the selected record"),
        Binding("l", "focus_list", "List", id="capture_list", tooltip="Back to the record list"),
        Binding("f", "focus_findings", "Findings", id="capture_findings",
                tooltip="The capture's findings: Enter on one shows its record"),
        Binding("x", "toggle_hex", "Hex", id="capture_hex",
                tooltip="Show or hide the hex view beside the tree (narrow terminals)"),
        Binding("m", "mark", "Mark", id="capture_mark",
                tooltip="Mark the selected record to compare another with it (d)"),
        Binding("d", "diff_marked", "Diff marked", id="capture_diff_marked",
                tooltip="Compare the marked record with the selected one, field by field"),
    ]
    DEFAULT_CSS = """
    CaptureBrowserScreen #capture-header { height: auto; padding: 0 1; background: $panel; }
    CaptureBrowserScreen #capture-filter { height: 3; }
    CaptureBrowserScreen #capture-records { width: 72; border: round $primary; }
    CaptureBrowserScreen #capture-detail { width: 1fr; }
    CaptureBrowserScreen #capture-tree { height: 1fr; border: round $secondary; }
    CaptureBrowserScreen #capture-hex { height: 1fr; border: round $secondary; }
    CaptureBrowserScreen #capture-status { height: 1; padding: 0 1; color: $text-muted; }
    /* narrow: the list on top at full width, the record under it (tree | hex, 8 B/line) */
    CaptureBrowserScreen.-narrow #capture-body { layout: vertical; }
    CaptureBrowserScreen.-narrow #capture-records { width: 1fr; height: 1fr; }
    CaptureBrowserScreen.-narrow #capture-detail { height: 2fr; layout: horizontal; }
    CaptureBrowserScreen.-narrow #capture-tree { width: 1fr; }
    CaptureBrowserScreen.-narrow #capture-hex { width: 49; display: none; }
    /* 80x24: the tree gets the whole width (x shows the hex), the findings two lines */
    CaptureBrowserScreen.-narrow.-hex #capture-hex { display: block; }
    CaptureBrowserScreen.-narrow #capture-findings { max-height: 4; }
    CaptureBrowserScreen.-narrow #capture-filter { height: 1; border: none; padding: 0 1; }
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.capture: Capture | None = None
        self.rows: Sequence[int] = range(0)
        self.show_request = False
        self.current: RecordItem | None = None
        self.tree_title = ""  # which record/side the tree shows (or is being prepared for)
        self.findings: Findings | None = None  # once the findings worker is done
        self.marked: int | None = None  # seq of the record marked for a diff (m)
        # the opening worker hands its Capture over under this lock, so that a screen
        # closed while the file is read still closes it (on_unmount or the worker)
        self._open_lock = threading.Lock()
        self._opened: Capture | None = None
        self._unmounted = False

    def compose(self) -> ComposeResult:
        yield DeviceBar()
        yield Static(Text(printable(self._reading_text())), id="capture-header")
        yield FindingsList(id="capture-findings")
        yield Input(placeholder="filter: command=PDDR status!=OK page_select=6 "
                    "down_blame=Remote_phy symbol_errors>0 or words",
                    id="capture-filter")
        with Horizontal(id="capture-body"):
            yield LineList(self._row_text, id="capture-records")
            with Vertical(id="capture-detail"):
                yield DecodedTree("record", id="capture-tree")
                yield HexView(id="capture-hex")
        yield Static(Text(""), id="capture-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        records = self.query_one("#capture-records", LineList)
        records.border_title = "records"
        records.focus()
        self.query_one("#capture-findings", FindingsList).show_analysing()
        self._open()

    def _reading_text(self) -> str:
        """The header until the file is indexed: what is read and how much of it."""
        try:
            size = f" ({self.path.stat().st_size / 1e6:.1f} MB)"
        except OSError:
            size = ""  # the worker reports why it cannot be opened
        return f"reading {self.path}{size} …"

    class Loaded(Message):
        """The opening worker's index of the capture (the findings follow)."""

        def __init__(self, capture: Capture) -> None:
            super().__init__()
            self.capture = capture

    class OpenFailed(Message):
        """The capture cannot be opened: `error` says why."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class Analysed(Message):
        """The findings worker's result."""

        def __init__(self, findings: Findings) -> None:
            super().__init__()
            self.findings = findings

    @work(thread=True, exclusive=True, exit_on_error=False, group="capture-open")
    def _open(self) -> None:
        """Index the file, then scan it for findings. The scan reads through its own
        file handle; record() lookups take the capture's lock, so the list's reads never
        move under it. Syndromes: the simulator's table when the header says simulated."""
        try:
            capture = load_capture(self.path)
        except (OSError, CaptureError) as err:
            self.post_message(self.OpenFailed(str(err)))
            return
        with self._open_lock:
            if self._unmounted:
                capture.close()
                return
            self._opened = capture
        self.post_message(self.Loaded(capture))
        self.post_message(self.Analysed(analyse(capture, syndromes_for(capture.simulated))))

    def on_capture_browser_screen_open_failed(self, event: OpenFailed) -> None:
        self.query_one("#capture-header", Static).update(
            Text(printable(f"Cannot open capture: {event.error}"), style="bold red"))
        self.query_one("#capture-findings", FindingsList).clear_options()

    def on_capture_browser_screen_loaded(self, event: Loaded) -> None:
        self.capture = event.capture
        self.query_one("#capture-header", Static).update(self._header_text())
        self._show_rows(range(len(self.capture)), "")
        self.query_one("#capture-findings", FindingsList).show_analysing(
            f"{len(self.capture)} records")

    def on_capture_browser_screen_analysed(self, event: Analysed) -> None:
        self.findings = event.findings
        self.query_one("#capture-findings", FindingsList).show(event.findings)

    @on(FindingsList.RecordChosen)
    def _finding_chosen(self, event: FindingsList.RecordChosen) -> None:
        """Show the finding's record, clearing a filter that hides it."""
        if self.capture is None:
            return
        row = _position(self.rows, event.index)
        if row is None:
            self.query_one("#capture-filter", Input).value = ""
            self._show_rows(range(len(self.capture)), "")
            row = event.index
        records = self.query_one("#capture-records", LineList)
        records.cursor = row
        records.focus()

    def on_unmount(self) -> None:
        with self._open_lock:
            self._unmounted = True
            capture, self._opened = self._opened, None
        if capture is not None:
            capture.close()

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
        time_text = printable(str((item.raw or {}).get("time") or "")[11:19])
        outcome = outcome_text(ex)
        scope = SCOPE_LABELS.get(ex.scope.name, ex.scope.name)
        command = printable(ex.command.removeprefix("ACCESS_REG:"))
        mark = "*" if item.seq == self.marked else " "
        line = Text(f"{mark}{item.seq:>4} {time_text:<8} {scope:<6} {command:<8} ")
        line.append(outcome.removesuffix("_ERR"), style="green" if outcome == "OK" else "bold red")
        # what was asked (page, group, index) and the key result tell rows apart
        line.append(" " + printable(listing.summary(ex, limit=2, compact=True)))
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
            record_filter = parse_query(text)
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
    def _run_filter(self, record_filter: Query, text: str) -> None:
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
        root = Capped(node) if node is not None else None
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
        line = listing.summary(ex, decoded)  # damage flags (⚠ short reply ...) first
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

        def __init__(self, root: Capped, title: str) -> None:
            super().__init__()
            self.root = root
            self.title = title

    @work(thread=True, exclusive=True, exit_on_error=False, group="capture-tree")
    def _prepare_tree(self, root: Capped, title: str) -> None:
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

    def action_focus_findings(self) -> None:
        self.query_one("#capture-findings", FindingsList).focus()

    def action_focus_list(self) -> None:
        self.query_one("#capture-records", LineList).focus()

    def action_toggle_hex(self) -> None:
        self.toggle_class("-hex")

    def action_mark(self) -> None:
        item = self.current
        if item is None or item.exchange is None:
            self._status(Text("no record to mark", style="yellow"))
            return
        self.marked = item.seq
        self.query_one("#capture-records", LineList).refresh_rows()
        self._status(Text(f"marked #{item.seq}: select another answer to the same request "
                          "and press d to compare"))

    def action_diff_marked(self) -> None:
        from fwctl_tui.screens.capture_diff import CaptureDiffScreen

        item = self.current
        if self.marked is None or item is None:
            self._status(Text("mark a record first (m), then select another and press d",
                              style="yellow"))
            return
        self.app.push_screen(CaptureDiffScreen(self.path, records=(self.marked, item.seq)))

    def action_toggle_side(self) -> None:
        self.show_request = not self.show_request
        self._show_item(self.current)

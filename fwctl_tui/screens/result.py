"""One RPC's result: decoded tree beside the reply's hex, linked both ways.

Selecting a field lights up its bits in the hex; moving the hex cursor selects the
field that covers that byte (node_at_bit). The border title carries the summary a
person scans for (`QUERY_HCA_CAP · 4112 B · 0.4 ms · OK`), and the status line names
and explains the mlx5 status and syndrome. Export, copy and re-send live here.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from fwctl_tui.capture_analysis.replay import answered_text
from fwctl_tui.config import data_dir
from fwctl_tui.exchange import Exchange
from fwctl_tui.exchange_json import exchange_json
from fwctl_tui.screens import result_watch
from fwctl_tui.screens.messages import RpcRequested
from fwctl_tui.widgets.decoded_tree import DecodedTree, TreeData
from fwctl_tui.widgets.device_bar import DeviceBar
from fwctl_tui.widgets.hex_view import (
    NARROW_BYTES_PER_LINE,
    WIDE_BYTES_PER_LINE,
    HexView,
    pane_width,
)
from fwctl_tui.widgets.key_footer import KeyFooter
from fwctl_tui.widgets.watched_tree import WatchedTree
from fwctl_tui.workbench import catalogue_model, cli_line
from fwctl_tui.workbench.workspace import PlannedRpc

if TYPE_CHECKING:
    from fwctl_tui.decoders.mlx5.status import SyndromeTable
    from fwctl_tui.decoders.node import Node

HEX_BORDER = 1  # the hex pane's left border, between it and the tree


def duration_text(ns: int) -> str:
    if ns >= 1_000_000_000:
        return f"{ns / 1e9:.2f} s"
    if ns >= 1_000_000:
        return f"{ns / 1e6:.1f} ms"
    return f"{ns / 1e6:.2f} ms"


def result_title(exchange: Exchange) -> str:
    """`QUERY_HCA_CAP · 4112 B · 0.4 ms · OK`."""
    size = len(exchange.reply) if exchange.reply is not None else 0
    answered = answered_text(exchange)  # a replay device says which record answered
    return (f"{exchange.command} · {size} B · {duration_text(exchange.duration_ns)} · "
            f"{exchange.outcome()}" + (f" · from {answered}" if answered else ""))


def status_text(exchange: Exchange, syndromes: SyndromeTable | None = None) -> Text:
    """The status line: status and syndrome named and explained (with the device's own
    syndrome table, a simulated one's, when it has one), truncation noted."""
    text = Text()
    status = exchange.status
    if status is None:
        return text
    explained = catalogue_model.explain_status(status)
    text.append(f"status 0x{status:02x} {explained[0]}", style="bold green" if status == 0
                else "bold red")
    if explained[1]:
        text.append(f": {explained[1]}")
    syndrome = exchange.syndrome
    if status != 0 and syndrome is not None:
        text.append(f"\nsyndrome 0x{syndrome:08x}: ", style="bold")
        text.append(catalogue_model.explain_syndrome(exchange.opcode, syndrome, syndromes))
    if exchange.truncated:
        text.append(f"\nreply truncated: the kernel had {exchange.out_len} B, the buffer "
                    f"held {exchange.out_cap} B", style="yellow")
    return text


def export_stem(exchange: Exchange) -> str:
    """`ACCESS_REG_PAOS-20260101T120000.123Z`: command and send time to the millisecond."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", exchange.command)
    stamp = datetime.fromtimestamp(exchange.wall_time, UTC)
    return f"{safe}-{stamp:%Y%m%dT%H%M%S}.{stamp.microsecond // 1000:03d}Z"


def write_new(folder: Path, stem: str, text: str) -> Path:
    """Write `text` to a file that did not exist: `stem.json`, else `stem-2.json`, ..."""
    for number in range(1, 10_000):
        path = folder / (f"{stem}.json" if number == 1 else f"{stem}-{number}.json")
        try:
            with path.open("x", encoding="utf-8") as stream:  # never replaces a file
                stream.write(text + "\n")
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"too many exports named {stem} in {folder}")


class ResultScreen(Screen[None]):
    """Decoded reply and hex; j exports JSON, y copies the CLI line, ctrl+j re-sends."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "export_json", "Export JSON", id="export_json",
                tooltip="Write the decoded result as JSON under the data directory"),
        Binding("y", "copy_cli", "Copy CLI", id="copy_cli",
                tooltip="Copy this RPC as a `fwctl-tui send ...` command line"),
        Binding("ctrl+j", "resend", "Re-send", id="preview_send",
                tooltip="Send the same bytes again (through the preview)"),
        Binding("x", "toggle_hex", "Hex", id="toggle_hex",
                tooltip="Show or hide the hex pane (the tree gets the whole width)"),
        Binding("tab", "app.focus_next", "Tree/hex", id="switch_pane", show=False,
                tooltip="Move between the decoded tree and the hex view"),
        Binding("w", "watch", "Watch", id="watch_result",
                tooltip="Re-send every N seconds: deltas and rates in the tree (w stops)"),
        Binding("escape", "back", "Back", id="result_back", tooltip="Back to the form"),
    ]
    HELP = (
        "Result\n\nThe reply decoded field by field (name = NAMED VALUE (raw)), in engineer "
        "units where the PRM gives them ({key:raw_fields} shows the raw fields), and the "
        "same reply as bytes (beside the tree on a wide terminal, under it on a narrow "
        "one; {key:toggle_hex} hides or shows the bytes). Move in the tree and the "
        "field's bytes light up in the hex; move in the hex ({key:switch_pane} switches "
        "pane) and the field that holds that byte is selected in the tree. Long field "
        "names are shortened with … so the value always shows. The title says command, "
        "reply size, how long the firmware took, and the outcome. status 0 is OK; "
        "anything else comes with the syndrome, a code firmware uses to say exactly why, "
        "and the rest of such a reply is marked not valid (firmware wrote no data). "
        "{key:copy_value} copies a value, {key:export_json} exports JSON, {key:copy_cli} "
        "copies the command line that repeats this RPC, {key:preview_send} sends it again "
        "(through the preview)."
    )

    def __init__(self, exchange: Exchange, plan: PlannedRpc | None,
                 syndromes: SyndromeTable | None = None) -> None:
        super().__init__()
        self.exchange = exchange
        self.plan = plan
        self.syndromes = syndromes  # the device's syndrome table (a simulated one's)
        row = catalogue_model.find(exchange.command)
        self.command = row.command if row is not None else None
        self.root: Node | None = None  # the decoded reply
        self.decode_problem: str | None = None
        self.result_watch: result_watch.ResultWatch | None = None

    def compose(self) -> ComposeResult:
        yield DeviceBar()
        with Horizontal(id="result-body"):
            yield WatchedTree(id="result-tree")  # a DecodedTree that can show rates
            yield HexView(self.exchange.reply or b"", id="result-hex")
        yield Static(id="result-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        exchange = self.exchange
        body = self.query_one("#result-body")
        body.border_title = result_title(exchange)
        body.border_subtitle = f"scope {exchange.scope.name} · {len(exchange.request)} B in"
        hex_view = self.query_one(HexView)
        hex_view.border_title = "reply bytes"
        tree = self.query_one(DecodedTree)
        if self.command is not None and exchange.reply is not None:
            try:
                self.root = catalogue_model.decode_reply(
                    self.command, exchange.reply, exchange.request)
            except ValueError as err:
                self.decode_problem = f"could not decode the reply: {err}"
        tree.show(self.root, f"{exchange.command} reply")
        status = status_text(exchange, self.syndromes)
        if self.decode_problem:
            status.append(f"\n{self.decode_problem}", style="yellow")
        self.query_one("#result-status", Static).update(status)
        self._fit_panes()
        tree.focus()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_panes()

    def on_tree_node_expanded(self, event: DecodedTree.NodeExpanded[TreeData]) -> None:
        """A branch opened for the first time may hold longer labels: make room."""
        self.call_after_refresh(self._fit_panes)

    def _fit_panes(self) -> None:
        """Side by side (wide terminals), the tree gets the columns its labels need and the
        hex the rest: 16 bytes a line when that still leaves the tree its room, else 8.
        A fixed hex width used to leave the tree 37 columns at 120, shortening names
        next to an empty hex pane. Stacked (narrow), the stylesheet decides."""
        hex_view = self.query_one(HexView)
        breakpoints = {name: width for width, name in self.app.HORIZONTAL_BREAKPOINTS or []}
        if self.app.size.width < breakpoints.get("-wide", 0):
            hex_view.styles.width = None
            return
        room = self.app.size.width - 2  # inside #result-body's border
        need = self.query_one(DecodedTree).widest_label()
        wide, narrow = (pane_width(n) + HEX_BORDER
                        for n in (WIDE_BYTES_PER_LINE, NARROW_BYTES_PER_LINE))
        hex_view.styles.width = wide if room - wide >= need else narrow

    def on_decoded_tree_field_highlighted(self, event: DecodedTree.FieldHighlighted) -> None:
        node = event.node  # a decoder Node or its presented View: both know their bits
        self.query_one(HexView).highlight_bits(
            getattr(node, "bit_offset", None), getattr(node, "width_bits", 0))

    def on_hex_view_cursor_moved(self, event: HexView.CursorMoved) -> None:
        hex_view = self.query_one(HexView)
        if self.root is None or not hex_view.has_focus:
            return
        node = catalogue_model.node_at_bit(self.root, event.bit)
        if node is not None:
            self.query_one(DecodedTree).select_field(node)

    def action_export_json(self) -> None:
        exchange = self.exchange
        document = exchange_json(exchange, self.root, self.syndromes)  # send --json's shape
        # FwctlApp's data_dir (tests pin it); any other host App: the user data dir
        folder: Path = getattr(self.app, "data_dir", None) or data_dir() / "exports"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = write_new(folder, export_stem(exchange), json.dumps(document, indent=2))
        except OSError as err:
            self.notify(f"Export failed: {err}", severity="error")
            return
        self.notify(f"Decoded result written to {path}", title="exported")

    def _plan(self) -> PlannedRpc:
        return self.plan or catalogue_model.plan_from_exchange(self.exchange)

    def action_copy_cli(self) -> None:
        line = cli_line.cli_line(self.exchange.device, self._plan(), self.exchange.scope)
        self.app.copy_to_clipboard(line)
        self.notify(line, title="copied command line")

    def action_resend(self) -> None:
        self.post_message(RpcRequested(self._plan()))

    def action_toggle_hex(self) -> None:
        hex_view = self.query_one(HexView)
        hex_view.display = not hex_view.display
        if not hex_view.display and hex_view.has_focus:
            self.query_one(DecodedTree).focus()

    def action_watch(self) -> None:
        result_watch.toggle(self)

    def on_watched_reply(self, message: result_watch.WatchedReply) -> None:
        result_watch.show(self, message)

    def on_unmount(self) -> None:
        result_watch.stop(self)

    def action_back(self) -> None:
        self.app.pop_screen()

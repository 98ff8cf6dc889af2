"""CaptureDiffScreen: two captures paired record by record, changes shown field by field.

The diff is computed in a thread worker (decoding every record of both files), then the
left list holds the changed (or damaged) pairs followed by the records only one side has,
and the right panel the selected entry's fields: A, B and, for counters, delta and rate
(rates only when A and B are one capture's timeline). Lines either file could not read
are listed in the summary, so a lost record is not mistaken for one only B has.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from fwctl_tui.capture_analysis import render
from fwctl_tui.capture_analysis.diff import DiffReport, Pair, diff_captures, diff_records
from fwctl_tui.captures.format import CaptureError
from fwctl_tui.jsonvalue import JsonObject, JsonValue
from fwctl_tui.textsafe import printable
from fwctl_tui.widgets.device_bar import DeviceBar
from fwctl_tui.widgets.key_footer import KeyFooter
from fwctl_tui.widgets.line_list import LineList


def _key_text(key: JsonObject) -> str:
    index = key.get("index") or {}
    fields = " ".join(f"{k.rsplit('.', 1)[-1]}={v}" for k, v in index.items()
                      if v and k.rsplit(".", 1)[-1] not in ("register_id", "argument"))
    return f"{key['command']}" + (f" {fields}" if fields else "")


def _show(value: JsonValue, kind: str | None = None) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value[:16]).hex() + ("…" if len(value) > 16 else "")
    return render.show(value, kind)


def _labelled(value: JsonValue, label: str | None, kind: str | None) -> str:
    """The value, and beside it the enum's name for it."""
    return _show(value, kind) + (f" ({label})" if label else "")


def _common_parent(paths: list[str]) -> str:
    """The dotted parent all paths share (with its trailing dot), so rows show leaf names."""
    if not paths:
        return ""
    parts = [path.split(".")[:-1] for path in paths]
    shared: list[str] = []
    for column in zip(*parts, strict=False):
        if len(set(column)) != 1:
            break
        shared.append(column[0])
    return ".".join(shared) + "." if shared else ""


class CaptureDiffScreen(Screen[None]):
    """Compare capture A with capture B."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="diff_back", tooltip="Close the diff"),
        Binding("l", "focus_list", "List", id="diff_list", tooltip="Back to the pair list"),
        Binding("d", "focus_detail", "Details", id="diff_detail",
                tooltip="Scroll the selected pair's field changes"),
    ]
    DEFAULT_CSS = """
    CaptureDiffScreen #diff-summary { height: auto; padding: 0 1; background: $panel; }
    CaptureDiffScreen #diff-pairs { width: 2fr; border: round $primary; }
    CaptureDiffScreen #diff-detail-box { width: 3fr; border: round $secondary; }
    /* 80x24: pairs above, the change table at full width (field names unbroken) */
    CaptureDiffScreen.-narrow #diff-body { layout: vertical; }
    CaptureDiffScreen.-narrow #diff-pairs { width: 1fr; height: 6; }
    CaptureDiffScreen.-narrow #diff-detail-box { width: 1fr; height: 1fr; }
    """

    def __init__(self, path_a: Path, path_b: Path | None = None,
                 records: tuple[int, int] | None = None) -> None:
        """Capture A with capture B, or (`records`) two records of A by seq."""
        super().__init__()
        self.path_a, self.path_b = Path(path_a), Path(path_b or path_a)
        self.records = records
        self.report: DiffReport | None = None
        # ("pair", a Pair) or ("a"/"b", the brief of a record only that side has)
        self.entries: list[tuple[str, Pair | JsonObject]] = []

    def compose(self) -> ComposeResult:
        yield DeviceBar()
        yield Static(Text(printable(f"Comparing {self._sides()} ...")), id="diff-summary")
        with Horizontal(id="diff-body"):
            yield LineList(self._row_text, id="diff-pairs")
            with VerticalScroll(id="diff-detail-box"):
                yield Static(Text(""), id="diff-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#diff-pairs", LineList).border_title = "changes"
        self._compute()

    class Compared(Message):
        """The diff worker's result: the report, or why there is none."""

        def __init__(self, report: DiffReport | str) -> None:
            super().__init__()
            self.report = report

    def _sides(self) -> str:
        if self.records is not None:
            return f"#{self.records[0]} (A) with #{self.records[1]} (B) of {self.path_a.name}"
        return f"{self.path_a.name} with {self.path_b.name}"

    @work(thread=True, exclusive=True, exit_on_error=False, group="capture-diff")
    def _compute(self) -> None:
        try:
            report: DiffReport | str = (
                diff_records(self.path_a, *self.records) if self.records is not None
                else diff_captures(self.path_a, self.path_b))
        except (OSError, CaptureError, LookupError) as err:
            report = f"Cannot compare: {err}"
        self.post_message(self.Compared(report))

    def on_capture_diff_screen_compared(self, event: Compared) -> None:
        report = event.report
        summary = self.query_one("#diff-summary", Static)
        if isinstance(report, str):
            summary.update(Text(printable(report), style="bold red"))
            return
        self.report = report
        self.entries = [("pair", pair) for pair in report.pairs if pair.changes or pair.note]
        self.entries += [("a", row) for row in report.only_in_a]
        self.entries += [("b", row) for row in report.only_in_b]
        sides = (f"A {self.path_a.name} · B {self.path_b.name}" if self.records is None
                 else f"A #{self.records[0]} · B #{self.records[1]} of {self.path_a.name}")
        text = Text(
            f"{sides}: {len(report.pairs)} paired, "
            f"{len(report.changed)} changed, {len(report.only_in_a)} only in A, "
            f"{len(report.only_in_b)} only in B")
        text.append(f"\n{report.rates_note}", style="dim")
        for side in ("a", "b"):
            for problem in report.problems[side]:
                text.append(f"\n⚠ {side.upper()}: {printable(problem)}", style="yellow")
        summary.update(text)
        pairs = self.query_one("#diff-pairs", LineList)
        pairs.border_title = f"changes {len(self.entries)}"
        pairs.set_count(len(self.entries))
        pairs.focus()
        if not self.entries:
            self.query_one("#diff-detail", Static).update(
                Text("No differences: every paired record has the same fields."))

    def _row_text(self, row: int) -> Text:
        if row >= len(self.entries):
            return Text("")
        kind, value = self.entries[row]
        if isinstance(value, Pair):
            pair = value
            text = Text(f"A{pair.seq_a}/B{pair.seq_b} ")
            text.append(f"{len(pair.changes)}Δ ", style="yellow")
            if pair.note:
                text.append("⚠ ", style="bold yellow")
            return text.append(printable(_key_text(pair.key)))
        side = "only A" if kind == "a" else "only B"
        shown = f"{side}#{value['seq']} {_key_text(value['key'])} {value['outcome']}"
        return Text(printable(shown), style="magenta")

    def on_line_list_highlighted(self, event: LineList.Highlighted) -> None:
        if event.row >= len(self.entries):
            return
        kind, value = self.entries[event.row]
        detail = self.query_one("#diff-detail", Static)
        box = self.query_one("#diff-detail-box", VerticalScroll)
        if not isinstance(value, Pair):
            box.border_title = "unpaired record"
            where = "A" if kind == "a" else "B"
            text = Text(printable(f"Record #{value['seq']} of {where} ({_key_text(value['key'])}, "
                                  f"{value['outcome']}) has no counterpart in the other "
                                  "capture."))
            for problem in value.get("problems", ()):
                text.append(f"\n⚠ {printable(problem)}", style="yellow")
            detail.update(text)
            return
        pair = value
        box.border_title = Text(printable(f"A#{pair.seq_a} ↔ B#{pair.seq_b} {pair.key['command']}"))
        prefix = _common_parent([change.field for change in pair.changes])
        title = Text(prefix or "", style="dim")
        if pair.note:
            title.append(f"{chr(10) if prefix else ''}⚠ {printable(pair.note)}", style="yellow")
        table = Table(box=None, header_style="bold", expand=True, title=title,
                      title_justify="left")
        for column in ("field", "A", "B", "delta", "rate/s"):
            table.add_column(column, overflow="fold")
        for change in pair.changes:
            table.add_row(
                Text(printable(change.field.removeprefix(prefix))),
                Text(printable(_labelled(change.a, change.a_label, change.kind))),
                Text(printable(_labelled(change.b, change.b_label, change.kind))),
                Text("" if change.delta is None else f"{change.delta:+d}", style="bold"),
                Text("" if change.rate_per_s is None else f"{change.rate_per_s:.1f}"),
            )
        detail.update(table)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_focus_list(self) -> None:
        self.query_one("#diff-pairs", LineList).focus()

    def action_focus_detail(self) -> None:
        self.query_one("#diff-detail-box", VerticalScroll).focus()

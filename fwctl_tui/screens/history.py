"""The session history: every RPC sent, newest last; re-open a result or re-send it.

It lists the Session's own history (the same Exchanges the capture file records), so
what you see here is what a capture of this session will replay. Re-sending goes
through the consequence preview like any other send.
"""

from __future__ import annotations

import time
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable

from fwctl_tui.capture_analysis.replay import ANSWERED
from fwctl_tui.drivers.records import outcome as driver_outcome
from fwctl_tui.exchange import Exchange
from fwctl_tui.screens.driver_result import resend_recorded
from fwctl_tui.screens.messages import RpcRequested, ShowExchange
from fwctl_tui.screens.result import duration_text
from fwctl_tui.widgets.device_bar import DeviceBar
from fwctl_tui.widgets.key_footer import KeyFooter
from fwctl_tui.widgets.scope_badge import scope_text
from fwctl_tui.workbench import catalogue_model

COLUMNS = ("#", "Time (UTC)", "Command", "Scope", "Outcome", "Duration", "In/Out")


def history_row(number: int, exchange: Exchange) -> tuple[Text, ...]:
    stamp = time.strftime("%H:%M:%S", time.gmtime(exchange.wall_time))
    outcome = driver_outcome(exchange) or exchange.outcome()  # cxl/pds/bnxt: its words
    out = len(exchange.reply) if exchange.reply is not None else 0
    return (
        Text(str(number), style="dim"),
        Text(stamp),
        Text(exchange.command, style="bold"),
        scope_text(exchange.scope, taint_mark=False),
        _outcome(outcome, exchange),
        Text(duration_text(exchange.duration_ns)),
        Text(f"{len(exchange.request)}/{out} B"),
    )


def _outcome(outcome: str, exchange: Exchange) -> Text:
    """The outcome, and for a replay device the record that answered (`OK ← #6`)."""
    text = Text(outcome, style="green" if outcome == "OK" else "bold red")
    seq = (exchange.meta.get(ANSWERED) or {}).get("seq")  # type: ignore[attr-defined]
    if seq is not None:
        text.append(f" ← #{seq}", style="dim")
    return text


class HistoryScreen(Screen[None]):
    """Table of the session's exchanges; Enter re-opens, ctrl+j re-sends."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+j", "resend", "Re-send", id="preview_send",
                tooltip="Send the highlighted RPC again (through the preview)"),
        Binding("escape", "back", "Back", id="history_back", tooltip="Close the history"),
    ]
    HELP = (
        "History\n\nEvery RPC of this session, oldest first: when it was sent, the command, "
        "the scope it asked for, the outcome (OK, an mlx5 status, a cxl/pds/bnxt return "
        "code by name and number, or the errno the kernel returned) and how long it took. "
        "Enter re-opens a result (or explains the errno); "
        "{key:preview_send} sends the same bytes again, through the preview, which starts "
        "at the least scope the command needs and says which scope the first send used "
        "(a cxl/pds/bnxt record is rebuilt from the record and shown in its driver's "
        "preview, at the recorded scope). The capture file holds exactly these rows."
    )
    WIDGET_HELP: ClassVar[dict[str, str]] = {
        "history-table": (
            "History table\n\nOne row per RPC, newest at the bottom. # is the order of "
            "sending; Time is UTC; Scope is what was asked of the kernel; Outcome is OK, "
            "the firmware status name (e.g. BAD_PARAM_ERR: firmware refused a field), a "
            "cxl/pds/bnxt return code (e.g. FEATURESELVALUE (retval 26)) or "
            "the errno (e.g. EBADMSG: the kernel refused the command at that scope); "
            "In/Out are the request and reply sizes. Up/Down move, Enter opens the row, "
            "{key:preview_send} re-sends it."
        ),
    }

    def __init__(self, history: list[Exchange]) -> None:
        super().__init__()
        self.history = history

    def compose(self) -> ComposeResult:
        yield DeviceBar()
        table: DataTable[Text] = DataTable(id="history-table", cursor_type="row")
        yield table
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self._fill()
        table.focus()

    def on_screen_resume(self) -> None:
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for number, exchange in enumerate(self.history, 1):
            table.add_row(*history_row(number, exchange))
        table.border_title = f"history · {len(self.history)} RPCs"
        if self.history:
            table.move_cursor(row=len(self.history) - 1)

    def _current(self) -> Exchange | None:
        row = self.query_one(DataTable).cursor_row
        return self.history[row] if 0 <= row < len(self.history) else None

    @on(DataTable.RowSelected, "#history-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        exchange = self._current()
        if exchange is not None:
            self.post_message(ShowExchange(exchange))

    def action_resend(self) -> None:
        exchange = self._current()
        if exchange is not None and not resend_recorded(self.app, exchange):  # cxl/pds/bnxt
            self.post_message(RpcRequested(catalogue_model.plan_from_exchange(exchange)))

    def action_back(self) -> None:
        self.app.pop_screen()

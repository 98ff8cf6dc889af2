"""The preview of a cxl, pds or bnxt request: the only way to send one. Answers True to send.

It says what the plug-in built: the scope the kernel's driver needs for THIS request
(Built.scope), the kernel's verdict on it and what it costs (taint, CAP_SYS_RAWIO,
lockdown: policy.driver_consequence), and the plug-in's facts (the driver's rule, CXL's
effects, pds endpoint and operation). The verdict, cost, acknowledgement, hint and
button words are consequence.py's, the mlx5 preview's own, and so is the escalation: a
read sends on Enter, a write or a refusal focuses Cancel, a tainting scope needs the
acknowledgement ticked. Escape always cancels.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from fwctl_tui.consequence import (
    ACK_HELP,
    CANCEL_HELP,
    HELP_TAIL,
    SEND_HELP,
    Confirm,
    Consequence,
)
from fwctl_tui.drivers import Built
from fwctl_tui.screens.preview import add_fact_rows
from fwctl_tui.textsafe import printable
from fwctl_tui.widgets.scope_badge import scope_text


def preview_table(built: Built, device: str, said: Consequence) -> Table:
    """Command, device, scope, the kernel's verdict and its cost (worded as the mlx5
    preview words them), then every fact the plug-in stated."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    cmd = built.command
    table.add_row(Text("Command"), Text(printable(f"{cmd.name}: {cmd.summary}")))
    table.add_row(Text("Device"), Text(printable(device)))
    table.add_row(Text("Scope"), scope_text(built.scope))
    add_fact_rows(table, said.rows(), said)
    table.add_row(Text("Request"), Text(f"{len(built.request)} B, reply buffer "
                                        f"{built.out_len} B"))
    for key, value in built.facts.items():
        table.add_row(Text(printable(key.replace("_", " "))), Text(printable(str(value))))
    return table


class DriverPreviewScreen(ModalScreen[bool]):
    """What the plug-in built, what it costs; Send or Cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="driver_preview_cancel",
                tooltip="Close the preview: nothing is sent"),
    ]
    WIDGET_HELP: ClassVar[dict[str, str]] = {
        "driver-preview-ack": ACK_HELP,
        "driver-preview-send": SEND_HELP,
        "driver-preview-cancel": CANCEL_HELP,
    }
    HELP = (
        "Preview\n\nNothing has been sent yet. This window says what will be sent, what "
        "the kernel will do with it (accept it, or refuse it with which errno and why) and "
        "what it costs. Scope is the least the kernel's driver accepts for this request "
        "(for a CXL Set Feature it follows from the feature's effects; for pds it is the "
        "scope you gave the operation). DEBUG_WRITE and above taint the running kernel "
        "(TAINT_FWCTL, letter J) until reboot; DEBUG_WRITE_FULL also needs CAP_SYS_RAWIO. "
        + HELP_TAIL
    )

    def __init__(self, built: Built, device: str, said: Consequence) -> None:
        super().__init__()
        self.built = built
        self.device = device
        self.said = said  # the kernel's verdict on `built` and its cost, on this kernel

    DEFAULT_CSS = """
    #driver-preview-dialog { height: 90%; }
    #driver-preview-facts { height: 1fr; }
    #driver-preview-actions { dock: bottom; height: auto; background: $surface; }
    #driver-preview-buttons { height: auto; align-horizontal: right; }
    #driver-preview-buttons Button { margin-left: 2; }
    """

    def compose(self) -> ComposeResult:
        # the facts scroll; the acknowledgement and the buttons stay in view at 80x24
        with Vertical(id="driver-preview-dialog", classes="dialog"):
            with VerticalScroll(id="driver-preview-facts"):
                yield Static(preview_table(self.built, self.device, self.said))
            with Vertical(id="driver-preview-actions"):
                yield Checkbox(self.said.ack_label, id="driver-preview-ack")
                with Horizontal(id="driver-preview-buttons"):
                    yield Button("Send", id="driver-preview-send", variant="warning")
                    yield Button("Cancel", id="driver-preview-cancel", variant="primary")
                yield Static(id="driver-preview-hint")

    def on_mount(self) -> None:
        self.query_one("#driver-preview-dialog").border_title = "Preview before sending"
        confirm = self.said.confirm
        needs_ack = confirm is Confirm.ACKNOWLEDGE
        self.query_one("#driver-preview-ack", Checkbox).display = needs_ack
        send = self.query_one("#driver-preview-send", Button)
        send.disabled = needs_ack
        send.variant = "success" if confirm is Confirm.SEND else "error"
        cancel = self.query_one("#driver-preview-cancel", Button)
        cancel.label = self.said.cancel_label
        self.query_one("#driver-preview-hint", Static).update(Text(self.said.hint, style="dim"))
        (send if confirm is Confirm.SEND else cancel).focus()

    @on(Checkbox.Changed, "#driver-preview-ack")
    def _acknowledged(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.query_one("#driver-preview-send", Button).disabled = not event.value

    @on(Button.Pressed, "#driver-preview-send")
    def _send(self, event: Button.Pressed) -> None:
        event.stop()
        if not event.button.disabled:
            self.dismiss(True)

    @on(Button.Pressed, "#driver-preview-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)

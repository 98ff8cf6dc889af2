"""The preview of a cxl, pds or bnxt request: the only way to send one. Answers True to send.

It says what the plug-in built: the scope the kernel's driver needs for THIS request
(Built.scope), what that scope costs the running kernel (taint, CAP_SYS_RAWIO), and the
plug-in's facts (the driver's rule, CXL's effects, pds endpoint and operation).
Confirmation escalates like the mlx5 preview's: a read sends on Enter, a command that
changes the device focuses Cancel, a tainting scope needs the acknowledgement ticked.
Escape always cancels.
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

from fwctl_tui.drivers import Built
from fwctl_tui.drivers.flow import scope_cost
from fwctl_tui.textsafe import printable
from fwctl_tui.uapi import TAINTING_SCOPES
from fwctl_tui.widgets.scope_badge import scope_text

ACK_LABEL = "I understand: this taints the running kernel until reboot"


def preview_table(built: Built, device: str, simulated: bool) -> Table:
    """Command, device, scope and its cost, then every fact the plug-in stated."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    cmd = built.command
    table.add_row(Text("Command"), Text(printable(f"{cmd.name}: {cmd.summary}")))
    table.add_row(Text("Device"), Text(printable(device) + (
        "  (simulated: no effect on this kernel)" if simulated else "")))
    table.add_row(Text("Scope"), scope_text(built.scope))
    taints = built.scope in TAINTING_SCOPES
    table.add_row(Text("Cost"), Text(scope_cost(built.scope),
                                     style="bold yellow" if taints else "green"))
    if cmd.is_write:
        table.add_row(Text("Changes"), Text("the device's state (a write)", style="yellow"))
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
    HELP = (
        "Preview\n\nWhat will be sent and what it costs. Scope is the least the kernel's "
        "driver accepts for this request (for a CXL Set Feature it follows from the "
        "feature's effects; for pds it is the scope you gave the operation). DEBUG_WRITE "
        "and above taint the running kernel (TAINT_FWCTL) until reboot: tick the "
        "acknowledgement before Send works. Escape cancels."
    )

    def __init__(self, built: Built, device: str, simulated: bool) -> None:
        super().__init__()
        self.built = built
        self.device = device
        self.simulated = simulated

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
                yield Static(preview_table(self.built, self.device, self.simulated))
            with Vertical(id="driver-preview-actions"):
                yield Checkbox(ACK_LABEL, id="driver-preview-ack")
                with Horizontal(id="driver-preview-buttons"):
                    yield Button("Send", id="driver-preview-send", variant="warning")
                    yield Button("Cancel", id="driver-preview-cancel", variant="primary")
                yield Static(id="driver-preview-hint")

    def on_mount(self) -> None:
        self.query_one("#driver-preview-dialog").border_title = "Preview before sending"
        taints = self.built.scope in TAINTING_SCOPES
        ack = self.query_one("#driver-preview-ack", Checkbox)
        ack.display = taints
        send = self.query_one("#driver-preview-send", Button)
        send.disabled = taints
        careful = taints or self.built.command.is_write
        send.variant = "error" if careful else "success"
        hint = ("Enter cancels (the default) · tick the acknowledgement (space), then Send"
                if taints else "Enter cancels: Cancel is the default · Tab to Send, then "
                "Enter, to send" if careful else "Enter sends (Send has the focus) · Escape "
                "cancels")
        self.query_one("#driver-preview-hint", Static).update(Text(hint, style="dim"))
        (self.query_one("#driver-preview-cancel", Button) if careful else send).focus()

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

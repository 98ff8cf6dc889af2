"""The error modal: what happened, and what to do about it, in two plain paragraphs.

Every failure the user must notice (an errno, a vanished device, a worker exception)
ends here, so the wording is always "what happened" then "what to do". Escape or Enter
closes it; there is nothing to confirm.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ErrorScreen(ModalScreen[None]):
    """A titled modal with 'What happened' and 'What to do'."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="close_error", tooltip="Close this message"),
    ]
    HELP = (
        "Error\n\nSomething did not work. The first paragraph says what happened, the "
        "second what you can do. There are two kinds of failure. An errno (EBADMSG, EPERM, "
        "ENODEV, ENOMSG ...) comes from the kernel: the RPC was refused or the device is "
        "gone, and firmware never saw it; the scope you chose in the preview is the usual "
        "cause (EBADMSG: not allowed at that scope; EPERM: CAP_SYS_RAWIO missing). A "
        "status (BAD_PARAM_ERR, BAD_OP_ERR ...) comes from firmware: it received the "
        "command and refused a field; the syndrome is firmware's code for which check "
        "failed. Either way the attempt is in the history ({key:history}) and the capture. "
        "Escape or Enter closes this message; nothing was changed by closing it."
    )

    def __init__(self, title: str, happened: str, todo: str) -> None:
        super().__init__()
        self.title_text = title
        self.happened = happened
        self.todo = todo

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog"):
            yield Static(Text(self.title_text, style="bold"), id="error-title")
            yield Static(Text("What happened", style="bold underline"))
            yield Static(Text(self.happened), id="error-happened")
            yield Static(Text("What to do", style="bold underline"))
            yield Static(Text(self.todo), id="error-todo")
            yield Button("Close", id="error-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#error-dialog").border_title = "Error"
        self.query_one(Button).focus()

    @on(Button.Pressed, "#error-close")
    def _close(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

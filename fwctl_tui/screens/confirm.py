"""A yes/no question for actions that cannot be undone (overwrite a file, create folders).

Cancel has the focus, so Enter on a question read too quickly does nothing harmful;
escape cancels. Returns True only when the confirming button is pressed.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    """`question` with a confirming button labelled `confirm` and a focused Cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_confirm",
                tooltip="Do nothing and close this question"),
    ]
    HELP = (
        "Confirm\n\nThis asks before doing something that cannot be undone, such as "
        "replacing a file that already exists. Cancel has the focus: Enter or escape "
        "leaves everything as it is. Tab to the other button and press Enter to go ahead."
    )

    def __init__(self, title: str, question: str, confirm: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.confirm_label = confirm

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(Text(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.confirm_label, id="confirm-yes", variant="warning")
                yield Button("Cancel", id="confirm-cancel", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-dialog").border_title = self.title_text
        self.query_one("#confirm-cancel", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)

"""A one-line prompt: a file path (ctrl+o, ctrl+s) or a device name (o on the devices).

Returns the typed text, or None on escape: escape never confirms anything. The title is
said once (the border); the line under it says what the path is for. The prompt has its
own footer with the keys that work in it: the screen below would show its own keys,
cut off at the edge (`^o Op`), none of which work while the prompt waits.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static


class PathPrompt(ModalScreen[str | None]):
    """Ask for a file path; Enter accepts, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel_prompt", tooltip="Close without a path"),
    ]
    HELP = (
        "File path\n\nType a path to a capture file (a .jsonl file written by fwctl-tui). "
        "~ is your home directory. Enter accepts; escape cancels."
    )

    def __init__(self, title: str, placeholder: str, help_text: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__()
        self.prompt_title = title
        self.placeholder = placeholder
        self.help_text = help_text  # F1 here: what to type (else the class HELP)
        self.hint = hint or "Enter accepts, escape cancels."

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog", classes="dialog"):
            yield Static(self.hint, id="prompt-hint")
            yield Input(placeholder=self.placeholder, id="prompt-input")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#prompt-dialog").border_title = self.prompt_title
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)

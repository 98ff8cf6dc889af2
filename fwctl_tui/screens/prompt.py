"""A one-line prompt: a file path (ctrl+o, ctrl+s), a device name (o on the devices) or
an interval in seconds (the dashboard's and a watched result's `i`/`w`).

Returns the typed text, or None on escape: escape never confirms anything. The title is
said once (the border); the line under it says what the path is for. The prompt has its
own footer with the keys that work in it: the screen below would show its own keys,
cut off at the edge (`^o Op`), none of which work while the prompt waits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Static

from fwctl_tui.textsafe import printable
from fwctl_tui.widgets.key_footer import KeyFooter

MAX_INTERVAL_S = 3600.0


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
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#prompt-dialog").border_title = self.prompt_title
        self.query_one(Input).focus()

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_interval(screen: Widget, prompt: PathPrompt, shortest: float,
                 accept: Callable[[float], object]) -> None:
    """Push `prompt`; a number of seconds from `shortest` to an hour goes to `accept`,
    anything else is said as an error on `screen` (escape: nothing happens)."""

    def chosen(text: str | None) -> None:
        if text is None:
            return
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1.0
        if not shortest <= seconds <= MAX_INTERVAL_S:  # NaN fails this too
            screen.notify(f"Interval {printable(text)!r}: give seconds from {shortest:g} "
                          f"to {MAX_INTERVAL_S:g}.", severity="error")
            return
        accept(seconds)

    screen.app.push_screen(prompt, chosen)

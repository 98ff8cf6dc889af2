"""F1 help: what the focused thing is for, written for a trainee, plus the keys that work.

Each screen and widget carries a HELP string next to its code, so the help cannot drift
from what the widget does. The help for the nearest ancestor with a HELP is shown first,
then the screen's, then every key active here with its tooltip.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

GENERAL = (
    "Keys everywhere: F1 help, ctrl+p command palette (jump to a command, register or "
    "device), F2 history, F3 devices, F4 recording on/off, ctrl+s save the capture, "
    "ctrl+o open a capture, ctrl+q quit. Escape closes a dialog and never confirms it."
)


def help_texts(screen: Screen[object], focused: Widget | None) -> list[str]:
    """HELP of the focused widget (or its nearest helpful ancestor), then the screen's."""
    texts: list[str] = []
    node: DOMNode | None = focused
    while node is not None and node is not screen:
        text = getattr(type(node), "HELP", None)
        if isinstance(text, str):
            texts.append(text)
            break
        node = node.parent
    screen_help = getattr(type(screen), "HELP", None)
    if isinstance(screen_help, str) and screen_help not in texts:
        texts.append(screen_help)
    return texts


def keys_text(screen: Screen[object]) -> Text:
    """Active keys with their description and tooltip, one per line."""
    text = Text()
    seen: set[str] = set()
    for key, active in sorted(screen.active_bindings.items()):
        binding = active.binding
        if binding.action in seen or not binding.tooltip:
            continue
        seen.add(binding.action)
        display = screen.app.get_key_display(binding)
        text.append(f"{display:>10}  ", style="bold")
        text.append(binding.description or key)
        if binding.tooltip:
            text.append(f"  {binding.tooltip}", style="dim")
        text.append("\n")
    return text


class HelpScreen(ModalScreen[None]):
    """Help for `target` screen and its `focused` widget; escape or F1 closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1", "close", "Close", id="close_help", tooltip="Close the help"),
    ]
    HELP = "Help\n\nThis window. Escape or F1 closes it."

    def __init__(self, target: Screen[object], focused: Widget | None) -> None:
        super().__init__()
        self.target = target
        self.focused_widget = focused

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            for block in help_texts(self.target, self.focused_widget):
                title, _, body = block.partition("\n\n")
                yield Static(Text(title, style="bold"), classes="help-title")
                yield Static(Text(body))
            yield Static(Text("Keys here", style="bold"), classes="help-title")
            yield Static(keys_text(self.target))
            yield Static(Text(GENERAL, style="dim"))

    def on_mount(self) -> None:
        self.query_one("#help-dialog").border_title = "Help (escape closes)"

    def action_close(self) -> None:
        self.dismiss(None)

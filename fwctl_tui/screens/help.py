"""F1 help: what the focused thing is for, written for a trainee, plus the keys that work.

Each screen and widget carries a HELP string next to its code, so the help cannot drift
from what the widget does. Walking up from the focused widget, the first of these wins:
the screen's WIDGET_HELP for that widget's id (an op_mod Select, a button, a table), a
container's `help_for(widget)` (the command form explains the focused field), or a
class HELP. The screen's own HELP follows, then every key active here with its tooltip.
Keys inside help texts are `{key:BINDING_ID}` placeholders, so a remapped key reads right.
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

from fwctl_tui.screens.keys import key_text, with_keys
from fwctl_tui.widgets.term_links import TermLinks

GENERAL = (
    "Keys everywhere: {key:help} help, ctrl+p command palette (jump to a command, register "
    "or device by name, opcode or field), {key:history} history, {key:devices} devices, "
    "{key:toggle_recording} recording on/off, {key:save_capture} save the capture, "
    "{key:open_capture} open a capture, {key:quit} quit. Escape closes a dialog and never "
    "confirms it."
)


def _widget_help(screen: Screen[object], node: DOMNode, focused: Widget | None) -> str | None:
    by_id = getattr(type(screen), "WIDGET_HELP", None) or {}
    if node.id and node.id in by_id:
        return str(by_id[node.id])
    helper = getattr(node, "help_for", None)
    if callable(helper):
        text = helper(focused)
        if isinstance(text, str):
            return text
    text = getattr(type(node), "HELP", None)
    return text if isinstance(text, str) else None


def help_texts(screen: Screen[object], focused: Widget | None) -> list[str]:
    """Help for the focused widget (or its nearest helpful ancestor), then the screen's."""
    texts: list[str] = []
    node: DOMNode | None = focused
    while node is not None and node is not screen:
        text = _widget_help(screen, node, focused)
        if text is not None:
            texts.append(text)
            break
        node = node.parent
    screen_help = getattr(screen, "help_text", None) or getattr(type(screen), "HELP", None)
    if isinstance(screen_help, str) and screen_help not in texts:
        texts.append(screen_help)
    return [with_keys(screen.app, text) for text in texts]


def keys_text(screen: Screen[object]) -> Text:
    """Active keys with their description and tooltip, one per line."""
    text = Text()
    seen: set[str] = set()
    for key, active in sorted(screen.active_bindings.items()):
        binding = active.binding
        if binding.action in seen or not binding.tooltip:
            continue
        seen.add(binding.action)
        display = binding.key_display or key_text(key)
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
    HELP = "Help\n\nThis window. Escape or {key:help} closes it."

    def __init__(self, target: Screen[object], focused: Widget | None) -> None:
        super().__init__()
        self.target = target
        self.focused_widget = focused

    def compose(self) -> ComposeResult:
        blocks = help_texts(self.target, self.focused_widget)
        with VerticalScroll(id="help-dialog", classes="dialog"):
            for block in blocks:
                title, _, body = block.partition("\n\n")
                yield Static(Text(title, style="bold"), classes="help-title")
                yield Static(Text(body))
            keys = keys_text(self.target)
            links = TermLinks("\n".join([*blocks, keys.plain]), id="help-terms")
            if links.terms:
                yield Static(Text("Terms used here (Enter explains)", style="bold"),
                             classes="help-title")
                yield links
            yield Static(Text("Keys here", style="bold"), classes="help-title")
            yield Static(keys)
            yield Static(Text(with_keys(self.app, GENERAL), style="dim"))

    def on_mount(self) -> None:
        self.query_one("#help-dialog").border_title = "Help (escape closes)"

    def action_close(self) -> None:
        self.dismiss(None)

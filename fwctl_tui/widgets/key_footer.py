"""KeyFooter: the keys that work now, drawn as one line of text by one widget.

Textual's Footer mounts a widget per key and rebuilds them all whenever a screen says
its bindings may have changed: on every focus change, and several times while a screen
opens (profiled: ten rebuilds of 13-17 keys, each key restyled twice, most of the fixed
cost of opening the command form). Here a change of keys is a repaint of one line, and
only when what the line says changed. Built on public Textual API only (the screen's
`bindings_updated_signal` and `active_bindings`, `App.get_key_display`,
`App.simulate_key`), so a Textual upgrade cannot break it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from fwctl_tui.textsafe import printable


@dataclass(frozen=True)
class ShownKey:
    """One key as the footer shows it; `display` is the user's key (a keymap may rename it)."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str


# the keys on the left, in their places, and the command palette's key at the right
Shown = tuple[tuple[ShownKey, ...], ShownKey | None]

_BORDER = "\u258f"  # the thin bar Footer draws left of the palette key (a `vkey` border)


class KeyFooter(Widget):
    """The screen's shown keys (highlighted key, then what it does), the command palette's
    key at the right, disabled keys dimmed; clicking a key presses it."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--palette-border",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--hover {
            background: $block-hover-background;
        }
        .key-footer--palette-border {
            color: $foreground 20%;
        }
        &:hover {
            pointer: pointer;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: Shown = ((), None)
        self._pending = False  # an update is queued: the signals before it share it
        self._hovered: ShownKey | None = None
        self._places: list[tuple[int, int, ShownKey]] = []  # cells of each drawn key
        self._skipped = 0  # keys scrolled off the left (the wheel shows keys cut off)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        """Queue one update after the coming refresh, as Footer does (a screen announces
        several changes in a row while it opens; one look at the keys covers them all).
        While the terminal has lost focus the keys are left as they were, as in Footer."""
        if self._pending or not self.app.app_focus:
            return
        self._pending = True
        self.call_after_refresh(self._update_keys)

    def _update_keys(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        shown = self._keys_shown()
        if shown != self._shown:
            if len(shown[0]) <= self._skipped:
                self._skipped = 0
            self._shown = shown
            self.refresh()

    def _keys_shown(self) -> Shown:
        """The shown bindings (show=True), one key per action as Footer shows them.
        When the same keys stay, they keep their places: focusing a widget puts its
        bindings first (an opened dropdown's `esc Dismiss menu`), and a footer whose keys
        jump about is hard to read."""
        app = self.app
        active = self.screen.active_bindings
        per_action: dict[str, ShownKey] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in per_action:
                per_action[binding.action] = ShownKey(
                    binding.key, printable(app.get_key_display(binding)),
                    printable(binding.description), enabled, tooltip)
        keys = list(per_action.values())
        before = [shown.key for shown in self._shown[0]]
        if sorted(before) == sorted(shown.key for shown in keys):
            keys.sort(key=lambda shown: before.index(shown.key))
        palette = None
        palette_binding = active.get(app.COMMAND_PALETTE_BINDING)
        if app.ENABLE_COMMAND_PALETTE and palette_binding is not None:
            _node, binding, enabled, _tooltip = palette_binding
            palette = ShownKey(binding.key, printable(app.get_key_display(binding)),
                               printable(binding.description), enabled,
                               binding.tooltip or binding.description)
        return tuple(keys), palette

    def render(self) -> Text:
        keys, palette = self._shown
        line = Text(no_wrap=True, end="")
        places: list[tuple[int, int, ShownKey]] = []
        for shown in keys[self._skipped:]:
            start = line.cell_len
            self._append_key(line, shown)
            places.append((start, line.cell_len, shown))
        room = self._room()
        if line.cell_len > room:
            line.truncate(room)
            places = [(start, min(end, room), shown) for start, end, shown in places
                      if start < room]
        if palette is not None:
            line.pad_right(room - line.cell_len)
            line.append(_BORDER, self.get_component_rich_style("key-footer--palette-border"))
            start = line.cell_len
            self._append_key(line, palette, compact=True)
            places.append((start, line.cell_len, palette))
            line.append(" ")
        self._places = places
        return line

    def _room(self) -> int:
        """Cells for the keys on the left: the width less the palette's key, the bar left
        of it and the pad at the right."""
        palette = self._shown[1]
        if palette is None:
            return self.size.width
        return max(self.size.width - _width(palette, compact=True) - 2, 0)

    def _append_key(self, line: Text, shown: ShownKey, *, compact: bool = False) -> None:
        """` key ` highlighted, then `description `, as each of Footer's keys; compact
        (`key description`) for the palette's key, as Footer draws that one."""
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        if shown == self._hovered:
            hover = Style(bgcolor=self.get_component_rich_style("key-footer--hover").bgcolor)
            key_style, description_style = key_style + hover, description_style + hover
        if not shown.enabled:
            dim = Style(dim=True)
            key_style, description_style = dim + key_style, dim + description_style
        if compact:
            line.append(shown.display, key_style)
            if shown.description:
                line.append(f" {shown.description}", description_style)
        else:
            line.append(f" {shown.display} ", key_style)
            if shown.description:
                line.append(f"{shown.description} ", description_style)

    def _key_at(self, x: int) -> ShownKey | None:
        for start, end, shown in self._places:
            if start <= x < end:
                return shown
        return None

    def _hover(self, shown: ShownKey | None) -> None:
        if shown != self._hovered:
            self._hovered = shown
            self.tooltip = (shown.tooltip or None) if shown is not None else None
            self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(self._key_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._hover(None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Press the key under the pointer (a bell for a disabled one), as Footer does."""
        shown = self._key_at(event.x)
        if shown is None:
            return
        if shown.enabled:
            self.app.simulate_key(shown.key)
        else:
            self.app.bell()

    def _scroll_keys(self, step: int, event: events.MouseEvent) -> None:
        """Wheel: one key further (when keys are cut off at the right) or back, as Footer
        scrolls its keys; the wheel scrolls nothing else then."""
        skipped = self._skipped + step
        keys = self._shown[0]
        if skipped < 0 or (step > 0 and sum(
                _width(shown) for shown in keys[self._skipped:]) <= self._room()):
            return
        self._skipped = skipped
        self.refresh()
        event.stop()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._scroll_keys(1, event)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._scroll_keys(-1, event)


def _width(shown: ShownKey, *, compact: bool = False) -> int:
    """The cells `_append_key` draws for a key."""
    described = cell_len(shown.description) + 1 if shown.description else 0
    return cell_len(shown.display) + (0 if compact else 2) + described

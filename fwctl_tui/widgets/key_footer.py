"""KeyFooter: Textual's Footer, rebuilt only when the keys it shows change.

Footer rebuilds all its key widgets whenever a screen says its bindings may have
changed: on every focus change, and several times while a screen opens (profiled: ten
rebuilds of 13-17 keys, each key restyled twice, most of the fixed cost of opening the
command form). Almost always the keys are the same; then there is nothing to rebuild.
"""

from __future__ import annotations

from textual.widgets import Footer

# one shown key: key, action, description, group, enabled, tooltip, key display
KeyRow = tuple[str, str, str, object, bool, str, str]
# the command palette's key: key, description, action, tooltip, enabled, key display
PaletteKey = tuple[str, str, str, str, bool, str]
# what compose reads: bindings ready, compact, palette shown, palette enabled, keys, palette
Shown = tuple[bool, bool, bool, bool, tuple[KeyRow, ...], PaletteKey | None]


class KeyFooter(Footer):
    """A Footer that skips a rebuild when the shown keys (and their state) are unchanged."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: Shown | None = None  # what the last rebuild showed

    def _keys_shown(self) -> Shown:
        """Everything compose reads: the bindings shown (show=True), enabled, their
        tooltips, the key names (a keymap may rename them), the command palette's key
        and the footer's own switches. Hidden bindings are left out: focusing a widget
        that only brings hidden keys (an opened dropdown's list) rebuilds nothing."""
        app = self.app
        active = self.screen.active_bindings
        keys = tuple(
            (binding.key, binding.action, binding.description, binding.group, enabled,
             tooltip, app.get_key_display(binding))
            for _node, binding, enabled, tooltip in active.values() if binding.show
        )
        palette = active.get(app.COMMAND_PALETTE_BINDING)
        palette_key = None if palette is None else (
            palette[1].key, palette[1].description, palette[1].action, palette[1].tooltip,
            palette[2], app.get_key_display(palette[1]))
        return (self._bindings_ready, self.compact, self.show_command_palette,
                app.ENABLE_COMMAND_PALETTE, keys, palette_key)

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        shown = self._keys_shown()
        if shown == self._shown:
            return
        relabelled = self._relabel(shown)
        self._shown = shown
        if not relabelled:
            await super().recompose()

    def _relabel(self, shown: Shown) -> bool:
        """Update the key widgets in place when only what some keys say changed (the
        same keys, enabled alike, none grouped): an opened dropdown turns `esc Back`
        into `esc Dismiss menu`, and a rebuild would restyle every key (profiled: a
        quarter of a dropdown's opening). The keys keep their places (a rebuild would
        move the focused widget's to the front). False when a rebuild is needed."""
        old = self._shown
        if old is None or old[:4] != shown[:4] or old[5] != shown[5]:
            return False
        before = {entry[0]: entry for entry in _per_action(old[4])}
        after = {entry[0]: entry for entry in _per_action(shown[4])}
        if before.keys() != after.keys() or any(
                entry[3] is not None or (entry[4], entry[6]) != (after[key][4], after[key][6])
                or after[key][3] is not None for key, entry in before.items()):
            return False
        widgets = {getattr(key, "key", None): key for key in self.query("FooterKey")
                   if not key.has_class("-command-palette")}
        if widgets.keys() != after.keys():
            return False
        for key, now in after.items():
            if before[key] != now:
                widget = widgets[key]
                _key, action, description, _group, _enabled, tooltip, _display = now
                widget.description, widget.action = description, action  # type: ignore[attr-defined]
                widget.tooltip = tooltip or None
                widget.refresh(layout=True)
        return True


def _per_action(keys: tuple[KeyRow, ...]) -> list[KeyRow]:
    """The first binding of each action, in order: one key widget each, as Footer shows them."""
    first: dict[str, KeyRow] = {}
    for entry in keys:
        first.setdefault(entry[1], entry)
    return list(first.values())

"""KeyFooter: Textual's Footer, rebuilt only when the keys it shows change.

Footer rebuilds all its key widgets whenever a screen says its bindings may have
changed: on every focus change, and several times while a screen opens (profiled: ten
rebuilds of 13-17 keys, each key restyled twice, most of the fixed cost of opening the
command form). Almost always the keys are the same; then there is nothing to rebuild.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer


class KeyFooter(Footer):
    """A Footer that skips a rebuild when the shown keys (and their state) are unchanged."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Any, ...] | None = None  # what the last rebuild showed

    def _keys_shown(self) -> tuple[Any, ...]:
        """Everything compose reads: the bindings shown, enabled, their tooltips, the
        key names (a keymap may rename them) and the footer's own switches."""
        app = self.app
        keys = tuple(
            (binding.key, binding.action, binding.description, binding.show, binding.group, enabled,
             tooltip, app.get_key_display(binding))
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
        )
        return (self._bindings_ready, self.compact, self.show_command_palette,
                app.ENABLE_COMMAND_PALETTE, keys)

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        shown = self._keys_shown()
        if shown == self._shown:
            return
        self._shown = shown
        await super().recompose()

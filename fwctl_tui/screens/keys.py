"""Key hints built from the active keymap, so a remapped key is what every hint says.

Status lines, warnings and F1 help name keys through `{key:BINDING_ID}` placeholders
(`with_keys`) or `key_of`, which look the binding id up in the user's keymap first and
in the BINDINGS that define it second. `known_binding_ids` lists every id the app's
screens and widgets define, so a typo in the config file's [keymap] can be reported.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import format_key

_PLACEHOLDER = re.compile(r"\{key:([A-Za-z0-9_]+)\}")
_NAMED = {"enter": "Enter", "escape": "Escape", "tab": "Tab", "space": "Space",
          "backspace": "Backspace", "delete": "Delete"}
_defaults: dict[str, str] = {}

# Every module that defines bindings (imported only to list ids for the keymap check).
BINDING_MODULES = (
    "fwctl_tui.app",
    "fwctl_tui.screens.devices",
    "fwctl_tui.screens.catalogue",
    "fwctl_tui.screens.command",
    "fwctl_tui.screens.preview",
    "fwctl_tui.screens.result",
    "fwctl_tui.screens.history",
    "fwctl_tui.screens.error",
    "fwctl_tui.screens.help",
    "fwctl_tui.screens.prompt",
    "fwctl_tui.screens.confirm",
    "fwctl_tui.screens.capture_browser",
    "fwctl_tui.screens.capture_diff",
    "fwctl_tui.widgets.decoded_tree",
    "fwctl_tui.widgets.hex_view",
)


def _defined_bindings() -> dict[str, str]:
    """binding id -> default keys, over every DOMNode class imported so far."""
    found: dict[str, str] = {}
    stack: list[type] = [DOMNode]
    seen: set[type] = set()
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        stack.extend(cls.__subclasses__())
        for binding in vars(cls).get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                found.setdefault(binding.id, binding.key)
    return found


def known_binding_ids() -> set[str]:
    """Every binding id fwctl-tui defines (imports the screens that define them)."""
    for name in BINDING_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # a screen being reworked elsewhere must not hide the others
            continue
    return set(_defined_bindings())


def keymap_problems(keymap: dict[str, str]) -> list[str]:
    """One sentence per keymap entry whose binding id does not exist (a typo, usually)."""
    if not keymap:
        return []
    known = known_binding_ids()
    problems = []
    for binding_id in keymap:
        if binding_id not in known:
            close = sorted(k for k in known if k[:4] == binding_id[:4])[:3]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(f"keymap: no key binding has the id {binding_id!r}{hint}; ignored")
    return problems


def key_text(keys: str) -> str:
    """`ctrl+j`, `f5`, `/` for the first of comma-separated keys, as a person types it."""
    first = keys.split(",")[0].strip()
    *modifiers, key = first.split("+")
    return "+".join([*modifiers, _NAMED.get(key) or format_key(key)])


def key_of(app: Any, binding_id: str, default: str = "?") -> str:
    """The key that triggers `binding_id` now: the user's keymap, else the BINDINGS default."""
    keymap: dict[str, str] = getattr(app, "keymap_in_use", None) or {}
    if binding_id not in _defaults:  # a screen imported since the last look
        _defaults.update(_defined_bindings())
    keys = keymap.get(binding_id) or _defaults.get(binding_id) or default
    return key_text(keys)


def with_keys(app: Any, text: str) -> str:
    """Replace `{key:ID}` placeholders with the key that triggers binding ID right now."""
    return _PLACEHOLDER.sub(lambda match: key_of(app, match.group(1)), text)

"""Key hints built from the active keymap, so a remapped key is what every hint says.

Status lines, warnings and F1 help name keys through `{key:BINDING_ID}` placeholders
(`with_keys`) or `key_of`, which look the binding id up in the user's keymap first and
in the BINDINGS that define it second. `checked_keymap` drops keymap entries whose
binding id or key name does not exist, so a typo in the config file's [keymap] is reported
and leaves the default key bound.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, format_key

_PLACEHOLDER = re.compile(r"\{key:([A-Za-z0-9_]+)\}")
_NAMED = {"enter": "Enter", "escape": "Escape", "tab": "Tab", "space": "Space",
          "backspace": "Backspace", "delete": "Delete"}
_defaults: dict[str, str] = {}
_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}


def _printable_key_names() -> set[str]:
    """Textual's names for the printable ASCII keys: `a`, `5`, `slash`, `question_mark`."""
    names = set()
    for character in map(chr, range(0x21, 0x7F)):
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
        names.add(character if character.isalnum() else KEY_NAME_REPLACEMENTS.get(name, name))
    return names


_KEY_NAMES = (
    {key.value for key in Keys if "+" not in key.value}
    | {"space", "enter", "tab"}
    | _printable_key_names()
)

def defined_bindings() -> dict[str, str]:
    """binding id -> default keys, over every DOMNode class imported so far.

    Which classes that is, is the caller's business: the app imports every screen and
    widget before it checks a keymap (app.every_binding), so this module imports none of
    them and sits below all of them.
    """
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


def unknown_key_names(keys: str) -> list[str]:
    """The parts of `keys` (comma-separated alternatives) that name no key or modifier."""
    unknown = []
    for alternative in keys.split(","):
        *modifiers, key = alternative.strip().split("+")
        unknown += [m for m in modifiers if m not in _MODIFIERS]
        if not (len(key) == 1 or key in _KEY_NAMES):
            unknown.append(key)
    return unknown


def checked_keymap(keymap: dict[str, str],
                   known: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The entries of the user's keymap that can be bound, and one sentence per typo.

    `known` is binding id -> default keys of every binding there is (app.every_binding).
    An unknown binding id or key name leaves that binding on its default keys, because a
    typo in a config file must never leave an action with no key at all.
    """
    if not keymap:
        return {}, []
    usable: dict[str, str] = {}
    problems = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            close = sorted(k for k in known if k[:4] == binding_id[:4])[:3]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(f"keymap: no key binding has the id {binding_id!r}{hint}; ignored")
        elif bad := unknown_key_names(keys):
            names = ", ".join(repr(name) for name in bad)
            problems.append(
                f"keymap: {binding_id} = {keys!r}: {names} is not a key name; "
                f"{binding_id} keeps its default key {key_text(known[binding_id])}"
            )
        else:
            usable[binding_id] = keys
    return usable, problems


def key_text(keys: str) -> str:
    """`ctrl+j`, `f5`, `/` for the first of comma-separated keys, as a person types it."""
    first = keys.split(",")[0].strip()
    *modifiers, key = first.split("+")
    return "+".join([*modifiers, _NAMED.get(key) or format_key(key)])


def key_of(app: object, binding_id: str, default: str = "?") -> str:
    """The key that triggers `binding_id` now: the user's keymap (FwctlApp's
    keymap_in_use; any other App has none), else the BINDINGS default."""
    keymap: dict[str, str] = getattr(app, "keymap_in_use", None) or {}
    if binding_id not in _defaults:  # a screen imported since the last look
        _defaults.update(defined_bindings())
    keys = keymap.get(binding_id) or _defaults.get(binding_id) or default
    return key_text(keys)


def with_keys(app: object, text: str) -> str:
    """Replace `{key:ID}` placeholders with the key that triggers binding ID right now."""
    return _PLACEHOLDER.sub(lambda match: key_of(app, match.group(1)), text)

"""A plug-in's decoded reply (plain dicts and lists) as the node shape the decoded tree shows.

decode() of a cxl, pds or bnxt reply is JSON-able data, not a layout decode with bit
offsets; the result screen's tree shows nodes with a name, a value or children, and a
kind ("struct", "array" or a leaf), which is what this builds. A list item that names
itself (a CXL feature entry's `name`) is labelled with that name beside its index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fwctl_tui.textsafe import printable

Leaf = int | float | str | None


@dataclass(frozen=True)
class PlainNode:
    """One line of the tree: `name = value`, or a branch with children."""

    name: str
    path: str
    value: Leaf = None
    kind: str = "leaf"  # struct | array | leaf
    children: tuple[PlainNode, ...] = field(default=())


def _label(index: int, item: object) -> str:
    name = item.get("name") if isinstance(item, dict) else None
    named = name or (item.get("uuid") if isinstance(item, dict) else None)
    return f"[{index}] {printable(str(named))}" if named else f"[{index}]"


def plain_tree(name: str, value: object, path: str = "") -> PlainNode:
    """`value` (dicts, lists, numbers, text) as PlainNodes; device text is escaped."""
    if isinstance(value, dict):
        kids = tuple(plain_tree(printable(str(key)), item,
                                f"{path}.{key}" if path else str(key))
                     for key, item in value.items())
        return PlainNode(name, path, kind="struct", children=kids)
    if isinstance(value, list | tuple):
        kids = tuple(plain_tree(_label(i, item), item, f"{path}[{i}]")
                     for i, item in enumerate(value))
        return PlainNode(name, path, kind="array", children=kids)
    if isinstance(value, bool):
        return PlainNode(name, path, "true" if value else "false")
    if isinstance(value, int | float) or value is None:
        return PlainNode(name, path, value)
    return PlainNode(name, path, printable(str(value)))

"""`--json` for a presented tree: the decode JSON with meanings beside the raw values.

`view_json(present(root, is_reply=True))` is `send --json`'s `reply`, `decode --json` and
the TUI's export. The raw shape (node_to_json) is kept key for key and in order; what
present.py knows is added as sibling keys, never replacing a field of the same name.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.decoders.mlx5.shown import NOTHING
from fwctl_tui.decoders.mlx5.units import document
from fwctl_tui.decoders.node import Node, node_to_json
from fwctl_tui.decoders.present import VERSION_LAYOUT, View

_ADDS_KEYS = frozenset({"joined", "composite", "text"})  # kinds that add keys of their own


def view_json(view: View) -> Any:
    """The decode JSON (node_to_json) with meanings added beside the raw values:
    `x_label` (enum), `x_text` (strings, names, versions), `x_value` + `x_unit`
    (engineer units), `x_names` (protocol masks), `x_note` (why it stays raw), `x` for a
    joined `x_high`/`x_low`; a failed reply is its header plus `data_valid: false`."""
    if view.kind == "struct" and view._kids is not None and any(
            k.kind == "invalid" for k in view._kids):
        out: dict[str, Any] = {k.name: k.value for k in view._kids if k.kind != "invalid"}
        invalid = next(k for k in view._kids if k.kind == "invalid")
        return {**out, "data_valid": False, "not_valid": invalid.note}
    data = node_to_json(view.node)
    if view.raw:
        return data
    if isinstance(data, dict) and view.is_reply:
        data["data_valid"] = True
    _decorate(data, view)
    return data


def _decorate(data: Any, view: View) -> None:
    if isinstance(data, list):
        if not _needs_node(view.node):
            return
        for i, kid in enumerate(view.children):
            if i < len(data):
                _decorate(data[i], kid)
        return
    if not isinstance(data, dict) or not _needs_node(view.node):
        return
    joins = _only_joins(view)
    if joins is not None:  # (a counter group) what the children would add, without them
        for base, high, low, low_width in joins:
            high_value, low_value = data[high], data[low]  # an int's JSON is its value
            data.setdefault(base, high_value << low_width | low_value if isinstance(
                high_value, int) and isinstance(low_value, int) else None)
        return
    for kid in view.children:
        _annotate(data, kid)
        if kid.kind in ("struct", "union", "array") and kid.name in data:
            _decorate(data[kid.name], kid)


def _annotate(data: dict[str, Any], kid: View) -> None:
    if kid.shown is NOTHING and kid.kind not in _ADDS_KEYS and not kid.label:
        return  # a plain value (most counters): nothing to add
    extra: dict[str, Any] = {}
    name = kid.name
    if kid.kind in ("joined", "composite"):
        extra[name] = kid.value if kid.kind == "joined" else kid.shown.text
    if kid.kind == "text":
        extra[name + "_text"] = kid.shown.text
    elif kid.label and kid.kind != "union":
        extra[name + "_label"] = kid.label
    shown = kid.shown
    if kid.kind not in ("text", "composite"):
        if shown.text is not None and shown.unit is None:
            extra[name + "_text"] = shown.text
        if shown.unit is not None:
            extra[name + "_value"], extra[name + "_unit"] = shown.value, shown.unit
        if shown.names:
            extra[name + "_names"] = list(shown.names)
        if shown.note is not None:
            extra[name + "_note"] = shown.note
    for key, value in extra.items():
        data.setdefault(key, value)  # never hide a real field of that name


_JOINS: dict[str, tuple[tuple[str, str, str, int], ...] | None] = {}


def _only_joins(view: View) -> tuple[tuple[str, str, str, int], ...] | None:
    """For a struct whose layout has only plain integers (no enum, unit, nested layout),
    the one thing its children add: `x` for each `x_high`/`x_low`, as (x, high, low, low
    width). Taken once per layout from present's own children of the first such struct
    (a PPCNT counter group has 57 fields: building their Views was most of replay
    --json's time); None for any other struct."""
    node = view.node
    layout = node.layout
    if node.kind != "struct" or layout is None:
        return None
    if layout not in _JOINS:
        _JOINS[layout] = _joins_of(view, layout)
    return _JOINS[layout]


def _joins_of(view: View, layout: str) -> tuple[tuple[str, str, str, int], ...] | None:
    lset = layouts()
    if (layout not in lset or layout == VERSION_LAYOUT or document()["fields"].get(layout)
            or any(f.enum is not None or f.type or f.segments is not None
                   for f in lset[layout].fields)):
        return None
    kids = view.children
    if any(k.kind not in ("int", "joined") or k.shown is not NOTHING or k.label
           for k in kids):
        return None
    return tuple((k.name, k.parts[0].name, k.parts[1].name, k.parts[1].width_bits)
                 for k in kids if k.kind == "joined")


def _needs_node(node: Node) -> bool:
    """Whether anything under `node` can carry a meaning (else its JSON is left as is:
    a 2 MiB list of plain counters is never walked)."""
    layout = node.layout
    if node.kind == "array" and layout is None:
        return False
    return layout is None or _needs(layout)


@cache
def _needs(layout: str) -> bool:
    """Whether `layout` or a layout it nests has an enum, a unit or a split counter."""
    lset, units = layouts(), document()["fields"]
    seen, todo = {layout}, [layout]
    while todo:
        name = todo.pop()
        if name not in lset:
            return True
        for f in lset[name].fields:
            if f.enum is not None or f.name in units.get(name, {}) or f.name.endswith(
                    ("_high", "_hi")):
                return True
            nested = ([f.type] if f.type else []) + (
                list(f.segments.layout_names) if f.segments is not None else [])
            todo += [n for n in nested if n not in seen]
            seen.update(nested)
    return False

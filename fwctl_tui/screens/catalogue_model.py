"""The screens' one door into the decoders: catalogue rows, fields, encode, decode.

Screens and widgets ask this module, never the layout engine, so the data flow stays
form values -> encoder -> bytes -> device -> bytes -> decoder -> tree, and no screen
ever builds or slices bytes itself. Headless (no textual import).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from fwctl_tui.exchange import mbox_op_mod, mbox_opcode
from fwctl_tui.screens.workspace import PlannedRpc
from fwctl_tui.uapi import Scope

GROUP_ORDER = (
    "capabilities",
    "vport",
    "objects",
    "diagnostics",
    "flow steering",
    "device",
    "registers",
)



@dataclass(frozen=True)
class Row:
    """One catalogue line: what the list shows and what search matches on."""

    name: str
    group: str
    opcode: int
    register: int | None
    summary: str
    min_scope: Scope | None
    taints: bool
    since: str
    command: Any


def layouts() -> Any:
    """The mlx5 layout tables (for the catalogue's layout listings)."""
    from fwctl_tui.decoders.mlx5.data import layouts as mlx5_layouts

    return mlx5_layouts()


def _row(command: Any) -> Row:
    op_mod = command.default_op_mod
    register = command.register
    return Row(
        name=command.name,
        group=command.group,
        opcode=command.opcode,
        register=register.id if register is not None else None,
        summary=command.summary or "",
        min_scope=command.min_scope(op_mod),
        taints=command.taints(op_mod),
        since=command.since,
        command=command,
    )


@cache
def rows() -> tuple[Row, ...]:
    """Every command and every register (bound to ACCESS_REG), grouped in GROUP_ORDER."""
    catalogue = _catalogue()
    items = list(catalogue.commands())
    items += [catalogue.bind_register("ACCESS_REG", reg.name) for reg in catalogue.registers()]
    out = [_row(cmd) for cmd in items]
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    out.sort(key=lambda r: (order.get(r.group, len(order)), r.name))
    return tuple(out)


def _catalogue() -> Any:
    from fwctl_tui.decoders import catalogue

    return catalogue


@cache
def row_index() -> dict[str, Row]:
    return {row.name: row for row in rows()}


class Found(NamedTuple):
    """Rows matching a query, in catalogue order, and the best-scoring one's name."""

    rows: list[Row]
    best: str | None


def search(query: str) -> Found:
    """Rows the decoders' search matches (name, opcode, register id, field names), in
    catalogue order so the groups stay together; `best` is the top-scored hit."""
    every = rows()
    if not query.strip():
        return Found(list(every), None)
    hits = _catalogue().search(query, limit=len(every))
    names = [hit.command.name for hit in hits if hit.command is not None]
    wanted = set(names)
    return Found([row for row in every if row.name in wanted], names[0] if names else None)


def warm() -> None:
    """Build the rows and the search index ahead of the first keystroke (worker thread)."""
    rows()
    _catalogue().search("warm")


def find(name: str) -> Row | None:
    """The row for a catalogue name (as sessions and captures record it)."""
    return row_index().get(name)


def fields(command: Any, op_mod: int) -> list[Any]:
    """FieldSpecs of the input at `op_mod` (INDEX first for registers); op_mod itself is
    chosen by the screen's op_mod selector, so it is not a form field."""
    from fwctl_tui.decoders import input_fields

    specs = input_fields(command, _op_mod_arg(command, op_mod))
    return [spec for spec in specs if spec.path != "op_mod"]


def _op_mod_arg(command: Any, op_mod: int) -> int | None:
    """Commands without named op_mods leave it to the codec (some inputs have none)."""
    return op_mod if command.op_mods else None


def encode(command: Any, values: dict[str, Any], op_mod: int) -> bytes:
    """Input bytes from form values; raises EncodeError naming the field."""
    from fwctl_tui.decoders import encode_input

    return encode_input(command, values, op_mod=_op_mod_arg(command, op_mod))


def encode_error_type() -> type[Exception]:
    from fwctl_tui.decoders import EncodeError

    return EncodeError


def out_cap(command: Any, request: bytes, op_mod: int) -> int:
    """Output buffer size: the resolved reply layout for this request, per the decoders
    (from the command alone when raw hex is too short to say which page or register)."""
    from fwctl_tui.decoders import DecodeError, output_size

    try:
        return output_size(command, request, _op_mod_arg(command, op_mod))
    except (DecodeError, LookupError):
        return output_size(command, None, _op_mod_arg(command, op_mod))


def decode_reply(command: Any, reply: bytes, request: bytes) -> Any:
    from fwctl_tui.decoders import decode_output

    return decode_output(command, reply, request)


def to_json(node: Any) -> Any:
    from fwctl_tui.decoders import node_to_json

    return node_to_json(node)


def node_at_bit(root: Any, bit: int) -> Any:
    from fwctl_tui.decoders import node_at_bit as find_at

    return find_at(root, bit)


def parse_hex(text: str) -> bytes:
    """Raw-hex mode: the decoders' parser (spaces, 0x and newlines allowed)."""
    from fwctl_tui.decoders.values import parse_hex as parse

    return parse(text, "raw input")


def explain_status(status: int) -> tuple[str, str]:
    """(name, what it means) of an mlx5 command status."""
    from fwctl_tui.decoders.mlx5 import status as mlx5_status

    return mlx5_status.status_name(status), mlx5_status.explain_status(status)


def explain_syndrome(opcode: int, syndrome: int) -> str:
    from fwctl_tui.decoders.mlx5.status import explain_syndrome as explain

    return explain(syndrome, opcode) or "no explanation known for this syndrome"


def field_values(root: Any) -> dict[str, Any]:
    """Leaf path -> raw value of a decoded tree (to refill a form after a read)."""
    out: dict[str, Any] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if children:
            stack.extend(children)
        elif node.value is not None and not getattr(node, "missing", False):
            out[node.path] = node.value
    return out


def plan(
    command: Any, op_mod: int, values: dict[str, Any], request: bytes, *, purpose: str = "send",
    before: dict[str, Any] | None = None,
) -> PlannedRpc:
    """A PlannedRpc for the preview: the scope defaults to the least accepted one.

    opcode and op_mod are read back from the bytes, so a raw-hex request is previewed
    for what it really asks, not for the command the form was opened on.
    """
    opcode = mbox_opcode(request) if len(request) >= 2 else command.opcode
    op_mod = mbox_op_mod(request) if len(request) >= 8 else op_mod
    least = least_scope(command, op_mod)
    return PlannedRpc(
        label=command.name,
        opcode=opcode,
        op_mod=op_mod,
        request=request,
        out_cap=out_cap(command, request, op_mod),
        is_write=command.is_write(op_mod),
        default_scope=least,
        values=dict(values),
        before=before,
        purpose=purpose,
        register_write=command.register is not None and command.is_write(op_mod),
    )


def least_scope(command: Any, op_mod: int) -> Scope:
    """The least scope the kernel accepts (CONFIGURATION stands in when none does)."""
    try:
        scope: Scope = command.min_scope(op_mod)
    except LookupError:
        return Scope["CONFIGURATION"]  # not allow-listed: the preview says it is refused
    return scope


HEADER_INPUTS = frozenset({"opcode", "uid", "op_mod", "register_id"})


def cli_values(plan_: PlannedRpc) -> dict[str, Any]:
    """field=value pairs that reproduce the request: the form's values, or (for re-sends
    and raw hex) the non-zero fields the request decodes to; op_mod by name first."""
    row = find(plan_.label)
    values: dict[str, Any] = dict(plan_.values)
    if row is None:
        return values
    command = row.command
    if not values:
        from fwctl_tui.decoders import decode_input, iter_leaves

        try:
            leaves = iter_leaves(decode_input(command, plan_.request))
            values = {leaf.path: leaf.value for leaf in leaves
                      if leaf.path not in HEADER_INPUTS and isinstance(leaf.value, int)
                      and leaf.value}
        except ValueError:
            values = {}
    if command.op_mods:
        values = {"op_mod": command.op_mods.get(plan_.op_mod, plan_.op_mod), **values}
    return values


def cli_line(device: str, plan_: PlannedRpc, scope: Scope) -> str:
    """The same RPC as a `fwctl-tui send` command line a person can paste."""
    parts = ["fwctl-tui", "send", device, plan_.label]
    for key, value in cli_values(plan_).items():
        text = f"0x{value:x}" if isinstance(value, int) and value > 9 else str(value)
        parts.append(f"{key}={text}")
    parts += ["--scope", scope.name]
    return " ".join(shlex.quote(p) for p in parts)


def plan_from_exchange(exchange: Any) -> PlannedRpc:
    """Re-send an earlier RPC byte for byte, at the scope it was sent with."""
    row = find(exchange.command)
    is_write = bool(row and row.command.is_write(exchange.op_mod))
    values = dict(exchange.meta.get("values", {})) if exchange.meta else {}
    return PlannedRpc(
        label=exchange.command,
        opcode=exchange.opcode,
        op_mod=exchange.op_mod,
        request=exchange.request,
        out_cap=exchange.out_cap,
        is_write=is_write,
        default_scope=exchange.scope,
        values=values,
    )

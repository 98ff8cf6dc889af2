"""The screens' one door into the decoders: catalogue rows, fields, encode, decode.

Screens and widgets ask this module, never the layout engine, so the data flow stays
form values -> encoder -> bytes -> device -> bytes -> decoder -> tree, and no screen
ever builds or slices bytes itself. Headless (no textual import).
"""

from __future__ import annotations

import re
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


def ranked(query: str, limit: int = 40) -> list[tuple[Row, str]]:
    """Best-first (row, why it matched) for the palette: names, opcodes, ids, fields."""
    if not query.strip():
        return []
    out: list[tuple[Row, str]] = []
    seen: set[str] = set()
    for hit in _catalogue().search(query, limit=limit * 4):
        command = hit.command
        row = find(command.name) if command is not None else None
        if row is None or row.name in seen:
            continue
        seen.add(row.name)
        why = f"field {hit.path}" if hit.kind == "field" and hit.path else (hit.detail or "")
        out.append((row, why))
        if len(out) >= limit:
            break
    return out


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
    """Output buffer size: the reply layout for this request plus room for a trailing
    list, per the decoders (from the command alone when raw hex is too short to say which
    page or register)."""
    from fwctl_tui.decoders import DecodeError, reply_buffer_size

    try:
        return reply_buffer_size(command, request, _op_mod_arg(command, op_mod))
    except (DecodeError, LookupError):
        return reply_buffer_size(command, None, _op_mod_arg(command, op_mod))


def writes(command: Any, request: bytes) -> bool:
    """Whether the request changes the device (a write, or a counter-clearing read)."""
    from fwctl_tui.decoders import changes_device_state

    return changes_device_state(command, request)


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
    """Raw-hex mode: the decoders' parser (spaces, 0x and newlines allowed).

    Its complaints name a position in what was typed ("position 7", counted from 1)."""
    from fwctl_tui.decoders.values import parse_hex as parse

    try:
        return parse(text, "raw hex")
    except ValueError as err:
        message = re.sub(r"\(character (\d+)\)", r"at position \1", str(err))
        raise ValueError(message) from None


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
    before: dict[str, Any] | None = None, from_bytes: bool = False,
    auto_set: dict[str, str] | None = None,
) -> PlannedRpc:
    """A PlannedRpc for the preview: the scope defaults to the least accepted one.

    opcode and op_mod are read back from the bytes, so a raw-hex request is previewed
    for what it really asks, not for the command the form was opened on; with
    `from_bytes` (raw hex) the command itself is the one the bytes name.
    """
    opcode = mbox_opcode(request) if len(request) >= 2 else command.opcode
    op_mod = mbox_op_mod(request) if len(request) >= 8 else op_mod
    if from_bytes:
        command = command_for_request(request) or command
    least = least_scope(command, op_mod)
    return PlannedRpc(
        label=command.name,
        opcode=opcode,
        op_mod=op_mod,
        request=request,
        out_cap=out_cap(command, request, op_mod),
        is_write=writes(command, request),
        default_scope=least,
        values=dict(values),
        before=before,
        purpose=purpose,
        register_write=(not from_bytes and command.register is not None
                        and command.is_write(op_mod)),
        auto_set=dict(auto_set or {}),
    )


def command_for_request(request: bytes) -> Any:
    """The catalogue command the bytes ask for (ACCESS_REG:<register> for a register
    access), or None when the opcode is not in the catalogue."""
    if len(request) < 2:
        return None
    catalogue = _catalogue()
    try:
        command = catalogue.find(str(mbox_opcode(request)))
    except LookupError:
        return None
    if command.register is None and command.name == "ACCESS_REG":
        from fwctl_tui.decoders import decode_input, iter_leaves

        try:
            ids = [leaf.value for leaf in iter_leaves(decode_input(command, request))
                   if leaf.path == "register_id"]
            register = catalogue.find_register(str(ids[0]))
        except (ValueError, LookupError, IndexError):
            return command
        row = find(f"ACCESS_REG:{register.name}")
        return row.command if row is not None else command
    return command


def field_labels(label: str, op_mod: int) -> dict[str, dict[int, str]]:
    """path -> {value: enum name} of a command's input fields (for the preview's diff)."""
    row = find(label)
    if row is None:
        return {}
    try:
        specs = fields(row.command, op_mod)
    except (ValueError, LookupError):
        return {}
    return {spec.path: {v: k for k, v in (spec.choices or {}).items()} for spec in specs
            if getattr(spec, "choices", None)}


# Register fields firmware applies only when a companion "update enable" bit is set in
# the same write (PRM: ase = admin state update enable, ee = event update enable, *_vld
# = this field is valid). Leaving the bit 0 makes the write a silent no-op for that field.
ENABLE_BITS: dict[str, dict[str, tuple[str, str]]] = {
    "PAOS": {
        "admin_status": ("ase", "admin state update enable"),
        "e": ("ee", "event generation update enable"),
        "ls_e": ("ee_ls", "logical state event update enable"),
        "ps_e": ("ee_ps", "physical state event update enable"),
        "nmxas_e": ("ee_nmxas", "NMX admin state event update enable"),
    },
    "PMAOS": {
        "admin_status": ("ase", "admin state update enable"),
        "e": ("ee", "event generation update enable"),
    },
    "PTYS": {"tx_ready_e": ("ee_tx_ready", "tx_ready event update enable")},
    "PPSC": {
        "up_threshold": ("up_th_vld", "up_threshold valid"),
        "down_threshold": ("down_th_vld", "down_threshold valid"),
    },
}
REGISTER_DATA = "register_data."


def enable_bit_docs(command: Any) -> dict[str, str]:
    """path -> one sentence, for the governed fields and enable bits of a register."""
    register = getattr(command, "register", None)
    table = ENABLE_BITS.get(register.name, {}) if register is not None else {}
    docs: dict[str, str] = {}
    for governed, (enable, meaning) in table.items():
        docs[REGISTER_DATA + enable] = (
            f"{meaning}: write 1 here so firmware applies {governed}; with 0 it is ignored")
        docs[REGISTER_DATA + governed] = (
            f"applied only when {enable} ({meaning}) is 1 in the same write "
            "(set for you when this field changes)")
    return docs


def apply_enable_bits(
    command: Any, values: dict[str, Any], before: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Values with the update-enable bit set for every governed field that changes.

    A field changes when it differs from the value read back, or (not read first) when
    it is given a non-zero value. Returns the new values and path -> why it was set.
    """
    register = getattr(command, "register", None)
    table = ENABLE_BITS.get(register.name, {}) if register is not None else {}
    out, why = dict(values), dict[str, str]()
    for governed, (enable, meaning) in table.items():
        g_path, e_path = REGISTER_DATA + governed, REGISTER_DATA + enable
        if g_path not in values:
            continue
        # not read first: any non-zero value is meant to be applied
        changes = (bool(values[g_path]) if before is None
                   else values[g_path] != before.get(g_path))
        if changes and not values.get(e_path):
            out[e_path] = 1
            why[e_path] = (f"{enable} set to 1 for you: firmware applies {governed} only when "
                           f"{enable} ({meaning}) is 1; with 0 the write would change nothing")
    return out, why


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
    """The same RPC as a `fwctl-tui send` command line a person can paste.

    `--scope` only when it is not the least one the command needs (send picks that one
    by itself); `--yes` when the scope taints, since send refuses a tainting scope
    without it."""
    from fwctl_tui.uapi import TAINTING_SCOPES

    parts = ["fwctl-tui", "send", device, plan_.label]
    for key, value in cli_values(plan_).items():
        text = f"0x{value:x}" if isinstance(value, int) and value > 9 else str(value)
        parts.append(f"{key}={text}")
    row = find(plan_.label)
    least = least_scope(row.command, plan_.op_mod) if row is not None else None
    if scope != least:
        parts += ["--scope", scope.name]
    if scope in TAINTING_SCOPES:
        parts.append("--yes")
    return " ".join(shlex.quote(p) for p in parts)


def plan_from_exchange(exchange: Any) -> PlannedRpc:
    """Re-send an earlier RPC byte for byte. The preview starts at the least scope the
    command needs, not the one it was sent with (that one is remembered and shown)."""
    row = find(exchange.command)
    is_write = bool(row and writes(row.command, exchange.request))
    least = least_scope(row.command, exchange.op_mod) if row is not None else exchange.scope
    values = dict(exchange.meta.get("values", {})) if exchange.meta else {}
    return PlannedRpc(
        label=exchange.command,
        opcode=exchange.opcode,
        op_mod=exchange.op_mod,
        request=exchange.request,
        out_cap=exchange.out_cap,
        is_write=is_write,
        default_scope=least,
        values=values,
        original_scope=exchange.scope,
    )

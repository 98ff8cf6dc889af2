"""Encode and decode mlx5 command mailboxes for a catalogue Command.

Path scheme for values: dotted names from the mailbox root (`op_mod`, `function_id`,
`register_data.local_port`, `capability.cmd_hca_cap.log_max_qp`), `[i]` for array
elements (`register_data.lane_module_mapping[2].module`), a union's chosen member as a
path component (`register_data.counter_set.eth_802_3_cntrs_grp_data_layout_ext.x`). A
leaf may be given by its last name alone when that is unambiguous (`local_port`, `grp`).
Nested mappings in the JSON decode shape are accepted too. Values: int, decimal or
0x-hex strings, enum labels (`grp=Physical_Layer_Counters`, `op_mod=read`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from fwctl_tui.decoders.engine import Writer
from fwctl_tui.decoders.errors import EncodeError, did_you_mean
from fwctl_tui.decoders.mlx5.catalogue import (
    ACCESS_ORDER,
    Command,
    Register,
    find_register,
    registers,
)
from fwctl_tui.decoders.mlx5.context import context_for, register_by_id, selector_end
from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.decoders.mlx5.shown import field_unit_text
from fwctl_tui.decoders.node import Node, decode_plan, iter_leaves
from fwctl_tui.decoders.plan import RAW, Plan, compile_plan
from fwctl_tui.decoders.values import coerce, flatten, parse_number
from fwctl_tui.mbox_header import OP_MOD

HIDDEN_INPUTS = frozenset({"opcode", "uid"})


@dataclass(frozen=True)
class FieldSpec:
    """One input a form asks for."""

    path: str
    name: str
    width: int
    bit_offset: int
    kind: str  # int | bytes | choice
    choices: dict[str, int] | None
    min: int
    max: int
    access: str | None
    doc: str | None
    default: int


def _layout(cmd: Command, direction: str) -> str:
    layout = cmd.in_layout if direction == "in" else cmd.out_layout
    if layout is None:
        raise EncodeError(f"{cmd.name} has no {direction}put layout")
    return layout


def parse_op_mod(cmd: Command, value: Any) -> int:
    """op_mod as a number, a variant name (`read`, `GENERAL/current`) or 0x-hex."""
    if isinstance(value, int):
        number: int | None = value
    else:
        text = str(value).strip()
        number = parse_number(text)
        if number is None:
            number = next((k for k, v in cmd.op_mods.items() if v.lower() == text.lower()), None)
        if number is None:
            names = list(cmd.op_mods.values())
            raise EncodeError(f"op_mod: {value!r} is not a number or a variant of {cmd.name}"
                              f"{did_you_mean(text, names)}", field="op_mod")
    return coerce("op_mod", number, 16)


def _register_value(cmd: Command, value: Any) -> Register:
    number = value if isinstance(value, int) else parse_number(str(value))
    if number is None:
        try:
            return find_register(str(value))
        except LookupError as err:
            raise EncodeError(f"register_id: {err}", field="register_id") from None
    reg = register_by_id(number)
    if reg is None:
        raise EncodeError(f"register_id: no register with id {number:#x} in the catalogue",
                          field="register_id")
    return reg


def _plan_for_input(cmd: Command, vals: dict[str, Any],
                    op_mod: int | None) -> tuple[Plan, dict[str, Any]]:
    """The input plan and the header values the catalogue fills in."""
    lset = layouts()
    layout = lset[_layout(cmd, "in")]
    if "op_mod" in vals:
        if "op_mod" not in layout.by_name:
            raise EncodeError(f"op_mod: {cmd.name}'s input ({layout.name}) has no op_mod field",
                              field="op_mod")
        given = parse_op_mod(cmd, vals.pop("op_mod"))
        if op_mod is not None and given != op_mod:
            raise EncodeError(f"op_mod: {given} given but op_mod={op_mod} requested",
                              field="op_mod")
        op_mod = given
    if op_mod is None:
        op_mod = cmd.default_op_mod
    header: dict[str, Any] = {"opcode": cmd.opcode}
    if "opcode" in vals and coerce("opcode", vals.pop("opcode"), 16) != cmd.opcode:
        raise EncodeError(f"opcode: {cmd.name} is {cmd.opcode:#x}; encode another command "
                          "instead of overriding its opcode", field="opcode")
    if "op_mod" in layout.by_name:
        header["op_mod"] = op_mod
    register = cmd.register
    if "register_id" in vals and "register_id" in layout.by_name:
        chosen = _register_value(cmd, vals.pop("register_id"))
        if register is not None and chosen.id != register.id:
            raise EncodeError(f"register_id: {cmd.name} is bound to {register.name} "
                              f"({register.id:#x})", field="register_id")
        register = chosen
    if register is not None:
        header["register_id"] = register.id
    ctx = context_for(cmd, "in", None, op_mod, register)
    return compile_plan(lset, layout.name, ctx), header


def encode_input(cmd: Command, values: Mapping[str, Any], *, op_mod: int | None = None) -> bytes:
    """The input mailbox for `cmd`: opcode, op_mod (default or given), register_id for
    register commands and the given field values; EncodeError names any bad field."""
    vals = flatten(values)
    plan, header = _plan_for_input(cmd, vals, op_mod)
    writer = Writer(layouts())
    try:
        writer.route(plan, 0, {**header, **vals}, "")
    except EncodeError as err:
        if "register_id" in header or not (err.field or "").startswith("register_data"):
            raise
        raise EncodeError(f"{err.message} (name the register first: register_id=PPCNT, or "
                          f"use {cmd.base_name}:PPCNT)", field=err.field) from None
    return writer.render((max(plan.size, writer.end) + 7) // 8)


_DECODE_PLANS: dict[tuple[str, str, str, bytes | None], Plan] = {}
_DECODE_PLANS_MAX = 4096  # distinct (command, selector bytes) seen; a capture has few


def _decode_plan(cmd: Command, direction: str, in_: bytes | None) -> Plan:
    """The plan decoding `cmd`'s mailbox in `direction`, given the request.

    Cached by the request's leading selector bytes (context.selector_end): the context
    depends on nothing else, and a capture repeats the same few questions many times.
    """
    layout = _layout(cmd, direction)
    prefix = None if in_ is None or not cmd.in_layout else bytes(in_[:selector_end(cmd.in_layout)])
    key = (cmd.name, layout, direction, prefix)
    plan = _DECODE_PLANS.get(key)
    if plan is None:
        if len(_DECODE_PLANS) >= _DECODE_PLANS_MAX:
            _DECODE_PLANS.clear()
        context = context_for(cmd, direction, None if in_ is None else bytes(in_))
        plan = _DECODE_PLANS[key] = compile_plan(layouts(), layout, context)
    return plan


def decode_input(cmd: Command, data: bytes) -> Node:
    """Decode an input mailbox (its own op_mod and register_id pick the unions)."""
    return decode_plan(_decode_plan(cmd, "in", data), layouts(), data)


_CLEAR_FLAG = re.compile(r"(^|_)(clr|clear)($|_)")


def changes_device_state(cmd: Command, request: bytes) -> bool:
    """Whether sending `request` changes the device: a writing op_mod, or a read that sets
    a clear-on-read flag (PPCNT clr, QUERY_VPORT_COUNTER/Q_COUNTER clear reset counters)."""
    if cmd.is_write(OP_MOD.read(request)):
        return True
    try:
        leaves = list(iter_leaves(decode_input(cmd, request)))
    except ValueError:  # DecodeError: an undecodable request sets no known flag
        return False
    return any(
        _CLEAR_FLAG.search(leaf.name) and not leaf.name.endswith("_cap") and leaf.value
        and (leaf.access or "").upper() != "RO"
        for leaf in leaves
    )


def decode_output(cmd: Command, out: bytes, in_: bytes | None = None) -> Node:
    """Decode a reply; `in_` (the request) picks the capability page or register, else the
    command's default op_mod and bound register are used."""
    return decode_plan(_decode_plan(cmd, "out", in_), layouts(), out)


def output_plan(cmd: Command, in_: bytes | None = None, op_mod: int | None = None) -> Plan:
    ctx = context_for(cmd, "out", None if in_ is None else bytes(in_), op_mod)
    return compile_plan(layouts(), _layout(cmd, "out"), ctx)


def encode_output(cmd: Command, values: Mapping[str, Any], *, in_: bytes | None = None,
                  op_mod: int | None = None) -> bytes:
    """A whole reply (status, syndrome, the right page or register) as firmware would send
    it; length = the resolved out layout (register replies: 16-byte header + register)."""
    plan = output_plan(cmd, in_, op_mod)
    writer = Writer(layouts())
    writer.route(plan, 0, flatten(values), "")
    return writer.render((max(plan.size, writer.end) + 7) // 8)


def output_size(cmd: Command, in_: bytes | None = None, op_mod: int | None = None) -> int:
    """Bytes of the resolved reply layout: the least out_len the reply needs."""
    return (output_plan(cmd, in_, op_mod).size + 7) // 8


TAIL_ROOM = 4096  # bytes offered for a reply's variable-length list (samples, MACs, ...)


def reply_buffer_size(cmd: Command, in_: bytes | None = None, op_mod: int | None = None) -> int:
    """The out_len to ask for: the reply layout, plus room when it ends in a list or in a
    part the request leaves undescribed (an unknown register or object type).

    Firmware fills a trailing list only as far as the buffer goes (the reply's count
    field says how many exist), so a bare layout-sized buffer would show an empty list.
    """
    ctx = context_for(cmd, "out", None if in_ is None else bytes(in_), op_mod)
    plan = compile_plan(layouts(), _layout(cmd, "out"), ctx)
    # a list, a union of lists (RQT) or a segmented list (a flow entry's destinations)
    open_ended = RAW in ctx.values() or plan.flexible
    return (plan.size + 7) // 8 + (TAIL_ROOM if open_ended else 0)


def _with_unit(plan: Plan, pn: Any) -> str | None:
    """A form field's doc with the unit the PRM states for it (F1 on the form says it)."""
    parent_path = pn.path.rpartition(".")[0]
    parent = plan.by_path.get(parent_path) if parent_path else plan.root
    unit = field_unit_text(parent.layout if parent is not None else None, pn.name)
    if unit is None:
        return cast(str | None, pn.doc)
    return f"{pn.doc} Unit: {unit}." if pn.doc else f"Unit: {unit}."


def input_fields(cmd: Command, op_mod: int | None = None) -> list[FieldSpec]:
    """What a form asks for: op_mod (as a choice when named), then for registers the
    INDEX fields first; opcode, uid, reserved bits and a bound register_id are left out."""
    vals: dict[str, Any] = {} if op_mod is None else {"op_mod": op_mod}
    plan, header = _plan_for_input(cmd, vals, None)
    chosen_op_mod = header.get("op_mod", cmd.default_op_mod)
    specs: list[FieldSpec] = []
    for pn in plan.leaves:
        if pn.path in HIDDEN_INPUTS or (cmd.register is not None and pn.path == "register_id"):
            continue
        top = (1 << pn.width) - 1
        choices = dict(pn.enum.by_label) if pn.enum is not None else None
        default = 0
        if pn.path == "op_mod":
            choices = {name: value for value, name in cmd.op_mods.items()} or None
            default = chosen_op_mod
        elif pn.path == "register_id":
            choices = {reg.name: reg.id for reg in registers()}
        kind = "choice" if choices else ("int" if pn.kind == "int" else "bytes")
        specs.append(FieldSpec(pn.path, pn.name, pn.width, pn.bit, kind, choices, 0, top,
                               pn.access, _with_unit(plan, pn), default))
    for pn in plan.dyns:  # a raw payload (no public layout) is typed in as hex
        if pn.dyn is not None and pn.dyn.mode == "raw":
            specs.append(FieldSpec(pn.path, pn.name, 0, pn.bit, "bytes", None, 0, 0,
                                   pn.access, pn.doc, 0))

    def order(spec: FieldSpec) -> tuple[int, int]:
        if spec.path == "op_mod":
            return (0, 0)
        if spec.path.startswith("register_data."):
            return (1, ACCESS_ORDER.get(spec.access or "", 5))
        return (2 if cmd.register is not None else 1, 0)

    return sorted(specs, key=order)


def describe_fields(cmd: Command, direction: str,
                    op_mod: int | None = None) -> list[dict[str, Any]]:
    """Rows for a layout listing: path, byte/bit offset, width, kind, access, labels, doc."""
    if direction == "in":
        plan, _ = _plan_for_input(cmd, {}, op_mod)
    else:
        plan = output_plan(cmd, None, op_mod)
    rows: list[dict[str, Any]] = []
    stack = [(pn, plan.root.layout) for pn in reversed(plan.root.children)]
    while stack:
        pn, parent = stack.pop()
        row: dict[str, Any] = {
            "path": pn.path, "bit_offset": pn.bit, "byte_offset": pn.bit // 8,
            "width": pn.width, "kind": pn.kind, "access": pn.access, "doc": pn.doc,
            "unit": field_unit_text(parent, pn.name),
        }
        if pn.enum is not None:
            row["enum"] = dict(pn.enum.by_label)
        if pn.dyn is not None:
            row["dynamic"] = pn.dyn.mode
            if pn.dyn.union is not None:
                row["members"] = [m.name for m in pn.dyn.union.fields]
            if pn.dyn.selector is not None:
                row["selector"] = pn.dyn.selector.field
                row["pages"] = {str(k): v for k, v in pn.dyn.selector.members.items()}
            if pn.dyn.count is not None:
                row["count"] = pn.dyn.count.field
            elif pn.dyn.members:  # a union of lists: each member counted by the same field
                counts = {m.dyn.count.field for m in pn.dyn.members.values()
                          if m.dyn is not None and m.dyn.count is not None}
                if len(counts) == 1:
                    row["count"] = counts.pop()
            segs = pn.dyn.segments
            if segs is not None:  # runs of entries, one stride picked by a flag field
                row["stride_by"] = segs.flag.field
                row["strides"] = {str(k): v for k, v in segs.strides.items()}
                row["runs"] = [{"count": run.count.field,
                                "layouts": {str(k): v for k, v in run.layouts.items()}}
                               for run in segs.runs]
        rows.append(row)
        inner = pn.layout if pn.kind == "struct" else None
        stack.extend((c, inner) for c in reversed(pn.children))
    return rows

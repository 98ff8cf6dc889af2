"""Which union member applies: resolved from the command and its input mailbox.

QUERY_HCA_CAP lays the capability page named by op_mod (`op_mod = cap_type << 1 |
cap_mode`) over the reply (QUERY_OTHER_HCA_CAP does not: its reply is the fixed
other_hca_cap struct, whatever op_mod says); SET_HCA_CAP carries the page named
by `op_mod >> 1` in its input; ACCESS_REG and ACCESS_REGISTER_USER carry the register named
by `register_id` in both directions (a register_id the catalogue does not know leaves
`register_data` raw); QUERY_GENERAL_OBJECT's header uses the query form of its op_param
union, and its reply's `object` is the struct the input's `obj_type` names (raw for object
types without a layout in the reference). Contexts map field paths to layout (or member)
names, or to RAW.

Only the request chooses a context. A union chosen by a field of the reply itself (the
RQT's rq_vhca_id_format picking rq_num[] or rq_vhca[]), a list's count field
(rqt_actual_size) and a segmented list's flag and counts (a flow entry's
extended_destination, destination_list_size, flow_counter_list_size) are read by the
decoded Node, so a plan cached by the request's selector bytes (codec._decode_plan) stays
right for every reply.
"""

from __future__ import annotations

from functools import cache

from fwctl_tui.decoders.layout import Layout
from fwctl_tui.decoders.mlx5.catalogue import REGISTER_COMMANDS, Command, Register, registers
from fwctl_tui.decoders.mlx5.data import document, layouts
from fwctl_tui.decoders.plan import RAW, read_bits

# (command, direction) -> the field holding the capability page
CAP_FIELDS = {
    ("QUERY_HCA_CAP", "out"): "capability",
    ("SET_HCA_CAP", "in"): "capability",
}
GENERAL_OBJECT_QUERY = {("QUERY_GENERAL_OBJECT", "in"): ("op_param", "query")}
GENERAL_OBJECT_REPLY = {("QUERY_GENERAL_OBJECT", "out"): "object"}  # picked by obj_type


@cache
def _page_layouts() -> dict[int, str]:
    return {p["type"]: p["layout"] for p in document()["cap_pages"] if p["layout"]}


@cache
def _registers_by_id() -> dict[int, Register]:
    return {r.id: r for r in registers()}


@cache
def _objects_by_type() -> dict[int, dict[str, str]]:
    return {o["obj_type"]: o for o in document()["general_objects"]}


def general_objects() -> list[dict[str, str]]:
    """Object types whose QUERY_GENERAL_OBJECT reply has a layout: obj_type, name, member."""
    return [dict(o) for o in document()["general_objects"]]


def cap_page_layout(op_mod: int) -> str | None:
    """The capability struct a QUERY/SET_HCA_CAP op_mod names (None if not in the reference)."""
    return _page_layouts().get(op_mod >> 1)


def register_by_id(register_id: int) -> Register | None:
    return _registers_by_id().get(register_id)


def _field_value(layout: Layout, name: str, data: bytes | None) -> int | None:
    f = layout.by_name.get(name)
    if f is None or data is None:
        return None
    return read_bits(data, f.offset, f.width)


SELECTOR_FIELDS = ("op_mod", "register_id", "obj_type")
"""The only request fields context_for reads (op_mod_of, register_of, obj_type_of)."""


@cache
def selector_end(in_layout: str) -> int:
    """How many leading request bytes hold every selector field of `in_layout`: the
    context of a mailbox depends on those bytes alone."""
    layout = layouts()[in_layout]
    ends = [(f.offset + f.width + 7) // 8
            for name in SELECTOR_FIELDS if (f := layout.by_name.get(name)) is not None]
    return max(ends, default=0)


def op_mod_of(cmd: Command, in_: bytes | None, op_mod: int | None = None) -> int:
    """The op_mod in effect: explicit, else read from the input mailbox, else the default."""
    if op_mod is not None:
        return op_mod
    if cmd.in_layout:
        value = _field_value(layouts()[cmd.in_layout], "op_mod", in_)
        if value is not None:
            return value
    return cmd.default_op_mod


def register_id_of(cmd: Command, in_: bytes | None) -> int | None:
    """The register_id an ACCESS_REG input mailbox carries (None without one)."""
    if cmd.base_name not in REGISTER_COMMANDS or not cmd.in_layout:
        return None
    return _field_value(layouts()[cmd.in_layout], "register_id", in_)


def obj_type_of(cmd: Command, in_: bytes | None) -> int | None:
    """The obj_type a general-object input mailbox carries (None without one)."""
    if not cmd.in_layout:
        return None
    return _field_value(layouts()[cmd.in_layout], "obj_type", in_)


def register_of(cmd: Command, in_: bytes | None) -> Register | None:
    """The register an ACCESS_REG mailbox names (its register_id), else the bound one."""
    if cmd.base_name not in REGISTER_COMMANDS or not cmd.in_layout:
        return None
    value = _field_value(layouts()[cmd.in_layout], "register_id", in_)
    if value is not None and (cmd.register is None or value != cmd.register.id):
        found = register_by_id(value)
        if found is not None or cmd.register is None:
            return found
    return cmd.register


def context_for(cmd: Command, direction: str, in_: bytes | None = None,
                op_mod: int | None = None, register: Register | None = None) -> dict[str, str]:
    """Union choices for the `in` or `out` layout of `cmd`, given its input mailbox."""
    ctx: dict[str, str] = {}
    base = cmd.base_name
    cap_field = CAP_FIELDS.get((base, direction))
    if cap_field:
        page = cap_page_layout(op_mod_of(cmd, in_, op_mod))
        if page:
            ctx[cap_field] = page
    if base in REGISTER_COMMANDS:
        reg = register or register_of(cmd, in_)
        if reg is not None:
            ctx["register_data"] = reg.layout
        elif register_id_of(cmd, in_) is not None:  # named, but not a register we know
            ctx["register_data"] = RAW
    general = GENERAL_OBJECT_QUERY.get((base, direction))
    if general:
        ctx[general[0]] = general[1]
    reply_union = GENERAL_OBJECT_REPLY.get((base, direction))
    if reply_union:
        found = _objects_by_type().get(obj_type_of(cmd, in_) or -1)
        ctx[reply_union] = found["member"] if found else RAW
    return ctx


def assumed_without_input(cmd: Command) -> str | None:
    """What decoding `cmd`'s reply assumes when the request is not given, or None when
    the reply layout does not depend on the request."""
    base = cmd.base_name
    if (base, "out") in CAP_FIELDS:
        op_mod = cmd.default_op_mod
        name = cmd.op_mods.get(op_mod)
        named = f" ({name})" if name else ""
        return (f"no request given: assumed op_mod {op_mod}{named} to pick the capability "
                "page; give the request to decode another page")
    if base in REGISTER_COMMANDS and cmd.register is None:
        return ("no request given: the register is unknown, so register_data is shown as "
                f"dwords; name it ({base}:PPCNT) or give the request")
    if (base, "out") in GENERAL_OBJECT_REPLY:
        return ("no request given: obj_type is unknown, so the object is shown raw; give "
                "the request to decode it")
    return None

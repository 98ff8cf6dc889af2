"""Which union member applies: resolved from the command and its input mailbox.

QUERY_HCA_CAP and QUERY_OTHER_HCA_CAP lay the capability page named by op_mod
(`op_mod = cap_type << 1 | cap_mode`) over the reply; SET_HCA_CAP carries the page named
by `op_mod >> 1` in its input; ACCESS_REG and ACCESS_REGISTER_USER carry the register named
by `register_id` in both directions; QUERY_GENERAL_OBJECT's header uses the query form of
its op_param union. Contexts map field paths to layout (or member) names.
"""

from __future__ import annotations

from functools import cache

from fwctl_tui.decoders.layout import Layout
from fwctl_tui.decoders.mlx5.catalogue import REGISTER_COMMANDS, Command, Register, registers
from fwctl_tui.decoders.mlx5.data import document, layouts
from fwctl_tui.decoders.plan import read_bits

# (command, direction) -> the field holding the capability page
CAP_FIELDS = {
    ("QUERY_HCA_CAP", "out"): "capability",
    ("QUERY_OTHER_HCA_CAP", "out"): "other_capability",
    ("SET_HCA_CAP", "in"): "capability",
}
GENERAL_OBJECT_QUERY = {("QUERY_GENERAL_OBJECT", "in"): ("op_param", "query")}


@cache
def _page_layouts() -> dict[int, str]:
    return {p["type"]: p["layout"] for p in document()["cap_pages"] if p["layout"]}


@cache
def _registers_by_id() -> dict[int, Register]:
    return {r.id: r for r in registers()}


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


def op_mod_of(cmd: Command, in_: bytes | None, op_mod: int | None = None) -> int:
    """The op_mod in effect: explicit, else read from the input mailbox, else the default."""
    if op_mod is not None:
        return op_mod
    if cmd.in_layout:
        value = _field_value(layouts()[cmd.in_layout], "op_mod", in_)
        if value is not None:
            return value
    return cmd.default_op_mod


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
    general = GENERAL_OBJECT_QUERY.get((base, direction))
    if general:
        ctx[general[0]] = general[1]
    return ctx

"""The mlx5 command catalogue: the 94 allow-listed opcodes and the access registers.

Numbers and layouts come from the generated tables, minimum scopes from
fwctl_tui.allowlist (the kernel rule, one source of truth), prose from docs.py. A register
is reached through ACCESS_REG: `find("ACCESS_REG:PPCNT")` (or just `find("PPCNT")`) gives a
Command bound to that register whose input and output carry the register layout.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from functools import cache
from types import MappingProxyType
from typing import Any

from fwctl_tui.allowlist import entries
from fwctl_tui.decoders.errors import close_matches
from fwctl_tui.decoders.mlx5 import docs, register_docs
from fwctl_tui.decoders.mlx5.data import document, layouts
from fwctl_tui.decoders.values import parse_number
from fwctl_tui.uapi import TAINTING_SCOPES, Scope

GROUPS = ("capabilities", "vport", "objects", "diagnostics", "registers", "flow steering",
          "device")
REGISTER_COMMANDS = ("ACCESS_REG", "ACCESS_REGISTER_USER")
MBOX_IN, MBOX_OUT = "mbox_in_generic", "mbox_out_generic"
ACCESS_ORDER = {"INDEX": 0, "OP": 1, "RW": 2, "WO": 3, "RO": 4}


@dataclass(frozen=True)
class Page:
    """A register union whose layout the data picks (PPCNT counter groups, PDDR pages)."""

    field: str  # union path inside the register, e.g. "counter_set"
    selector: str | None  # the field whose value picks the page (None: a condition does)
    variants: Mapping[int, str] = _field(compare=False)  # selector value -> page name
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Register:
    """An access register: id, layout, summary, the INDEX fields a read must fill, pages."""

    name: str
    id: int
    layout: str
    summary: str = _field(repr=False)
    index_fields: tuple[str, ...] = ()
    pages: tuple[Page, ...] = _field(default=(), repr=False)
    # field path -> INDEX/RW/RO/WO/OP
    access: Mapping[str, str] = _field(default_factory=dict, compare=False, repr=False)
    aliases: tuple[str, ...] = ()
    source: str = "registers"  # registers (PRM database) | ifc (kernel header only)
    ifc_layout: str | None = None
    size_bits: int = 0


@dataclass(frozen=True)
class Command:
    """One catalogue entry; register-bound entries are named like `ACCESS_REG:PPCNT`."""

    name: str
    opcode: int
    group: str
    summary: str = _field(repr=False)
    in_layout: str | None
    out_layout: str | None
    layout_public: bool
    op_mods: Mapping[int, str] = _field(compare=False, repr=False)
    default_op_mod: int = 0
    register: Register | None = None
    since: str = ""
    kernel_name: str = ""
    allow_group: str = ""
    note: str | None = _field(default=None, repr=False)
    in_public: bool = True
    out_public: bool = True
    allowed: bool = True  # False for opcodes outside the allow-list (decode-only stand-ins)

    @property
    def base_name(self) -> str:
        return self.name.split(":", 1)[0]

    def _op_mod(self, op_mod: int | None) -> int:
        return self.default_op_mod if op_mod is None else op_mod

    def min_scope(self, op_mod: int | None = None) -> Scope:
        """The least scope the kernel accepts for this op_mod (the allow-list rule)."""
        entry = entries().get(self.opcode)
        if entry is None or not self.allowed:
            raise LookupError(f"opcode {self.opcode:#x} is not allow-listed by mlx5 fwctl")
        return entry.min_scope_for(self._op_mod(op_mod))

    def taints(self, op_mod: int | None = None) -> bool:
        """Whether running at the minimum scope taints the kernel."""
        return self.min_scope(op_mod) in TAINTING_SCOPES

    def is_write(self, op_mod: int | None = None) -> bool:
        """Whether the command changes device state (ACCESS_REG with op_mod 0 writes)."""
        if self.base_name in REGISTER_COMMANDS:
            return self._op_mod(op_mod) == 0
        return self.base_name in docs.WRITE_COMMANDS

    def min_scope_by_op_mod(self) -> dict[int, Scope] | None:
        """{op_mod: scope} for commands whose scope depends on op_mod, else None."""
        entry = entries().get(self.opcode)
        if entry is None or entry.write_min_scope is None:
            return None
        return {0: entry.min_scope_for(0), 1: entry.min_scope_for(1)}

    def op_mod_name(self, op_mod: int | None = None) -> str | None:
        return self.op_mods.get(self._op_mod(op_mod))


def _since(text: str) -> str:
    return text if text.startswith("v") else f"v{text}"


@cache
def _registers() -> tuple[Register, ...]:
    lset = layouts()
    out = []
    for row in document()["registers"]:
        lay = lset[row["layout"]]
        access: dict[str, str] = {}
        pages: list[Page] = []
        _walk_register(row["layout"], "", access, pages)
        index = tuple(path for path, flag in access.items() if flag == "INDEX")
        out.append(Register(
            name=row["name"], id=row["id"], layout=row["layout"],
            summary=register_docs.summary(row["name"], row["id"], row["source"]),
            index_fields=index, pages=tuple(pages), access=MappingProxyType(access),
            aliases=tuple(row.get("aliases", ())), source=row["source"],
            ifc_layout=row.get("ifc_layout"), size_bits=lay.size))
    return tuple(out)


def _walk_register(layout: str, prefix: str, access: dict[str, str], pages: list[Page],
                   depth: int = 0) -> None:
    lset = layouts()
    for f in lset[layout].fields:
        path = f"{prefix}{f.name}"
        if f.access:
            access[path] = f.access
        if f.kind == "union" and (f.selector or f.conditions) and f.type:
            members = tuple(m.name for m in lset[f.type].fields)
            variants = dict(f.selector.members) if f.selector else {}
            pages.append(Page(path, f.selector.field if f.selector else None,
                              MappingProxyType(variants), members))
        elif f.kind == "struct" and f.type and depth < 2:
            _walk_register(f.type, path + ".", access, pages, depth + 1)


def registers() -> list[Register]:
    """Every access register the catalogue knows, by name."""
    return list(_registers())


@cache
def _register_index() -> dict[str, Register]:
    index: dict[str, Register] = {}
    for reg in _registers():
        for key in (reg.name, *reg.aliases):
            index.setdefault(key.upper(), reg)
    return index


def find_register(text: str) -> Register:
    """A register by name, alias or id (0x5008 / 20488); LookupError with close matches."""
    key = text.strip()
    number = parse_number(key)
    if number is not None:
        for reg in _registers():
            if reg.id == number:
                return reg
        raise LookupError(f"no access register with id {number:#x}")
    found = _register_index().get(key.upper())
    if found is None:
        hint = close_matches(key.upper(), _register_index())
        more = f"; did you mean {', '.join(hint)}?" if hint else ""
        raise LookupError(f"unknown register {text!r}{more}")
    return found


@cache
def _base_commands() -> tuple[Command, ...]:
    out = []
    for row in document()["commands"]:
        name = row["name"]
        op_mods = {int(k): v for k, v in row["op_mods"].items()}
        default = docs.DEFAULT_OP_MODS.get(name, next(iter(op_mods), 0))
        public = row["in_public"] and row["out_public"]
        out.append(Command(
            name=name, opcode=row["opcode"], group=docs.group(name),
            summary=docs.summary(name), in_layout=row["in"], out_layout=row["out"],
            layout_public=public, op_mods=MappingProxyType(op_mods), default_op_mod=default,
            since=_since(row["since"]), kernel_name=row["kernel_name"],
            allow_group=row["allow_group"], note=_note(row),
            in_public=row["in_public"], out_public=row["out_public"]))
    order = {g: i for i, g in enumerate(GROUPS)}
    return tuple(sorted(out, key=lambda c: (order.get(c.group, len(GROUPS)), c.name)))


def _note(row: Mapping[str, Any]) -> str | None:
    if row.get("out_by") == "obj_type":
        kinds = ", ".join(o["name"] for o in document()["general_objects"])
        return ("The reply's object layout follows the request's obj_type: "
                f"{kinds} have one in the reference (the VIRTIO ones from the kernel's vDPA "
                "header); any other object type is shown raw after the common header.")
    if not row["in_public"] and not row["out_public"]:
        return ("Layout not public: neither the kernel headers nor the PRM register database "
                "describe this command, so only the mailbox header is decoded and the rest "
                "is shown as a raw payload.")
    if not row["out_public"]:
        return "Reply layout not public: the reply is shown as header plus raw payload."
    if row.get("defined_in"):
        return f"Layout from {row['defined_in']}."
    return None


def commands() -> list[Command]:
    """The allow-listed commands, ordered by UI group then name."""
    return list(_base_commands())


@cache
def _by_name() -> dict[str, Command]:
    return {c.name: c for c in _base_commands()}


@cache
def _by_opcode() -> dict[int, Command]:
    return {c.opcode: c for c in _base_commands()}


@cache
def bind_register(base: str, register_name: str) -> Command:
    """ACCESS_REG (or ACCESS_REGISTER_USER) bound to one register; default op_mod = read."""
    cmd = _by_name()[base]
    reg = find_register(register_name)
    read = next((k for k, v in cmd.op_mods.items() if v == "read"), cmd.default_op_mod)
    return Command(
        name=f"{base}:{reg.name}", opcode=cmd.opcode, group="registers", summary=reg.summary,
        in_layout=cmd.in_layout, out_layout=cmd.out_layout, layout_public=True,
        op_mods=cmd.op_mods, default_op_mod=read, register=reg, since=cmd.since,
        kernel_name=cmd.kernel_name, allow_group=cmd.allow_group,
        note=None if reg.source == "registers" else
        "Register layout from the kernel header only (no access flags).")


def find(text: str) -> Command:
    """A command by name (any case, MLX5_CMD_OP_ prefix optional), `ACCESS_REG:PPCNT`,
    a register name (`PPCNT`), or an opcode (`0x805`, `2053`). LookupError otherwise."""
    key = text.strip()
    if ":" in key:
        base, _, reg = key.partition(":")
        base_cmd = find(base)
        if base_cmd.base_name not in REGISTER_COMMANDS:
            raise LookupError(f"{base_cmd.name} does not take a register; only "
                              f"{' and '.join(REGISTER_COMMANDS)} do")
        return bind_register(base_cmd.base_name, reg)
    number = parse_number(key)
    if number is not None:
        cmd = _by_opcode().get(number)
        if cmd is None:
            known = document()["opcode_names"].get(str(number))
            what = f" ({known})" if known else ""
            raise LookupError(f"opcode {number:#x}{what} is not in the mlx5 fwctl allow-list")
        return cmd
    upper = key.upper().removeprefix("MLX5_CMD_OPCODE_").removeprefix("MLX5_CMD_OP_")
    if upper in _by_name():
        return _by_name()[upper]
    if upper in _register_index():
        return bind_register("ACCESS_REG", upper)
    names = [*_by_name(), *(f"ACCESS_REG:{r.name}" for r in _registers())]
    hint = close_matches(upper, names)
    more = f"; did you mean {', '.join(hint)}?" if hint else "; try `fwctl-tui commands`"
    raise LookupError(f"unknown command {text!r}{more}")


def generic_command(opcode: int) -> Command:
    """A decode-only stand-in for an opcode outside the allow-list (header + raw payload)."""
    known = document()["opcode_names"].get(str(opcode))
    name = known or f"OPCODE_{opcode:#06x}"
    return Command(
        name=name, opcode=opcode, group="device",
        summary="Not allow-listed by the mlx5 fwctl driver: the kernel refuses it at every "
                "scope, so only the mailbox header is decoded.",
        in_layout=MBOX_IN, out_layout=MBOX_OUT, layout_public=False,
        op_mods=MappingProxyType({}), allowed=False, in_public=False, out_public=False,
        note="Opcode not in the mlx5 fwctl allow-list.")


def cap_pages() -> list[dict[str, Any]]:
    """HCA capability pages: type, name, layout (None when the reference lacks it)."""
    return [dict(p) for p in document()["cap_pages"]]


def layout_contexts() -> Iterator[tuple[str, str, dict[str, str]]]:
    """(label, layout, context) for every layout the catalogue decodes: each command's
    input and output, each capability page in QUERY_HCA_CAP, and each register."""
    for cmd in commands():
        for layout in (cmd.in_layout, cmd.out_layout):
            if layout:
                yield f"{cmd.name}:{layout}", layout, {}
    for page in cap_pages():
        if page["layout"]:
            yield f"QUERY_HCA_CAP:{page['name']}", "query_hca_cap_out", {
                "capability": page["layout"]}
    general = _by_name()["QUERY_GENERAL_OBJECT"]
    for obj in document()["general_objects"]:
        if general.out_layout:
            yield f"QUERY_GENERAL_OBJECT:{obj['name']}", general.out_layout, {
                "object": obj["member"]}
    for reg in registers():
        yield f"register:{reg.name}", reg.layout, {}

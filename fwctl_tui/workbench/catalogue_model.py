"""The screens' one door into the decoders: catalogue rows, fields, encode, decode.

Screens and widgets ask this module, never the layout engine, so the data flow stays
form values -> encoder -> bytes -> device -> bytes -> decoder -> tree, and no screen
ever builds or slices bytes itself. Headless (no textual import). Form values are
`Values` (field path -> int, or text for the codec to parse), as the decoders take them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from fwctl_tui import register_writes
from fwctl_tui.decoders import (
    Command,
    DecodeError,
    EncodeError,
    FieldSpec,
    Node,
    catalogue,
    changes_device_state,
    decode_input,
    decode_output,
    encode_input,
    input_fields,
    iter_leaves,
    node_to_json,
    reply_buffer_size,
)
from fwctl_tui.decoders import node_at_bit as find_at
from fwctl_tui.decoders.layout import LayoutSet
from fwctl_tui.decoders.mlx5 import status as mlx5_status
from fwctl_tui.decoders.mlx5.data import layouts as mlx5_layouts
from fwctl_tui.decoders.values import parse_hex as parse
from fwctl_tui.exchange import Exchange
from fwctl_tui.mbox_header import OP_MOD, OPCODE
from fwctl_tui.uapi import Scope
from fwctl_tui.workbench.workspace import PlannedRpc
from fwctl_tui.write_intent import CurrentValue, FormWrite, write_only_given

Values = Mapping[str, object]  # field path -> value as a form holds it

if TYPE_CHECKING:
    from fwctl_tui.decoders.mlx5.status import SyndromeTable

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
    command: Command


def layouts() -> LayoutSet:
    """The mlx5 layout tables (for the catalogue's layout listings)."""
    return mlx5_layouts()


def _row(command: Command) -> Row:
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
    items = list(catalogue.commands())
    items += [catalogue.bind_register("ACCESS_REG", reg.name) for reg in catalogue.registers()]
    out = [_row(cmd) for cmd in items]
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    out.sort(key=lambda r: (order.get(r.group, len(order)), r.name))
    return tuple(out)


@cache
def row_index() -> dict[str, Row]:
    return {row.name: row for row in rows()}


class Found(NamedTuple):
    """Rows matching a query (ranked; catalogue order without one), the best one's name,
    and why each row matched (name -> reason)."""

    rows: list[Row]
    best: str | None
    why: dict[str, str]


def _by_full_name(query: str) -> list[tuple[Row, str]]:
    """Rows whose displayed name holds the query, exact first, then prefix, then inside.

    The decoders' index knows a register as `PAOS`, never as the `ACCESS_REG:PAOS` the
    catalogue shows, so a name copied from the list (or from `fwctl-tui commands`) would
    find nothing. Only for queries with a `:` (a register row's name): without one the
    decoders' own name search already covers every command."""
    text = query.strip().lower()
    if ":" not in text:
        return []
    exact, prefix, inside = [], [], []
    for row in rows():
        name = row.name.lower()
        if name == text:
            exact.append((row, ""))
        elif name.startswith(text):
            prefix.append((row, "name"))
        elif text in name:
            inside.append((row, "name"))
    return exact + prefix + inside


def _hits(query: str, limit: int) -> list[tuple[Row, str]]:
    """Best-first (row, why) without repeats: full names, then the word search (names,
    opcodes, register ids, summaries, fields; decoders.mlx5.word_search ranks them).
    `ACCESS_REG:0x5006` and `ACCESS_REG:admin` search the part after the `:` among that
    envelope's registers."""
    found = _by_full_name(query)
    head, colon, tail = query.strip().partition(":")
    envelope, asked = (f"{head.lower()}:", tail.strip()) if colon else ("", head)
    for match in catalogue.find_words(asked, limit=limit) if asked else []:
        row = find(match.name)
        if row is not None and row.name.lower().startswith(envelope):
            found.append((row, match.why))
    out: dict[str, tuple[Row, str]] = {}
    for row, why in found:
        out.setdefault(row.name, (row, why))
    return list(out.values())


WORDS_SHOWN = 60


def search(query: str) -> Found:
    """Rows matching `query` best first (full name as listed, name, opcode, register id,
    summary, field), why each matched, and the best one (an exact full name always
    wins). Without a query: every row in catalogue order."""
    every = rows()
    if not query.strip():
        return Found(list(every), None, {})
    # several words: the best WORDS_SHOWN; the weakest matches of a phrase are noise
    hits = _hits(query, limit=WORDS_SHOWN if len(query.split()) > 1 else len(every))
    return Found([row for row, _why in hits], hits[0][0].name if hits else None,
                 {row.name: why for row, why in hits})


def ranked(query: str, limit: int = 40) -> list[tuple[Row, str]]:
    """Best-first (row, why it matched) for the palette and the lessons."""
    if not query.strip():
        return []
    return _hits(query, limit=limit)


def warm() -> None:
    """Build the rows and the search index ahead of the first keystroke (worker thread)."""
    rows()
    catalogue.find_words("warm")


def find(name: str) -> Row | None:
    """The row for a catalogue name (as sessions and captures record it)."""
    return row_index().get(name)


def fields(command: Command, op_mod: int) -> list[FieldSpec]:
    """FieldSpecs of the input at `op_mod` (INDEX first for registers); op_mod itself is
    chosen by the screen's op_mod selector, so it is not a form field."""
    specs = input_fields(command, _op_mod_arg(command, op_mod))
    return [spec for spec in specs if spec.path != "op_mod"]


def _op_mod_arg(command: Command, op_mod: int) -> int | None:
    """Commands without named op_mods leave it to the codec (some inputs have none)."""
    return op_mod if command.op_mods else None


def encode(command: Command, values: Values, op_mod: int) -> bytes:
    """Input bytes from form values; raises EncodeError naming the field."""
    return encode_input(command, values, op_mod=_op_mod_arg(command, op_mod))


def encode_error_type() -> type[Exception]:
    return EncodeError


def out_cap(command: Command, request: bytes, op_mod: int) -> int:
    """Output buffer size: the reply layout for this request plus room for a trailing
    list, per the decoders (from the command alone when raw hex is too short to say which
    page or register)."""
    try:
        return reply_buffer_size(command, request, _op_mod_arg(command, op_mod))
    except (DecodeError, LookupError):
        return reply_buffer_size(command, None, _op_mod_arg(command, op_mod))


def writes(command: Command, request: bytes) -> bool:
    """Whether the request changes the device (a write, or a counter-clearing read)."""
    return changes_device_state(command, request)


def decode_reply(command: Command, reply: bytes, request: bytes) -> Node:
    return decode_output(command, reply, request)


def to_json(node: Node) -> object:
    return node_to_json(node)


def node_at_bit(root: Node, bit: int) -> Node | None:
    return find_at(root, bit)


def parse_hex(text: str) -> bytes:
    """Raw-hex mode: the decoders' parser (spaces, 0x and newlines allowed).

    Its complaints name a position in what was typed ("position 7", counted from 1)."""
    try:
        return parse(text, "raw hex")
    except ValueError as err:
        message = re.sub(r"\(character (\d+)\)", r"at position \1", str(err))
        raise ValueError(message) from None


def explain_status(status: int) -> tuple[str, str]:
    """(name, what it means) of an mlx5 command status."""
    return mlx5_status.status_name(status), mlx5_status.explain_status(status)


def explain_syndrome(opcode: int, syndrome: int, defined: SyndromeTable | None = None) -> str:
    return (mlx5_status.explain_syndrome(syndrome, opcode, defined)
            or "no explanation known for this syndrome")


def field_values(root: Node) -> dict[str, object]:
    """Leaf path -> raw value of a decoded tree (to refill a form after a read)."""
    out: dict[str, object] = {}
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
    command: Command, op_mod: int, values: Values, request: bytes, *, purpose: str = "send",
    before: Values | None = None, from_bytes: bool = False,
    auto_set: dict[str, str] | None = None, form_write: FormWrite | None = None,
) -> PlannedRpc:
    """A PlannedRpc for the preview: the scope defaults to the least accepted one.

    opcode and op_mod are read back from the bytes, so a raw-hex request is previewed
    for what it really asks, not for the command the form was opened on; with
    `from_bytes` (raw hex) the command itself is the one the bytes name.
    """
    opcode = OPCODE.get(request, command.opcode)
    op_mod = OP_MOD.get(request, op_mod)
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
        before=None if before is None else dict(before),
        purpose=purpose,
        register_write=(not from_bytes and command.register is not None
                        and command.is_write(op_mod)),
        auto_set=dict(auto_set or {}),
        form_write=form_write,
    )


def command_for_request(request: bytes) -> Command | None:
    """The catalogue command the bytes ask for (ACCESS_REG:<register> for a register
    access), or None when the opcode is not in the catalogue."""
    if len(request) < 2:
        return None
    try:
        command = catalogue.find(str(OPCODE.get(request, -1)))
    except LookupError:
        return None
    if command.register is None and command.name == "ACCESS_REG":
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


def enable_bit_docs(command: Command) -> dict[str, str]:
    """path -> one sentence for a register's governed fields and enable bits (the form)."""
    register = getattr(command, "register", None)
    return register_writes.enable_bit_docs(register.name if register is not None else None)


def apply_enable_bits(
    command: Command, values: Values, given: set[str], before: Values | None
) -> tuple[dict[str, object], dict[str, str]]:
    """The form's values with update-enable bits set (register_writes has the rule, so
    the TUI and `send` set the same bits); `given` are the fields the user edited.
    Returns the values and path -> why."""
    register = getattr(command, "register", None)
    result = register_writes.apply_enable_bits(
        register.name if register is not None else None, values, given, before)
    return result.values, result.auto_set


def write_only_fields(command: Command, paths: set[str]) -> list[str]:
    """The fields among `paths` only a register write uses (a read ignores them)."""
    return [path.removeprefix("register_data.") for path in write_only_given(command, paths)]


def current_value(values: Values, read_at: float | None) -> CurrentValue:
    """A form's read-back as write_intent's CurrentValue (for a stale comparison)."""
    return CurrentValue(dict(values), read_at or 0.0)


def form_write(given: Values, form_values: Values,
               earlier: CurrentValue | None) -> FormWrite:
    """What a form's register write asks for, built at preview time (write_intent)."""
    return FormWrite(dict(given), dict(form_values), earlier)


def least_scope(command: Command, op_mod: int) -> Scope:
    """The least scope the kernel accepts (CONFIGURATION stands in when none does)."""
    try:
        scope: Scope = command.min_scope(op_mod)
    except LookupError:
        return Scope["CONFIGURATION"]  # not allow-listed: the preview says it is refused
    return scope


def plan_from_exchange(exchange: Exchange) -> PlannedRpc:
    """Re-send an earlier RPC byte for byte. The preview starts at the least scope the
    command needs, not the one it was sent with (that one is remembered and shown)."""
    row = find(exchange.command)
    is_write = bool(row and writes(row.command, exchange.request))
    least = least_scope(row.command, exchange.op_mod) if row is not None else exchange.scope
    recorded = exchange.meta.get("values") if exchange.meta else None
    values = dict(recorded) if isinstance(recorded, dict) else {}
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

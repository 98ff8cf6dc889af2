"""Decode an Exchange's payloads into named fields, never failing the caller.

Replay listings, diff, redaction and the browser all need "the fields of this record";
a record the decoders cannot read (unknown command, short reply, decoder bug) still has
to list, with its raw hex. So everything here returns a Decoded with an `error` text
instead of raising, and flattens trees into {path: value} maps that are cheap to compare.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import Any, ClassVar

from fwctl_tui import mbox_header
from fwctl_tui.decoders import catalogue, decode_input, decode_output
from fwctl_tui.decoders.node import LEAF_KINDS
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import Scope

# Mailbox header fields: the same in every command, never interesting to compare or pair.
HEADER_FIELDS = frozenset({"opcode", "uid", "op_mod", "status", "syndrome", "reserved"})


@dataclass
class Field:
    """One decoded leaf: where its bits live (for redaction) and what it says."""

    path: str
    name: str
    value: Any
    bit_offset: int | None
    width_bits: int
    access: str | None = None
    label: str | None = None  # the enum name of `value`, when the field has one


class Decoded:
    """Input and output trees of one Exchange (None where undecodable, with `error`).

    The trees are lazy views; the flat field maps are built on first use, because listing
    and browsing need only the trees while diff and redaction need the fields.
    """

    def __init__(self, input: Any = None, output: Any = None, error: str | None = None):
        self.input = input
        self.output = output
        self.error = error

    @cached_property
    def input_fields(self) -> dict[str, Field]:
        return flatten(self.input)

    @cached_property
    def output_fields(self) -> dict[str, Field]:
        return flatten(self.output)


@dataclass(frozen=True)
class Resolution:
    """The catalogue Command a record's bytes ask for, and why the recorded name disagrees."""

    command: Any  # catalogue Command, or None outside the catalogue
    mismatch: str | None = None  # "recorded as X (0x...) but the request's opcode is ..."


@cache
def _resolve(name: str, opcode: int) -> Resolution:
    """By the recorded name when it agrees with the request's opcode, else by the opcode.

    The opcode is what the device received, so it decides: a name from another tool
    version is looked up by opcode, and a name that contradicts the bytes is flagged.
    """
    by_name = _lookup(name)
    if by_name is not None and by_name.opcode == opcode:
        return Resolution(by_name)
    by_opcode = _lookup(str(opcode)) if opcode >= 0 else None
    if by_name is None:
        return Resolution(by_opcode)
    actual = (f"0x{opcode:04x} ({by_opcode.name})" if by_opcode is not None
              else f"0x{opcode:04x}, not a catalogue command" if opcode >= 0
              else "missing (request shorter than 2 bytes)")
    verdict = f"decoded as {by_opcode.name}" if by_opcode is not None else "shown raw"
    return Resolution(by_opcode, f"recorded as {name} (opcode 0x{by_name.opcode:04x}) but the "
                                 f"request's opcode is {actual}: {verdict}, as sent")


def _lookup(key: str) -> Any:
    try:
        return catalogue.find(key)
    except (LookupError, ValueError):
        return None


def resolve(exchange: Exchange) -> Resolution:
    """The command a record decodes as, and a note when its name and opcode disagree."""
    return _resolve(exchange.command, exchange.opcode)


def command_for(exchange: Exchange) -> Any:
    """The catalogue Command for a record's request bytes, or None outside the catalogue."""
    return resolve(exchange).command


def command_name(exchange: Exchange) -> str:
    """The record's command name, unless its opcode says otherwise (then the opcode's)."""
    found = resolve(exchange)
    if found.mismatch is None:
        return exchange.command
    return found.command.name if found.command is not None else f"OPCODE_0x{exchange.opcode:04x}"


def decode(exchange: Exchange) -> Decoded:
    """Decode both sides; any decoder failure becomes `error`, never an exception."""
    command = command_for(exchange)
    if command is None:
        what = (f"{exchange.command} is not in the catalogue" if resolve(exchange).mismatch
                is None else f"opcode 0x{exchange.opcode:04x} is not in the catalogue")
        return Decoded(error=f"{what}: raw bytes only")
    out = Decoded()
    try:
        out.input = decode_input(command, exchange.request)
    except Exception as err:  # a decoder bug must not hide the record
        out.error = f"request does not decode: {err}"
    if exchange.reply is not None:
        try:
            out.output = decode_output(command, exchange.reply, in_=exchange.request)
        except Exception as err:
            out.error = f"reply does not decode: {err}"
    return out


def flatten(node: Any, limit: int | None = None) -> dict[str, Field]:
    """{path: Field} of the tree's present leaves, header and reserved fields left out.

    With `limit`, only the first `limit` leaves outside arrays: a flexible array in a
    2 MiB reply has 260k elements, and merely listing them takes seconds.
    """
    fields: dict[str, Field] = {}
    if node is None:
        return fields
    stack = [node]
    while stack and (limit is None or len(fields) < limit):
        current = stack.pop()
        if limit is not None and current.kind == "array":
            continue
        children = current.children
        if children:
            stack.extend(reversed(children))
            continue
        name = current.name
        if name in HEADER_FIELDS or name.startswith("reserved") or current.missing:
            continue
        path = current.path or name
        fields[path] = Field(path, name, current.value, current.bit_offset,
                             current.width_bits, current.access, current.label)
    return fields


# 64-bit counters split in two dwords. Only `_high`/`_low`: `_hi`/`_lo` pairs are often two
# different values (MTMP's temp_threshold_hi/_lo are two thresholds, not one number).
_HILO = re.compile(r"^(?P<base>.+?)_high$")


def values(fields: dict[str, Field]) -> dict[str, Any]:
    """{path: value} with `x_high`/`x_low` pairs joined into one 64-bit `x`."""
    out = {path: f.value for path, f in fields.items()}
    for path in [p for p in out if _HILO.match(p)]:
        base = _HILO.match(path).group("base")  # type: ignore[union-attr]
        low = f"{base}_low" if f"{base}_low" in out else None
        high_value, low_value = out.get(path), out.get(low) if low else None
        if low and isinstance(high_value, int) and isinstance(low_value, int):
            out[base] = (high_value << 32) | low_value
            del out[path], out[low]
    return out


_INDEX_NAME = re.compile(
    r"(^|_)(local_port|port_num|pnat|lp_msb|grp|prio_tc|lane|module|page|i2c_device_address|"
    r"device_address|register_id|argument|vport_number|other_vport|counter_set_id|"
    r"q_counter_index|type|index|id)$"
)


def index_fields(decoded: Decoded) -> dict[str, Any]:
    """What a request asks about: its pairing key and listing summary.

    Registers mark their key fields INDEX, so for them that is all; other commands carry
    no access flags and their object ids, port numbers and types are found by name.
    """
    return _index_of(decoded.input_fields)


def _index_of(fields: dict[str, Field]) -> dict[str, Any]:
    if any(f.access for f in fields.values()):
        return {p: f.value for p, f in fields.items()
                if (f.access or "").upper() == "INDEX" or f.name in _NOT_SUMMARY}
    return {p: f.value for p, f in fields.items() if _INDEX_NAME.search(f.name)}


_NOT_SUMMARY = frozenset({"register_id", "argument"})
# Index fields shown even when 0: which page or group a record asked for tells rows apart
# (PDDR's operation page is page_select=0, PPCNT's IEEE 802.3 counters grp=0).
SELECTORS = frozenset({"page_select", "grp", "page", "sensor_index", "group", "obj_type",
                       "i2c_device_address"})
# A listing line must not walk a 2 MiB reply's 260k array elements: big payloads are
# summarised from their first fields only.
SUMMARY_BYTES = 64 * 1024
SUMMARY_LEAVES = 512


def summary(exchange: Exchange, decoded: Decoded | None = None, limit: int = 4,
            compact: bool = False) -> str:
    """One line for listings: what was wrong with the record (short reply, missing status,
    name/opcode mismatch), what was asked (non-zero index fields), then what came back
    (a few non-zero output fields, or the status and syndrome of a failure)."""
    from fwctl_tui.captures.checks import problems
    from fwctl_tui.drivers.records import summary as driver_summary

    driver = driver_summary(exchange)  # a cxl/pds/bnxt record: its plug-in's terms
    if driver is not None:
        return driver
    flags = [f"⚠ {problem}" for problem in problems(exchange)]
    text = _summary(exchange, decoded, limit, compact)
    return " ".join([*flags, text]) if text else " ".join(flags)


def _summary(exchange: Exchange, decoded: Decoded | None, limit: int, compact: bool) -> str:
    """Listing a 100k-record capture calls this 100k times, so it reads as little as it
    can: the request part is computed once per distinct request, and the reply's tree is
    walked only until `limit` values (and one more, for the ellipsis) are found."""
    command = command_for(exchange)
    asked, asked_parts = _asked(exchange.command, match_key_of(exchange.request), compact)
    parts = list(asked_parts)
    if exchange.errno:
        return " ".join(parts)
    if exchange.status:
        parts.append(f"syndrome=0x{exchange.syndrome or 0:08x}")
        return " ".join(parts)
    if command is None:
        return " ".join([*parts, decode(exchange).error or ""]).strip()
    output = decoded.output if decoded is not None else None
    if output is None and exchange.reply is not None:
        try:
            output = decode_output(command, exchange.reply, in_=exchange.request)
        except Exception as err:  # a decoder bug must not hide the record
            return " ".join([*parts, f"reply does not decode: {err}"])
    big = len(exchange.request) + len(exchange.reply or b"") > SUMMARY_BYTES
    key_first: list[tuple[int, str]] = []  # key results lead (a link down's blame ...)
    rest: list[str] = []
    for name, value, label in _joined_leaves(output, skip_arrays=big):
        if not value or isinstance(value, bytes) or name in asked or name in _NOT_SUMMARY:
            continue
        text = _part(name, value, label, compact)
        if name in KEY_RESULTS:
            key_first.append((KEY_RESULTS.index(name), text))
        elif not (compact and name in _NOT_COMPACT):
            rest.append(text)
        if len(rest) > limit:  # enough for the line and its ellipsis
            break
    shown = [*(text for _, text in sorted(key_first)), *rest]
    parts += shown[:limit + len(key_first)] if len(rest) <= limit else [
        *shown[:limit + len(key_first)], "…"]
    return " ".join(parts)


# Reply fields that say what a record found: listed before the others on its line.
KEY_RESULTS = (
    "down_blame", "oper_status", "down_intent", "phy_mngr_fsm_state", "an_status",
    "ext_eth_proto_oper", "temperature", "monitor_opcode", "module_status", "error_type",
)
_NOT_COMPACT = frozenset({"time_since_last_clear"})  # true of every counter read


def match_key_of(request: bytes) -> bytes:
    """Request bytes with the uid zeroed (what two equivalent requests share)."""
    return mbox_header.without_uid(request)


@lru_cache(maxsize=1024)
def _asked(name: str, request: bytes, compact: bool = False
           ) -> tuple[frozenset[str], tuple[str, ...]]:
    """(names of the request's non-zero index fields, their `name=value` texts, op_mod's
    name first where it says something): the same for every record of one request."""
    exchange = Exchange(command=name, scope=Scope.CONFIGURATION, request=request, out_cap=0)
    command = command_for(exchange)
    if command is None:
        return frozenset(), ()
    try:
        root = decode_input(command, request)
    except Exception:  # a request the decoder cannot read asks nothing nameable
        return frozenset(), ()
    big = len(request) > SUMMARY_BYTES
    inputs = flatten(root, SUMMARY_LEAVES) if big else flatten(root)
    asked = {_short(p): (v, inputs[p].label) for p, v in _index_of(inputs).items()
             if (v or _short(p) in SELECTORS) and _short(p) not in _NOT_SUMMARY}
    parts = [_part(key, value, None if compact else label, compact)
             for key, (value, label) in asked.items()
             if not (compact and key == "local_port" and value == 1)]
    op_mod_name = _op_mod_name(exchange)
    if op_mod_name and not name.startswith("ACCESS_REG"):
        parts.insert(0, f"op_mod={op_mod_name}")
    return frozenset(asked), tuple(parts)


def request_selectors(name: str, request: bytes) -> tuple[str, ...]:
    """`name=value` of what a request asks about (op_mod's name, index fields), as listed."""
    return _asked(name, request)[1]


def _part(name: str, value: Any, label: str | None, compact: bool) -> str:
    """`name=value (label)`; compact (the browser's narrow rows): `name=label` for results,
    selectors by number (`page_select=6`), port 1 (the usual one) left out by the caller."""
    if not label:
        return f"{name}={_fmt(value)}"
    return f"{name}={label}" if compact else f"{name}={_fmt(value)} ({label})"


def _joined_leaves(node: Any, *, skip_arrays: bool) -> Iterator[tuple[str, Any, str | None]]:
    """(short name, value, enum label) of the tree's leaves in layout order, built lazily;
    an `x_high` leaf followed by `x_low` is one 64-bit `x` (as values() joins them).
    Mailbox header and reserved fields are left out; a leaf beyond a short buffer has the
    value None. One generator, no per-leaf objects: a listing runs this for every record."""
    pending: tuple[str, Any, str | None] | None = None
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        kind = current.kind
        if kind not in LEAF_KINDS:  # (a leaf's kind says so: no children list to build)
            if skip_arrays and kind == "array":
                continue
            children = current.children
            if children:
                stack.extend(reversed(children))
                continue
        name = current.name
        if name in HEADER_FIELDS or name.startswith("reserved"):
            continue
        value = current.value
        if pending is not None:
            high_name, high_value, high_label = pending
            pending = None
            if (name == f"{high_name[:-5]}_low" and isinstance(high_value, int)
                    and isinstance(value, int)):
                yield high_name[:-5], (high_value << 32) | value, None
                continue
            yield high_name, high_value, high_label
        label = current.label if value else None
        if name.endswith("_high"):
            pending = (name, value, label)
        else:
            yield name, value, label
    if pending is not None:
        yield pending


def _op_mod_name(exchange: Exchange) -> str | None:
    command = command_for(exchange)
    try:
        return command.op_mod_name(exchange.op_mod) if command is not None else None
    except (AttributeError, LookupError):
        return None


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _fmt(value: Any) -> str:
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


TREE_CHILDREN = 1000  # per level; a 2 MiB reply's flexible array has 260k elements


class _More:
    """The leaf that stands for the elements a capped level leaves out."""

    children: ClassVar[list[Any]] = []
    value = label = access = doc = None
    missing = False
    width_bits = 0
    kind = "int"

    def __init__(self, hidden: int, first: Any) -> None:
        self.name = f"… {hidden} more (see the hex view)"
        self.path = getattr(first, "path", "")
        self.bit_offset = getattr(first, "bit_offset", 0)


class Capped:
    """A decoder Node whose child lists stop at TREE_CHILDREN, for tree widgets.

    A 2 MiB reply's flexible array has 260k elements; a tree widget given them all takes
    seconds and megabytes to build rows nobody scrolls to. The hex view shows the rest.
    """

    def __init__(self, node: Any) -> None:
        self._node = node
        self._children: list[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._node, name)

    @property
    def children(self) -> list[Any]:
        if self._children is None:
            kids = self._node.children or []
            self._children = [Capped(kid) for kid in kids[:TREE_CHILDREN]]
            if len(kids) > TREE_CHILDREN:
                self._children.append(_More(len(kids) - TREE_CHILDREN, kids[TREE_CHILDREN]))
        return self._children

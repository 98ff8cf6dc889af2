"""Decode an Exchange's payloads into named fields, and check the record is what it claims.

Replay listings, diff, redaction and the browser all need "the fields of this record";
a record the decoders cannot read (unknown command, short reply, decoder bug) still has
to list, with its raw hex. So everything here returns a Decoded with an `error` text
instead of raising, and flattens trees into {path: value} maps that are cheap to compare.

A capture line can also parse and still be wrong: a reply cut short by a bad copy, a
reply with no status byte at all, a request whose opcode is not the command the record
names. Listing such a record as `OK` would hide the damage, so `outcome()` names the
worst flag instead (`SHORT_REPLY`, `NO_STATUS`, `OPCODE_MISMATCH`) and `problems()` says
what is wrong in words (`short reply: 2 of 4112 bytes`). Only the recorded bytes and
sizes are trusted, as the loader does. (The checks resolve records as decoding does,
and the listing line in listing.py shows both, so they live in one module.)
"""

from __future__ import annotations

import errno as _errno
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import Any

from fwctl_tui import mbox_header
from fwctl_tui.decoders import catalogue, decode_input, decode_output
from fwctl_tui.decoders.values import join_halves
from fwctl_tui.drivers.records import SHORT_REPLY
from fwctl_tui.drivers.records import outcome as driver_outcome
from fwctl_tui.exchange import Exchange

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


def values(fields: dict[str, Field]) -> dict[str, Any]:
    """{path: value} with `x_high`/`x_low` pairs joined into one 64-bit `x` (join_halves),
    the joined counters after the other fields: the order diff and findings list them in."""
    plain = {path: f.value for path, f in fields.items()}
    joined = join_halves(plain)
    return {**{path: value for path, value in joined.items() if path in plain}, **joined}


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
    return index_of(decoded.input_fields)


def index_of(fields: dict[str, Field]) -> dict[str, Any]:
    """index_fields of a flat field map (the listing line reads a request's map)."""
    if any(f.access for f in fields.values()):
        return {p: f.value for p, f in fields.items()
                if (f.access or "").upper() == "INDEX" or f.name in NOT_SUMMARY}
    return {p: f.value for p, f in fields.items() if _INDEX_NAME.search(f.name)}


# Selector fields that are part of a request's key but say nothing in a listing line.
NOT_SUMMARY = frozenset({"register_id", "argument"})


def match_key_of(request: bytes) -> bytes:
    """Request bytes with the uid zeroed (what two equivalent requests share)."""
    return mbox_header.without_uid(request)


# -- integrity checks: is a record what it claims to be? ----------------------------
# status byte and syndrome: the least a reply needs to say how it went
REPLY_HEADER = max(mbox_header.STATUS.end, mbox_header.SYNDROME.end)
NO_STATUS, OPCODE_MISMATCH = "NO_STATUS", "OPCODE_MISMATCH"  # SHORT_REPLY: records'
FLAGS = (SHORT_REPLY, NO_STATUS, OPCODE_MISMATCH)


def problems(exchange: Exchange) -> list[str]:
    """What is inconsistent about this record, in words; [] for a sound record."""
    found: list[str] = []
    mismatch = resolve(exchange).mismatch
    if mismatch:
        found.append(mismatch)
    if exchange.errno:
        return found  # no reply is expected after a failed ioctl
    reply = exchange.reply
    if reply is None or not reply:
        found.append("no reply and no errno: the status is missing")
        return found
    have, expected = len(reply), _expected_size(exchange)
    if have < expected:
        found.append(f"short reply: {have} of {expected} bytes")
    return found


def outcome(exchange: Exchange) -> str:
    """OK, an mlx5 status name or an errno name, unless the record is damaged: then the
    flag (NO_STATUS, SHORT_REPLY, OPCODE_MISMATCH), so nothing damaged lists as OK."""
    driver = driver_outcome(exchange)  # a cxl/pds/bnxt record: its plug-in's terms
    if driver is not None:
        return driver
    if exchange.errno:
        return exchange.outcome()
    reply = exchange.reply
    if not reply:
        return NO_STATUS
    if len(reply) < _lost_bytes_floor(exchange):
        return SHORT_REPLY
    if resolve(exchange).mismatch:
        return OPCODE_MISMATCH
    if exchange.status == 0 and len(reply) < _layout_size(exchange):
        return SHORT_REPLY
    return exchange.outcome()


def _lost_bytes_floor(exchange: Exchange) -> int:
    """Bytes the reply must have whatever its layout: the status and syndrome, and what the
    kernel said it returned (out_len, capped by the buffer asked for)."""
    return max(REPLY_HEADER, min(exchange.out_len, exchange.out_cap))


def _expected_size(exchange: Exchange) -> int:
    floor = _lost_bytes_floor(exchange)
    if exchange.status != 0 and exchange.reply and len(exchange.reply) >= floor:
        return floor  # a failed command's reply is the header: its layout does not apply
    return max(floor, _layout_size(exchange))


def _layout_size(exchange: Exchange) -> int:
    """Bytes of the reply layout the request resolves to (0 when it cannot be told)."""
    command = command_for(exchange)
    if command is None:
        return 0
    head = mbox_header.without_uid(exchange.request[:32])
    return _layout_size_of(command, head)


@lru_cache(maxsize=4096)
def _layout_size_of(command: object, request_head: bytes) -> int:
    # The reply layout depends on op_mod, register_id and obj_type, all in the first
    # 32 request bytes; the rest of a long request never changes it.
    from fwctl_tui.decoders import output_size

    try:
        return int(output_size(command, in_=request_head.ljust(32, b"\0")))  # type: ignore[arg-type]
    except Exception:  # a decoder that cannot size this request must not hide the record
        return 0


def accepted_statuses() -> list[str]:
    """Every outcome `--status` understands, besides errno names (and ERROR)."""
    from fwctl_tui.decoders.mlx5.data import document

    names = list(document()["status"])
    return ["OK", "ERROR", *[n for n in names if n != "OK"], *FLAGS]


def is_known_status(text: str) -> bool:
    """Whether `--status TEXT` can match anything: a status, a flag, an errno name or a
    part of one (`BAD_PARAM` for `BAD_PARAM_ERR`)."""
    key = text.strip().upper()
    if not key:
        return False
    names = [*accepted_statuses(), *_errno.errorcode.values()]
    return any(key == name or key in name for name in names)

"""The one place where the simulated firmware turns field values into mailbox bytes.

Handlers never touch bytes: they read a decoded `Request` (field values by path, as the
catalogue's decoder sees the input) and return a `Reply` of field values by path (enum
labels allowed), or raise `FirmwareError`. This module encodes replies with the
catalogue's encoder (errors as the generic mailbox header with status and syndrome),
appends a variable-length tail when a command returns one (elements encoded from catalogue
layouts), and fits the result to the caller's output length the way firmware fills a
mailbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fwctl_tui.decoders import decode_input, encode_layout, encode_output, iter_leaves, output_size
from fwctl_tui.decoders.mlx5.catalogue import MBOX_OUT, Command
from fwctl_tui.sim.mlx5.syndromes import ErrorKind, syndrome


class FirmwareError(Exception):
    """The command fails in firmware: a status and syndrome in an otherwise empty reply."""

    def __init__(self, kind: ErrorKind, detail: str = "") -> None:
        super().__init__(detail or kind.reason)
        self.kind = kind
        self.detail = detail or kind.reason


@dataclass
class Request:
    """An input mailbox, decoded by the catalogue: leaf values by dotted path, and the
    op_mod of its header (every command has one, whatever its layout names it)."""

    command: Command
    raw: bytes
    fields: dict[str, Any]
    op_mod: int = 0

    @property
    def opcode(self) -> int:
        return self.command.opcode

    def int(self, path: str, default: int = 0) -> int:
        value = self.fields.get(path)
        if isinstance(value, int):
            return value
        if isinstance(value, bytes | bytearray):
            return int.from_bytes(value, "big")
        return default


@dataclass
class Reply:
    """A successful reply: field values by path, plus an optional encoded tail."""

    values: dict[str, Any] = field(default_factory=dict)
    tail: bytes = b""


def decode_request(command: Command, raw: bytes, op_mod: int | None = None) -> Request:
    """Decode the whole input mailbox once; handlers then read fields by path. `op_mod`
    is the header's (parse_request_header); without it, the layout's op_mod field."""
    root = decode_input(command, raw)
    fields = {leaf.path: leaf.value for leaf in iter_leaves(root) if leaf.value is not None}
    request = Request(command, raw, fields)
    request.op_mod = request.int("op_mod") if op_mod is None else op_mod
    return request


def encode_struct(layout: str, values: Mapping[str, Any]) -> bytes:
    """One catalogue layout encoded on its own: elements of variable-length tails."""
    return encode_layout(layout, values)


def reply_size(command: Command, request: Request) -> int:
    """Bytes the reply needs at least (its fixed layout; tails are optional extras)."""
    return output_size(command, request.raw)


def success(command: Command, request: Request, reply: Reply) -> bytes:
    """The encoded reply: status and syndrome stay zero (OK), the tail follows."""
    return encode_output(command, reply.values, in_=request.raw) + reply.tail


def failure(opcode: int, kind: ErrorKind, status: int | None = None,
            syndrome_value: int | None = None) -> bytes:
    """An error reply: header only, the rest zero, as firmware leaves it.

    Built from the catalogue's generic mailbox header rather than each command's layout
    because a few kernel layouts (query_scheduling_element_out) start with opcode/op_mod
    where status should be.
    """
    return encode_layout(MBOX_OUT, {
        "status": kind.status if status is None else status,
        "syndrome": syndrome(opcode, kind) if syndrome_value is None else syndrome_value})


def fit(reply: bytes, out_len: int) -> bytes:
    """Exactly out_len bytes: zero padded, or cut (the caller sized the buffer)."""
    return reply[:out_len] + bytes(max(0, out_len - len(reply)))

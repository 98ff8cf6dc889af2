"""The mlx5 command mailbox headers, read and written at the offsets the facts give.

Every mlx5 request starts with mbox_in_hdr (opcode, uid, op_mod) and every reply with
mbox_out_hdr (status, syndrome); an ACCESS_REG request adds register_id. The simulated
driver, the firmware model, replay matching, capture checks, the codec and the CLI all
read these fields, so they read them here: each offset and width comes from the facts'
header tables (fwctl_facts.json, mlx5.mbox_in_hdr / mbox_out_hdr / access_register_in),
never from a literal. Plain big-endian integers at byte offsets: this sits below the
decoders (the field-table engine is for the bit-packed bodies) and is cheap enough for
the per-record paths of a 100k-record capture.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fwctl_tui.facts import facts


class HeaderError(ValueError):
    """A buffer too short to hold the whole header."""


@dataclass(frozen=True)
class HeaderField:
    """One big-endian header field: `size` bytes from byte `offset`."""

    name: str
    offset: int
    size: int

    @property
    def end(self) -> int:
        return self.offset + self.size

    def read(self, data: bytes) -> int | None:
        """The field's value, or None when `data` ends before the field does."""
        if len(data) < self.end:
            return None
        return int.from_bytes(data[self.offset:self.end], "big")

    def get(self, data: bytes, default: int) -> int:
        """The field's value, or `default` when `data` ends before the field does."""
        value = self.read(data)
        return default if value is None else value

    def write(self, data: bytes, value: int) -> bytes:
        """`data` with this field set to `value` (the buffer must hold the field)."""
        if len(data) < self.end:
            raise HeaderError(f"{self.name}: {len(data)} bytes end before byte {self.end}")
        return bytes(data[:self.offset]) + value.to_bytes(self.size, "big") + bytes(
            data[self.end:])


def _rows(table: str) -> list[dict[str, Any]]:
    rows = facts()["mlx5"][table]
    found: list[dict[str, Any]] = rows["fields"] if isinstance(rows, dict) else rows
    return found


def _field(table: str, name: str) -> HeaderField:
    for row in _rows(table):
        if row["name"] == name:
            return HeaderField(name, row["byte_offset"], row["byte_size"])
    raise LookupError(f"the facts' {table} has no field {name!r}")


_SIZES: dict[str, int] = facts()["mlx5"]["mbox_hdr_size_bytes"]
REQUEST_SIZE: int = _SIZES["mbox_in_hdr"]  # bytes of mbox_in_hdr
REPLY_SIZE: int = _SIZES["mbox_out_hdr"]  # bytes of mbox_out_hdr

OPCODE = _field("mbox_in_hdr", "opcode")
UID = _field("mbox_in_hdr", "uid")  # stamped by the kernel driver per open file
OP_MOD = _field("mbox_in_hdr", "op_mod")
STATUS = _field("mbox_out_hdr", "status")  # 0 = OK
SYNDROME = _field("mbox_out_hdr", "syndrome")
REGISTER_ID = _field("access_register_in", "register_id")  # ACCESS_REG requests only
ACCESS_REG_OPCODE: int = facts()["mlx5"]["opcodes"]["MLX5_CMD_OP_ACCESS_REG"]


@dataclass(frozen=True)
class RequestHeader:
    opcode: int
    uid: int
    op_mod: int


@dataclass(frozen=True)
class ReplyHeader:
    status: int
    syndrome: int


def parse_request(data: bytes) -> RequestHeader:
    """opcode, uid and op_mod of an input mailbox; HeaderError when it is shorter than
    the header."""
    if len(data) < REQUEST_SIZE:
        raise HeaderError(f"request: {len(data)} bytes, the header needs {REQUEST_SIZE}")
    return RequestHeader(OPCODE.get(data, 0), UID.get(data, 0), OP_MOD.get(data, 0))


def parse_reply(data: bytes) -> ReplyHeader:
    """status and syndrome of an output mailbox; HeaderError when it is shorter than
    the header."""
    if len(data) < REPLY_SIZE:
        raise HeaderError(f"reply: {len(data)} bytes, the header needs {REPLY_SIZE}")
    return ReplyHeader(STATUS.get(data, 0), SYNDROME.get(data, 0))


def without_uid(request: bytes) -> bytes:
    """The request with its uid zeroed: what two equivalent requests from different open
    files share (the driver stamps each file's uid). Too short to hold a uid: as given."""
    if len(request) < UID.end:
        return bytes(request)
    return UID.write(request, 0)


def is_access_reg(request: bytes) -> bool:
    """Whether the request's opcode is ACCESS_REG (its register_id names the register)."""
    return OPCODE.read(request) == ACCESS_REG_OPCODE

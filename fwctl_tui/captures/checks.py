"""Is a record what it claims to be? Integrity flags for listings, summaries and outcomes.

A capture line can parse and still be wrong: a reply cut short by a bad copy, a reply
with no status byte at all, a request whose opcode is not the command the record names.
Listing such a record as `OK` would hide the damage, so `outcome()` names the worst flag
instead (`SHORT_REPLY`, `NO_STATUS`, `OPCODE_MISMATCH`) and `problems()` says what is
wrong in words (`short reply: 2 of 4112 bytes`). Only the recorded bytes and sizes are
trusted, as the loader does.
"""

from __future__ import annotations

import errno as _errno
from functools import lru_cache

from fwctl_tui.captures import decoding
from fwctl_tui.drivers.records import outcome as driver_outcome
from fwctl_tui.exchange import Exchange

REPLY_HEADER = 8  # status byte and syndrome: the least a reply needs to say how it went
SHORT_REPLY, NO_STATUS, OPCODE_MISMATCH = "SHORT_REPLY", "NO_STATUS", "OPCODE_MISMATCH"
FLAGS = (SHORT_REPLY, NO_STATUS, OPCODE_MISMATCH)


def problems(exchange: Exchange) -> list[str]:
    """What is inconsistent about this record, in words; [] for a sound record."""
    found: list[str] = []
    mismatch = decoding.resolve(exchange).mismatch
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
    if decoding.resolve(exchange).mismatch:
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
    command = decoding.command_for(exchange)
    if command is None:
        return 0
    head = exchange.request[:32]
    head = head[:2] + b"\0\0" + head[4:] if len(head) >= 4 else head  # uid masked
    return _layout_size_of(command, bytes(head))


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

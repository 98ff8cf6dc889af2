"""Byte-aligned mailbox envelopes as construct Structs, built from the facts' header tables.

The bit-packed bodies go through the field-table engine; the 16-byte headers are plain
big-endian integers at byte offsets, which construct states directly. Useful where only
the header matters: routing a captured request, or reading a reply's status fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import construct as cs

from fwctl_tui.decoders.errors import DecodeError
from fwctl_tui.facts import facts


def _struct(rows: list[Mapping[str, Any]], size: int) -> cs.Struct:
    parts: list[Any] = []
    pos = 0
    for row in sorted(rows, key=lambda r: r["byte_offset"]):
        if "byte_size" not in row:  # a data area running to the end of the buffer
            break
        if row["byte_offset"] > pos:
            parts.append(cs.Padding(row["byte_offset"] - pos))
        width = row["byte_size"]
        if row["name"].startswith("reserved"):
            parts.append(cs.Padding(width))
        else:
            parts.append(row["name"] / cs.BytesInteger(width))
        pos = row["byte_offset"] + width
    if pos < size:
        parts.append(cs.Padding(size - pos))
    return cs.Struct(*parts)


@cache
def request_header() -> cs.Struct:
    """mbox_in_hdr: opcode, uid, op_mod (16 bytes)."""
    mlx5 = facts()["mlx5"]
    return _struct(mlx5["mbox_in_hdr"], mlx5["mbox_hdr_size_bytes"]["mbox_in_hdr"])


@cache
def reply_header() -> cs.Struct:
    """mbox_out_hdr: status, syndrome (16 bytes)."""
    mlx5 = facts()["mlx5"]
    return _struct(mlx5["mbox_out_hdr"], mlx5["mbox_hdr_size_bytes"]["mbox_out_hdr"])


def _parse(struct: cs.Struct, data: bytes, what: str) -> dict[str, int]:
    size = struct.sizeof()
    if len(data) < size:
        raise DecodeError(f"{what}: {len(data)} bytes, the header needs {size}",
                          position=len(data))
    parsed = struct.parse(bytes(data[:size]))
    return {k: v for k, v in parsed.items() if not k.startswith("_")}


def parse_request_header(data: bytes) -> dict[str, int]:
    """{"opcode", "uid", "op_mod"} of an input mailbox."""
    return _parse(request_header(), data, "request")


def parse_reply_header(data: bytes) -> dict[str, int]:
    """{"status", "syndrome"} of an output mailbox."""
    return _parse(reply_header(), data, "reply")

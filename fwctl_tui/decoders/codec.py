"""Encode/decode entry points: mlx5 mailboxes per Command, and any layout by name.

`encode_layout` / `decode_layout` work on the mlx5 layout set (what the simulator uses to
build firmware replies for arbitrary structs); the per-command functions add the header
values and pick union members from the request (see mlx5/codec.py for the path scheme).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fwctl_tui.decoders.engine import decode_layout_in, encode_layout_in
from fwctl_tui.decoders.mlx5.codec import (
    FieldSpec,
    changes_device_state,
    decode_input,
    decode_output,
    describe_fields,
    encode_input,
    encode_output,
    input_fields,
    output_size,
    parse_op_mod,
    reply_buffer_size,
)
from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.decoders.node import Node


def decode_layout(layout_name: str, data: bytes, context: Mapping[str, str] | None = None) -> Node:
    """Decode `data` as any mlx5 layout; `context` maps union field paths to a member or
    layout name (e.g. {"capability": "cmd_hca_cap"})."""
    return decode_layout_in(layouts(), layout_name, bytes(data), context)


def encode_layout(layout_name: str, values: Mapping[str, Any],
                  context: Mapping[str, str] | None = None, *,
                  size_bytes: int | None = None) -> bytes:
    """Encode values (path scheme of mlx5/codec.py) as any mlx5 layout, zero elsewhere."""
    return encode_layout_in(layouts(), layout_name, values, context, size_bytes=size_bytes)


__all__ = [
    "FieldSpec",
    "changes_device_state",
    "decode_input",
    "decode_layout",
    "decode_output",
    "describe_fields",
    "encode_input",
    "encode_layout",
    "encode_output",
    "input_fields",
    "output_size",
    "parse_op_mod",
    "reply_buffer_size",
]

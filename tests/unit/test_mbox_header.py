"""The one mailbox-header parser reads the fields where the reference says they are.

Checked against ../shared/reference read here directly (not through the packaged facts
copy the parser loads): fwctl-facts.json's header tables, and every command layout of
mlx5_ifc.json that has the header's fields, so a wrong offset in either copy shows.
"""

from __future__ import annotations

import ast
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from helpers.reference_layouts import REFERENCE

import fwctl_tui
from fwctl_tui import mbox_header
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import Scope

PARSER_FIELDS = {
    ("mbox_in_hdr", "opcode"): mbox_header.OPCODE,
    ("mbox_in_hdr", "uid"): mbox_header.UID,
    ("mbox_in_hdr", "op_mod"): mbox_header.OP_MOD,
    ("mbox_out_hdr", "status"): mbox_header.STATUS,
    ("mbox_out_hdr", "syndrome"): mbox_header.SYNDROME,
}


@cache
def _reference(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REFERENCE / name).read_text())
    return data


def _bits(row: dict[str, Any]) -> tuple[int, int]:
    return row["bit_offset"], row["bit_size"]


@pytest.mark.parametrize(("table", "name"), list(PARSER_FIELDS))
def test_header_field_is_where_the_reference_facts_put_it(table: str, name: str) -> None:
    rows = {row["name"]: row for row in _reference("fwctl-facts.json")["mlx5"][table]}
    field = PARSER_FIELDS[table, name]
    assert (field.offset * 8, field.size * 8) == _bits(rows[name])


def test_header_sizes_and_register_id_are_the_references() -> None:
    mlx5 = _reference("fwctl-facts.json")["mlx5"]
    sizes = mlx5["mbox_hdr_size_bytes"]
    header_sizes = (mbox_header.REQUEST_SIZE, mbox_header.REPLY_SIZE)
    assert header_sizes == (sizes["mbox_in_hdr"], sizes["mbox_out_hdr"])
    ifc = {f["name"]: f for f in _reference("mlx5_ifc.json")["structs"]["access_register_in"][
        "fields"]}
    register = mbox_header.REGISTER_ID
    assert (register.offset * 8, register.size * 8) == (
        ifc["register_id"]["offset_bits"], ifc["register_id"]["width_bits"])
    assert _reference("mlx5_ifc.json")["cmd_opcodes"][
        "MLX5_CMD_OP_ACCESS_REG"] == mbox_header.ACCESS_REG_OPCODE


def test_every_command_layout_of_the_ifc_header_agrees() -> None:
    """Each <op>_in of mlx5_ifc.json has opcode and op_mod at the parser's offsets, each
    <op>_out status and syndrome (where the layout names them; `uid` is not checked here:
    some commands name a body field uid, DESTROY_UCTX's uctx for one)."""
    structs = _reference("mlx5_ifc.json")["structs"]
    checked = 0
    for layouts in _reference("mlx5_ifc.json")["cmd_layouts"].values():
        for side, names in (("in", ("opcode", "op_mod")), ("out", ("status", "syndrome"))):
            layout = (layouts or {}).get(side)
            if layout not in structs:
                continue
            fields = {f["name"]: f for f in structs[layout]["fields"]}
            table = "mbox_in_hdr" if side == "in" else "mbox_out_hdr"
            for name in names:
                if name in fields:
                    field = PARSER_FIELDS[table, name]
                    assert (fields[name]["offset_bits"], fields[name]["width_bits"]) == (
                        field.offset * 8, field.size * 8), f"{layout}.{name}"
                    checked += 1
    assert checked > 300  # every command the header defines, not a handful


def _put(buf: bytearray, row: dict[str, Any], value: int) -> None:
    start, width = row["bit_offset"] // 8, row["bit_size"] // 8
    buf[start:start + width] = value.to_bytes(width, "big")


def test_parser_reads_values_placed_at_the_reference_offsets() -> None:
    mlx5 = _reference("fwctl-facts.json")["mlx5"]
    request = bytearray(mlx5["mbox_hdr_size_bytes"]["mbox_in_hdr"] + 4)
    rows = {row["name"]: row for row in mlx5["mbox_in_hdr"]}
    for name, value in (("opcode", 0x0805), ("uid", 0xBEEF), ("op_mod", 0x0001)):
        _put(request, rows[name], value)
    head = mbox_header.parse_request(bytes(request))
    assert (head.opcode, head.uid, head.op_mod) == (0x0805, 0xBEEF, 0x0001)
    masked = mbox_header.without_uid(bytes(request))
    assert mbox_header.parse_request(masked).uid == 0
    assert masked.replace(b"\0", b"") != request.replace(b"\0", b"")  # only the uid went
    stamped = mbox_header.UID.write(masked, 7)
    assert mbox_header.parse_request(stamped) == mbox_header.RequestHeader(0x0805, 7, 1)

    reply = bytearray(mlx5["mbox_hdr_size_bytes"]["mbox_out_hdr"])
    out_rows = {row["name"]: row for row in mlx5["mbox_out_hdr"]}
    _put(reply, out_rows["status"], 0x03)
    _put(reply, out_rows["syndrome"], 0x12345678)
    assert mbox_header.parse_reply(bytes(reply)) == mbox_header.ReplyHeader(3, 0x12345678)
    exchange = Exchange("ACCESS_REG", Scope.CONFIGURATION, bytes(request), len(reply),
                        reply=bytes(reply))
    assert (exchange.opcode, exchange.op_mod, exchange.status, exchange.syndrome) == (
        0x0805, 1, 3, 0x12345678)


def test_short_buffers_are_refused_or_read_as_absent() -> None:
    with pytest.raises(mbox_header.HeaderError, match="request: 5 bytes, the header needs 16"):
        mbox_header.parse_request(bytes(5))
    assert mbox_header.OP_MOD.read(bytes(7)) is None
    assert mbox_header.OPCODE.get(b"\x01", -1) == -1
    assert mbox_header.without_uid(b"\x01\x02\x03") == b"\x01\x02\x03"
    short = Exchange("X", Scope.CONFIGURATION, b"\x01", 16, reply=b"\x00\x00")
    assert (short.opcode, short.op_mod, short.status, short.syndrome) == (-1, 0, 0, None)


# The modules that once read the header with their own numbers (issue 14 point 2).
HEADER_READERS = ("exchange.py", "sim/mlx5_driver.py", "sim/connectx.py",
                  "capture_analysis/replay.py", "capture_analysis/decoding.py",
                  "capture_analysis/findings.py", "cli/catalogue.py", "decoders/mlx5/codec.py")
HEADER_SLICES = {(0, 2), (2, 4), (4, 8), (6, 8), (10, 12)}


@pytest.mark.parametrize("module", HEADER_READERS)
def test_no_module_slices_the_header_at_literal_offsets(module: str) -> None:
    tree = ast.parse((Path(fwctl_tui.__file__).parent / module).read_text())
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Subscript) or not _is_buffer(node.value):
            continue
        part = node.slice
        if not isinstance(part, ast.Slice) or not isinstance(part.upper, ast.Constant):
            continue
        lower = part.lower.value if isinstance(part.lower, ast.Constant) else (
            0 if part.lower is None else None)
        if (lower, part.upper.value) in HEADER_SLICES:
            found.append(f"line {node.lineno}: [{lower}:{part.upper.value}]")
    assert not found, f"{module} reads header bytes by literal offsets: {found}"


def _is_buffer(value: ast.expr) -> bool:
    """A mailbox buffer as these modules name one (`request`, `exchange.reply`, `in_`)."""
    name = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")
    return name in {"request", "reply", "data", "raw", "in_", "head", "mbox_in", "buf"}

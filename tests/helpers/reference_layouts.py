"""An independent reader of the reference layouts, for golden tests of the decoder.

It shares nothing with fwctl_tui: not the generated tables, not the generator (tools/),
not the layout engine or the encoder. Register layouts are read from
../shared/reference/mlx5_registers.json by their *vendor* positions (`adb_offset`,
`adb_size`: byte.bit counted from the LSB of a big-endian dword), converted here with
the rule the file states, so even the file's own `offset_bits` column is not trusted;
command envelopes (ACCESS_REG's in/out header) come from mlx5_ifc.json's structs.

`Field` positions are MSB-first bit offsets (bit 0 = the top bit of byte 0), the
numbering the decoder reports in Node.bit_offset.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# where tools/reference.py looks too: $FWCTL_TUI_REFERENCE, else ../shared/reference
REFERENCE = Path(os.environ.get("FWCTL_TUI_REFERENCE")
                 or Path(__file__).resolve().parents[3] / "shared" / "reference")


@dataclass(frozen=True)
class Field:
    path: str  # dotted, union members and array indexes included: "page_data.x[2].y"
    offset_bits: int  # MSB-first, from the start of the layout
    width_bits: int


@cache
def _registers() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REFERENCE / "mlx5_registers.json").read_text())
    return data


@cache
def _ifc() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REFERENCE / "mlx5_ifc.json").read_text())
    return data


def _adb_bits(text: str) -> int:
    """'0xB.b' -> B*8+b: a vendor position or size in bits."""
    byte, _, bit = text.partition(".")
    return int(byte, 16) * 8 + int(bit or "0")


def _msb_first(adb_offset: str, adb_size: str) -> tuple[int, int]:
    """(offset_bits, width_bits) from the vendor's LSB-in-dword numbering.

    A field narrower than a dword sits `bit` bits above the dword's LSB, so its MSB-first
    offset is dword*32 + (32 - bit - width); wider fields start on a dword boundary.
    """
    raw, width = _adb_bits(adb_offset), _adb_bits(adb_size)
    if width >= 32:
        return raw, width
    return (raw // 32) * 32 + (32 - raw % 32 - width), width


def register(name: str) -> tuple[int, str, int]:
    """(register id, layout node, size in bits) of an access register, by name."""
    reg = _registers()["registers"][name]
    return int(reg["id"]), str(reg["node"]), int(reg["size_bits"])


def register_fields(node: str, pages: dict[str, int] | None = None) -> list[Field]:
    """Every value field of `node`, unions resolved by `pages` (selector name -> value).

    A union whose selector is not in `pages` (or that has no member for its value) and
    arrays whose length the data gives (`VARIABLE`) are left out.
    """
    return list(_walk(node, 0, "", pages or {}))


def _walk(node: str, base: int, prefix: str, pages: dict[str, int]) -> Any:
    spec = _registers()["nodes"][node]
    for field in spec["fields"]:
        if field["name"].startswith("reserved"):
            continue
        path = f"{prefix}{field['name']}"
        array = field["array"]
        if array is not None:
            if array["dynamic"] or not isinstance(array["count"], int):
                continue
            # adb_offset names element 0 (the 'low' index); the next ones follow it
            step = int(array["element_bits"])
            offset, _ = _msb_first(field["adb_offset"], f"0x0.{step}" if step < 32 else
                                   f"{hex(step // 8)}.0")
            for i in range(int(array["count"])):
                at = base + offset + i * step
                if field["subnode"]:
                    yield from _walk(field["subnode"], at, f"{path}[{i}].", pages)
                else:
                    yield Field(f"{path}[{i}]", at, step)
            continue
        offset, width = _msb_first(field["adb_offset"], field["adb_size"])
        if field["subnode"]:
            yield from _subnode(field, base + offset, path, pages)
        else:
            yield Field(path, base + offset, width)


def _subnode(field: dict[str, Any], at: int, path: str, pages: dict[str, int]) -> Any:
    sub = _registers()["nodes"][field["subnode"]]
    if not sub["is_union"]:
        yield from _walk(field["subnode"], at, f"{path}.", pages)
        return
    selector = (field["union_selector"] or "").rpartition(".")[2]
    if selector not in pages:
        return
    for member in sub["fields"]:
        if member["selector_value"] == pages[selector] and member["subnode"]:
            yield from _walk(member["subnode"], at, f"{path}.{member['name']}.", pages)
            return
    # no member for this value (PTYS's InfiniBand-only unions on an Ethernet port): the
    # bytes have no layout to check against


def ifc_field(struct: str, name: str) -> Field:
    """One field of a kernel-header struct (mlx5_ifc.json), by name."""
    for field in _ifc()["structs"][struct]["fields"]:
        if field["name"] == name:
            return Field(name, int(field["offset_bits"]), int(field["width_bits"]))
    raise LookupError(f"{struct} has no field {name}")


def put(buf: bytearray, offset_bits: int, width_bits: int, value: int) -> None:
    """Write `value` MSB-first at a bit position of a big-endian buffer (like MLX5_SET)."""
    total = len(buf) * 8
    whole = int.from_bytes(buf, "big")
    shift = total - offset_bits - width_bits
    mask = ((1 << width_bits) - 1) << shift
    whole = (whole & ~mask) | ((value << shift) & mask)
    buf[:] = whole.to_bytes(len(buf), "big")


def fill(fields: list[Field], size_bits: int, seed: int,
         fixed: dict[str, int] | None = None) -> tuple[bytes, dict[str, int]]:
    """A buffer with a random value in every field (`fixed` ones as given), and the values."""
    rng = random.Random(seed)
    buf = bytearray(size_bits // 8)
    values: dict[str, int] = {}
    for field in fields:
        value = (fixed or {}).get(field.path)
        if value is None:
            value = rng.getrandbits(field.width_bits)
        put(buf, field.offset_bits, field.width_bits, value)
        values[field.path] = value
    return bytes(buf), values


def kernel_names(register: str) -> dict[tuple[int, int], str]:
    """The kernel header's field names (mlx5_ifc.json) for a register, by (offset, width).

    The project prefers the kernel's names where a register is in both files (the
    reference README says so): MTMP's temperature_threshold_hi is temp_threshold_hi.
    """
    struct = _ifc()["reg_layouts"].get(f"MLX5_REG_{register}")
    if struct is None:
        return {}
    return {(int(f["offset_bits"]), int(f["width_bits"])): str(f["name"])
            for f in _ifc()["structs"][struct]["fields"] if f["kind"] == "bits"}

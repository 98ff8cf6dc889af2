"""Decoded values as people read them: byte arrays of text as strings, split addresses whole.

The decoders give `psid[0]` .. `psid[15]` as sixteen integers and a MAC as the two fields
`mac_addr_47_32` and `mac_addr_31_0`; a diff that lists `psid[10]: 51 -> 56` or a MAC as
two unrelated numbers says nothing useful. `join` turns the two sides' {path: value} maps
into maps where such arrays are one string (`psid`), such halves one address (`mac_addr`
as aa:bb:cc:dd:ee:ff) and whole MAC/GUID fields addresses too (`node_guid` in hex), and
tells which paths it rendered how.
"""

from __future__ import annotations

import re
from typing import Any

from fwctl_tui.capture_analysis.decoding import Field
from fwctl_tui.capture_analysis.identifiers import classify

TEXT, MAC, HEX = "text", "mac", "hex"
MIN_TEXT_BYTES = 4  # shorter arrays are more likely small numbers than words

_ELEMENT = re.compile(r"^(?P<base>.+)\[(?P<index>\d+)\]$")
_AUTO_ARRAY = re.compile(r"(^|\.)array\d+_auto$")
# (high suffix, low suffix, high width) of one address split in two fields
_SPLITS = (("_47_32", "_31_0", 16), ("_63_32", "_31_0", 32), ("_47_16", "_15_0", 32),
           ("_h", "_l", None), ("_hi", "_lo", None))
_ADDRESS_NAME = re.compile(r"mac|addr|guid|(^|_)ip($|_)", re.IGNORECASE)


def join(
    fields_a: dict[str, Field], fields_b: dict[str, Field],
    values_a: dict[str, Any], values_b: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """(values A, values B, {path: TEXT|MAC|HEX}) with text arrays and split addresses
    joined where both sides agree on the shape; everything else passes through."""
    out_a, out_b, kinds = dict(values_a), dict(values_b), {}
    for base, paths in _arrays({**fields_b, **fields_a}).items():
        text_a = _text(paths, fields_a, values_a)
        text_b = _text(paths, fields_b, values_b)
        if text_a is None or text_b is None or max(len(text_a), len(text_b)) < 2:
            continue
        name = _AUTO_ARRAY.sub("", base) or base
        for out in (out_a, out_b):
            for path in paths:
                out.pop(path, None)
        out_a[name], out_b[name], kinds[name] = text_a, text_b, TEXT
    for high, low, name, kind in _address_pairs(fields_a, fields_b):
        joined: list[int] = []
        for fields, values in ((fields_a, values_a), (fields_b, values_b)):
            hv, lv = values.get(high), values.get(low)
            lw = fields[low].width_bits if low in fields else 32
            if isinstance(hv, int) and isinstance(lv, int):
                joined.append((hv << lw) | lv)
        if len(joined) != 2:
            continue
        for out, value in zip((out_a, out_b), joined, strict=True):
            out.pop(high, None)
            out.pop(low, None)
            out[name] = _format(value, kind)
        kinds[name] = kind
    for path, kind in _whole_addresses({**fields_b, **fields_a}).items():
        va, vb = out_a.get(path), out_b.get(path)
        if isinstance(va, int) and isinstance(vb, int) and path not in kinds:
            out_a[path], out_b[path], kinds[path] = _format(va, kind), _format(vb, kind), kind
    return out_a, out_b, kinds


def _whole_addresses(fields: dict[str, Field]) -> dict[str, str]:
    """{path: MAC|HEX} of single fields holding a whole MAC (48 bits, or a 64-bit slot) or
    GUID (64 bits), by name: `current_uc_mac_address[0]`, `node_guid`."""
    found = {}
    for path, fld in fields.items():
        cls = classify(_ELEMENT.sub(r"\g<base>", fld.name))
        if cls == "mac" and fld.width_bits in (48, 64):
            found[path] = MAC
        elif cls == "guid" and fld.width_bits == 64:
            found[path] = HEX
    return found


def _arrays(fields: dict[str, Field]) -> dict[str, list[str]]:
    """{array path: element paths in index order} for arrays of byte-sized elements."""
    found: dict[str, list[tuple[int, str]]] = {}
    for path, fld in fields.items():
        match = _ELEMENT.match(path)
        if match and fld.width_bits and fld.width_bits % 8 == 0 and fld.width_bits <= 32:
            found.setdefault(match.group("base"), []).append((int(match.group("index")), path))
    return {base: [p for _, p in sorted(items)] for base, items in found.items()
            if sum(fields[p].width_bits for _, p in items) >= MIN_TEXT_BYTES * 8}


def _text(paths: list[str], fields: dict[str, Field], values: dict[str, Any]) -> str | None:
    """The array's bytes as a string when they are printable ASCII (NUL/space padded)."""
    data = bytearray()
    for path in paths:
        value, fld = values.get(path), fields.get(path)
        if not isinstance(value, int) or fld is None:
            return None
        data += value.to_bytes(fld.width_bits // 8, "big")
    text = bytes(data).rstrip(b"\0 ")
    if not all(0x20 <= b < 0x7F for b in text):
        return None
    return text.decode("ascii")


def _address_pairs(
    fields_a: dict[str, Field], fields_b: dict[str, Field]
) -> list[tuple[str, str, str, str]]:
    """(high path, low path, joined path, MAC|HEX) for address halves present on a side."""
    fields = {**fields_b, **fields_a}
    pairs = []
    for high in fields:
        for high_suffix, low_suffix, high_width in _SPLITS:
            if not high.endswith(high_suffix):
                continue
            base = high[: -len(high_suffix)]
            low = base + low_suffix
            if low not in fields or not base:
                continue
            if high_width is None and not _ADDRESS_NAME.search(base.rsplit(".", 1)[-1]):
                continue  # temp_threshold_hi/_lo are two values, not one address
            width = fields[high].width_bits + fields[low].width_bits
            kind = MAC if width == 48 and _ADDRESS_NAME.search(base) else HEX
            pairs.append((high, low, base.rstrip("_"), kind))
            break
    return pairs


def _format(value: int, kind: str) -> str:
    if kind == MAC and value < 1 << 48:
        return ":".join(f"{value:012x}"[i : i + 2] for i in range(0, 12, 2))
    return f"0x{value:016x}" if value >= 1 << 32 else f"0x{value:x}"


def show(value: Any, kind: str | None = None) -> str:
    """A value for a diff line: text quoted, addresses as they are, bytes as hex."""
    if kind == TEXT:
        return repr(value)
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    return "—" if value is None else str(value)

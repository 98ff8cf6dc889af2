"""Replace identifiers on export: same value, same placeholder, in the header and the bytes.

A capture shared for a bug report should not carry the host name, MAC addresses, GUIDs,
serial numbers or PSID. Placeholders are consistent across one export, so "this port's
MAC in QUERY_NIC_VPORT_CONTEXT equals the one in the header" survives redaction: MACs
become locally-administered 02:00:00:00:00:01, 02:..:02, GUIDs 0x0200000000000001...,
strings SERIAL-1, PSID-1, host-1. Payload fields are found by name in the decoded tree
and their bits rewritten in the request/reply bytes; the header then says which classes
were replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fwctl_tui.captures import decoding
from fwctl_tui.captures.format import record_to_exchange

MAC_BASE = 0x02_00_00_00_00_00
GUID_BASE = 0x02_00_00_00_00_00_00_00

_MAC_TEXT = re.compile(r"^[0-9a-fA-F]{2}([:-])(?:[0-9a-fA-F]{2}\1){4}[0-9a-fA-F]{2}$")
_GUID_TEXT = re.compile(r"^(?:0x)?[0-9a-fA-F]{16}$|^(?:[0-9a-fA-F]{4}:){3}[0-9a-fA-F]{4}$")
_MAC_WORD = re.compile(r"(^|_)mac(addr)?($|_)")
# Split wide fields: the high and low parts of one identifier, by suffix.
_SPLIT = re.compile(r"^(?P<base>.*?)_?(?P<part>47_32|63_32|31_0|h|l|high|low|hi|lo)$")
_HIGH_PARTS = {"47_32": 32, "63_32": 32, "h": 32, "high": 32, "hi": 32}


def classify(name: str) -> str | None:
    """Identifier class of a field or header key by its name, or None."""
    key = name.lower()
    if "guid" in key:
        return "guid"
    if _MAC_WORD.search(key) or "permanent_address" in key:
        return "mac"
    if "serial" in key:
        return "serial"
    if "psid" in key:
        return "psid"
    if key in ("board_id", "board_serial") or key.startswith("vsd"):
        return "board_id"
    if key in ("host", "hostname", "node_description"):
        return "host"
    return None


class Redactor:
    """Holds the original -> placeholder maps for one export (so placeholders agree)."""

    def __init__(self) -> None:
        self.maps: dict[str, dict[Any, Any]] = {}

    @property
    def classes(self) -> list[str]:
        return sorted(cls for cls, mapping in self.maps.items() if mapping)

    def placeholder(self, cls: str, original: Any) -> Any:
        mapping = self.maps.setdefault(cls, {})
        if original not in mapping:
            n = len(mapping) + 1
            if cls == "mac":
                mapping[original] = MAC_BASE + n
            elif cls == "guid":
                mapping[original] = GUID_BASE + n
            elif isinstance(original, int):
                mapping[original] = n
            else:
                mapping[original] = f"{cls.upper().replace('_', '-')}-{n}"
        return mapping[original]

    # -- header ----------------------------------------------------------------------
    def header(self, header: dict[str, Any]) -> dict[str, Any]:
        """A redacted copy of the header, marked with the classes replaced so far."""
        out = self._value(dict(header), None)
        out["type"], out["schema"] = header["type"], header["schema"]
        out["redacted"] = {
            "classes": self.classes,
            "distinct_values": {cls: len(self.maps[cls]) for cls in self.classes},
            "placeholders": "consistent within this file: same value, same placeholder",
        }
        return out

    def _value(self, value: Any, cls: str | None) -> Any:
        if isinstance(value, dict):
            return {k: self._value(v, classify(k) or cls) for k, v in value.items()}
        if isinstance(value, list):
            return [self._value(v, cls) for v in value]
        if isinstance(value, str) and value:
            if _MAC_TEXT.match(value):
                mac = self.placeholder("mac", int(re.sub(r"[:-]", "", value), 16))
                return ":".join(f"{mac:012x}"[i : i + 2] for i in range(0, 12, 2))
            if cls == "guid" and _GUID_TEXT.match(value):
                guid = self.placeholder("guid", int(value.replace(":", "").removeprefix("0x"), 16))
                return f"0x{guid:016x}"
            if cls in ("serial", "psid", "board_id", "host"):
                return self.placeholder(cls, value.strip())
        if isinstance(value, int) and not isinstance(value, bool) and cls in ("mac", "guid"):
            return self.placeholder(cls, value)
        return value

    # -- records ---------------------------------------------------------------------
    def record(self, raw: dict[str, Any]) -> dict[str, Any]:
        """A redacted copy of an rpc record: identifier fields rewritten in both payloads."""
        out = dict(raw)
        exchange = record_to_exchange(raw)
        decoded = decoding.decode(exchange)
        out["request"] = self._payload(exchange.request, decoded.input_fields).hex()
        if exchange.reply is not None:
            out["reply"] = self._payload(exchange.reply, decoded.output_fields).hex()
        return out

    def _payload(self, data: bytes, fields: dict[str, decoding.Field]) -> bytes:
        buf = bytearray(data)
        for group in _identifier_groups(fields):
            original = group.original()
            if original in (0, "", None):
                continue  # an unset identifier tells nothing; keep zeros as zeros
            group.write(buf, self.placeholder(group.cls, original))
        return bytes(buf)


@dataclass
class _Group:
    """The fields holding one identifier: split halves (high first) or a char array."""

    cls: str
    parts: list[decoding.Field] = field(default_factory=list)
    chars: bool = False  # an array of 8-bit elements holding text

    def original(self) -> Any:
        if self.chars and self.cls not in ("mac", "guid"):
            raw = bytes(p.value if isinstance(p.value, int) else 0 for p in self.parts)
            return raw.rstrip(b"\0").decode("ascii", "replace").strip()
        if self.cls in ("mac", "guid") or all(isinstance(p.value, int) for p in self.parts):
            total = 0
            for fld in self.parts:
                value = fld.value if isinstance(fld.value, int) else _as_int(fld.value)
                total = (total << fld.width_bits) | value
            return total
        value = self.parts[0].value
        if isinstance(value, bytes | bytearray):
            return bytes(value).rstrip(b"\0").decode("ascii", "replace").strip()
        return str(value).strip("\0 ")

    def write(self, buf: bytearray, replacement: Any) -> None:
        if isinstance(replacement, str):
            size = sum(p.width_bits for p in self.parts) // 8
            encoded = replacement.encode("ascii")[:size].ljust(size, b"\0")
            if self.chars:
                for fld, byte in zip(self.parts, encoded, strict=False):
                    _set_bits(buf, fld.bit_offset or 0, 8, byte)
            else:
                fld = self.parts[0]
                _set_bits(buf, fld.bit_offset or 0, fld.width_bits, int.from_bytes(encoded, "big"))
            return
        remaining = sum(p.width_bits for p in self.parts)
        value = replacement & ((1 << remaining) - 1)
        for fld in self.parts:
            remaining -= fld.width_bits
            part = (value >> remaining) & ((1 << fld.width_bits) - 1)
            _set_bits(buf, fld.bit_offset or 0, fld.width_bits, part)


_ELEMENT = re.compile(r"^(?P<base>.+)\[(?P<index>\d+)\]$")


def _identifier_groups(fields: dict[str, decoding.Field]) -> list[_Group]:
    """Identifier fields grouped into whole identifiers, by name."""
    groups: dict[str, _Group] = {}
    for path, fld in fields.items():
        if fld.bit_offset is None or not fld.width_bits:
            continue
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        element = _ELEMENT.match(fld.name)
        if element and fld.width_bits == 8:
            base = element.group("base")
            cls = classify(base)
            if cls is not None:
                groups.setdefault(f"{parent}.{base}[]", _Group(cls, chars=True)).parts.append(fld)
            continue
        split = _SPLIT.match(fld.name)
        base_name = split.group("base") if split and split.group("base") else fld.name
        cls = classify(fld.name) or classify(base_name)
        if cls is not None:
            key = f"{parent}.{base_name}" if split else path
            groups.setdefault(key, _Group(cls)).parts.append(fld)
    for group in groups.values():
        if not group.chars:
            group.parts.sort(key=lambda f: 0 if _part(f.name) in _HIGH_PARTS else 1)
    return list(groups.values())


def _part(name: str) -> str:
    match = _SPLIT.match(name)
    return match.group("part") if match else ""


def _as_int(value: Any) -> int:
    if isinstance(value, bytes | bytearray):
        return int.from_bytes(value, "big")
    if isinstance(value, str):
        return int(value.replace(":", "").removeprefix("0x") or "0", 16)
    return 0


def _set_bits(buf: bytearray, offset: int, width: int, value: int) -> None:
    """Write `value` into bits offset..offset+width-1 (bit 0 = MSB of byte 0)."""
    first, last = offset // 8, (offset + width - 1) // 8
    if last >= len(buf):
        return  # a field beyond a short buffer: nothing there to redact
    span = (last - first + 1) * 8
    shift = span - (offset % 8) - width
    current = int.from_bytes(buf[first : last + 1], "big")
    mask = ((1 << width) - 1) << shift
    current = (current & ~mask) | ((value << shift) & mask)
    buf[first : last + 1] = current.to_bytes(last - first + 1, "big")

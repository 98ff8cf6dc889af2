"""Replace identifiers on export: same value, same placeholder, in the header and the bytes.

A capture shared for a bug report should not carry the host name, MAC addresses, GUIDs,
GIDs, serial numbers, VUID or PSID. Two layers do it:

1. Fields: identifier fields are found by name in the decoded request and reply (and the
   module serial inside MCIA EEPROM bytes, see identifiers.py) and their bits rewritten.
2. Bytes: every original value seen (header and fields) is then searched for in every
   payload, decodable or not, in the encodings it travels in (ASCII text, big-endian
   binary, EUI-64 for a MAC), and in the record's text (`detail`, `meta`), and replaced.

Placeholders are consistent across one export, so "this port's MAC in
QUERY_NIC_VPORT_CONTEXT equals the one in the header" survives: MACs become locally
administered 02:00:00:00:00:01, ..., GUIDs 0x0200000000000001, text SERIAL-1, PSID-1,
VUID-1, HOST-1; a link-local GID keeps its form around the MAC's placeholder, other GIDs
become documentation addresses (192.0.2.N, 2001:db8::N). The header says which classes
were replaced.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import IO, Any

from fwctl_tui.capture_analysis import decoding
from fwctl_tui.capture_analysis.identifiers import (
    TEXT_CLASSES,
    Group,
    classify,
    eeprom_groups,
    groups,
    is_mcia,
)
from fwctl_tui.capture_analysis.identifiers import set_bits as _set_bits
from fwctl_tui.captures.format import SCHEMA, dumps, exchange_to_record, record_to_exchange
from fwctl_tui.captures.loader import Capture, RecordItem, load_capture
from fwctl_tui.captures.recorder import atomic_write

__all__ = ["GUID_BASE", "MAC_BASE", "Redactor", "_set_bits", "classify", "redact_to",
           "save_redacted"]

MAC_BASE = 0x02_00_00_00_00_00
GUID_BASE = 0x02_00_00_00_00_00_00_00
MIN_TEXT = 4  # shorter text would match bytes by chance; the field layer still replaces it
MIN_NONZERO_BYTES = 3  # 02:00:00:00:00:01 (a placeholder) is not searched for as bytes
METHOD = ("fields by name (decoded request and reply, MCIA EEPROM serial area), then every "
          "payload and text searched for each original value as ASCII, big-endian binary "
          "and EUI-64 (MACs)")

_MAC_TEXT = re.compile(r"^[0-9a-fA-F]{2}([:-])(?:[0-9a-fA-F]{2}\1){4}[0-9a-fA-F]{2}$"
                       r"|^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$")
_MAC_IN_TEXT = re.compile(r"(?<![0-9A-Fa-f:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}"
                          r"[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})"
                          r"(?![0-9A-Fa-f:.-])")
_MAC_BARE = re.compile(r"^(?:0x)?[0-9a-fA-F]{12}$")  # a MAC only where the key says so
_GUID_TEXT = re.compile(r"^(?:0x)?[0-9a-fA-F]{16}$|^(?:[0-9a-fA-F]{4}:){3}[0-9a-fA-F]{4}$")
_LINK_LOCAL = bytes([0xFE, 0x80]) + bytes(6)
_V4_MAPPED = bytes(10) + b"\xff\xff"


def eui64(mac: int) -> bytes:
    """The 64-bit interface id of a MAC: ff:fe in the middle, the U/L bit flipped."""
    raw = mac.to_bytes(6, "big")
    return bytes([raw[0] ^ 0x02]) + raw[1:3] + b"\xff\xfe" + raw[3:6]


def _mac_text(mac: int, sep: str = ":") -> str:
    if sep == ".":  # 946d.ae8c.10e2, as switches print it
        return ".".join(f"{mac:012x}"[i : i + 4] for i in range(0, 12, 4))
    return sep.join(f"{mac:012x}"[i : i + 2] for i in range(0, 12, 2))


class Redactor:
    """Holds the original -> placeholder maps for one export (so placeholders agree)."""

    def __init__(self) -> None:
        self.maps: dict[str, dict[Any, Any]] = {}
        self._bytes: dict[bytes, bytes] = {}  # original encoding -> placeholder encoding
        self._text: dict[str, str] = {}  # original text form -> placeholder text

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
            elif isinstance(original, int | bytes):
                mapping[original] = n
            else:
                mapping[original] = f"{cls.upper().replace('_', '-')}-{n}"
            self._learn(cls, original, mapping[original])
        return mapping[original]

    def _learn(self, cls: str, original: Any, replacement: Any) -> None:
        """Remember the encodings of `original`, for the byte and text search."""
        if cls in ("mac", "guid") and isinstance(original, int):
            if not 0 <= original < 1 << 64:
                return  # not an address (a capture may say anything): mapped, not searched
            size = 6 if cls == "mac" and original < 1 << 48 else 8
            raw = original.to_bytes(size, "big")
            if sum(1 for b in raw if b) < MIN_NONZERO_BYTES:
                return
            self._bytes[raw] = replacement.to_bytes(size, "big")
            forms = {raw.hex(): f"{replacement:0{size * 2}x}"}
            if size == 6:
                self._bytes[eui64(original)] = eui64(replacement)
                forms[eui64(original).hex()] = eui64(replacement).hex()
                for sep in ":-.":
                    forms[_mac_text(original, sep)] = _mac_text(replacement, sep)
            else:
                forms[":".join(raw.hex()[i : i + 4] for i in range(0, 16, 4))] = ":".join(
                    f"{replacement:016x}"[i : i + 4] for i in range(0, 16, 4))
            for text, new in forms.items():
                self._text[text] = new
                self._text[text.upper()] = new.upper()
                self._bytes[text.encode()] = new.encode()
                self._bytes[text.upper().encode()] = new.upper().encode()
        elif cls in TEXT_CLASSES and isinstance(original, str):
            text = original.strip()
            if len(text) >= MIN_TEXT and text.isascii():
                self._text[text] = str(replacement)
                self._bytes[text.encode()] = str(replacement).encode()
        elif cls == "gid" and isinstance(original, bytes) and any(original):
            self._bytes[original] = replacement
            self._text[str(ipaddress.IPv6Address(original))] = str(
                ipaddress.IPv6Address(replacement))

    # -- GIDs ------------------------------------------------------------------------
    def gid(self, original: bytes) -> bytes:
        """A GID's placeholder: a link-local EUI-64 GID around the MAC's placeholder, an
        IPv4-mapped one 192.0.2.N, any other 2001:db8::N."""
        known = self.maps.get("gid", {}).get(original)
        if known is not None:
            return bytes(known)
        if original[:8] == _LINK_LOCAL and original[11:13] == b"\xff\xfe":
            mac = int.from_bytes(bytes([original[8] ^ 0x02]) + original[9:11] + original[13:16],
                                 "big")
            new = original[:8] + eui64(self.placeholder("mac", mac))
        elif original[:12] == _V4_MAPPED:
            n = self.placeholder("ip", original)
            new = _V4_MAPPED + ipaddress.IPv4Address(0xC0000200 + n % 256).packed
        else:
            n = self.placeholder("ip", original)
            new = ipaddress.IPv6Address(0x20010DB8 << 96 | n).packed
        self.maps.setdefault("gid", {})[original] = new
        self._learn("gid", original, new)
        return new

    # -- header ----------------------------------------------------------------------
    def header(self, header: dict[str, Any]) -> dict[str, Any]:
        """A redacted copy of the header, marked with the classes replaced so far."""
        out = self._value(dict(header), None)
        out = {k: v if k in ("type", "schema") else self.scrub(v) for k, v in out.items()}
        out["type"], out["schema"] = header["type"], SCHEMA
        out["redacted"] = {
            "classes": self.classes,
            "distinct_values": {cls: len(self.maps[cls]) for cls in self.classes},
            "placeholders": "consistent within this file: same value, same placeholder",
            "method": METHOD,
        }
        return out

    def _value(self, value: Any, cls: str | None) -> Any:
        if isinstance(value, dict):
            return {k: self._value(v, classify(k) or cls) for k, v in value.items()}
        if isinstance(value, list):
            return [self._value(v, cls) for v in value]
        if isinstance(value, str) and value:
            if _MAC_TEXT.match(value) or (cls == "mac" and _MAC_BARE.match(value)):
                sep = next((c for c in ":-." if c in value), "")
                digits = re.sub(r"[:.-]", "", value).removeprefix("0x")
                mac = self.placeholder("mac", int(digits, 16))
                return _mac_text(mac, sep) if sep else f"{mac:012x}"
            if cls == "guid" and _GUID_TEXT.match(value):
                guid = self.placeholder("guid", int(value.replace(":", "").removeprefix("0x"), 16))
                return f"0x{guid:016x}"
            if cls == "gid":
                try:
                    return str(ipaddress.IPv6Address(self.gid(ipaddress.IPv6Address(value).packed)))
                except ValueError:
                    return value
            if cls in TEXT_CLASSES:
                return self.placeholder(cls, value.strip())
        if isinstance(value, int) and not isinstance(value, bool) and cls in ("mac", "guid"):
            return self.placeholder(cls, value)
        return value

    # -- records ---------------------------------------------------------------------
    def record(self, raw: dict[str, Any]) -> dict[str, Any]:
        """A redacted rpc record in the current schema: identifier fields rewritten in
        both payloads, then every known original searched for and replaced. Keys outside
        the format are dropped: they could hold anything."""
        exchange = record_to_exchange(raw)
        decoded = decoding.decode(exchange)
        eeprom = is_mcia(decoded.input_fields)
        exchange.request = self._payload(exchange.request, decoded.input_fields, eeprom)
        if exchange.reply is not None:
            exchange.reply = self._payload(exchange.reply, decoded.output_fields, eeprom)
        seq = raw.get("seq")
        out = exchange_to_record(exchange, seq if isinstance(seq, int) else 0)
        if "meta" in out:  # identifiers by key name (meta.serial, meta.host), as in the header
            out["meta"] = self._value(out["meta"], None)
        for key in ("detail", "meta", "session"):
            if key in out:
                out[key] = self.scrub(out[key])
        return out

    def _payload(self, data: bytes, fields: dict[str, decoding.Field], eeprom: bool) -> bytes:
        buf = bytearray(data)
        found = groups(fields) + (eeprom_groups(fields, data) if eeprom else [])
        for group in found:
            self._rewrite(buf, group)
        return self.scrub_bytes(bytes(buf))

    def _rewrite(self, buf: bytearray, group: Group) -> None:
        if group.cls in ("mac", "guid"):
            original = group.value()
            if original:  # an unset identifier tells nothing; keep zeros as zeros
                group.write(buf, self.placeholder(group.cls, original))
        elif group.cls == "gid":
            gid = group.data()
            if any(gid):
                group.write(buf, int.from_bytes(self.gid(gid), "big"))
        else:
            data = group.data()
            text = data.rstrip(b"\0 ")
            if len(text) < 2 or not all(0x20 <= b < 0x7F for b in text):
                return  # not text: nothing this class can hold
            new = str(self.placeholder(group.cls, text.decode("ascii").strip())).encode()
            pad = b" " if data[len(text):].startswith(b" ") else b"\0"
            group.write(buf, int.from_bytes(new[: len(data)].ljust(len(data), pad), "big"))

    # -- the byte and text search ----------------------------------------------------
    def scrub_bytes(self, data: bytes) -> bytes:
        """Every known original, in every encoding, replaced in `data` (same length)."""
        if not self._bytes:
            return data
        out = bytearray(data)
        for original in sorted(self._bytes, key=len, reverse=True):
            start = out.find(original)
            while start >= 0:
                end = start + len(original)
                new = self._bytes[original]
                if len(new) != len(original):  # text: pad like the field does
                    pad = b" " if out[end : end + 1] == b" " else b"\0"
                    new = new[: len(original)].ljust(len(original), pad)
                out[start:end] = new
                start = out.find(original, end)
        return bytes(out)

    def scrub(self, value: Any) -> Any:
        """Known originals replaced in every string of `value` (dicts and lists walked)."""
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, str) and self._text:
            for original in sorted(self._text, key=len, reverse=True):
                if original in value:
                    value = value.replace(original, self._text[original])
        if isinstance(value, str):  # MACs written in free text, known elsewhere or not
            value = _MAC_IN_TEXT.sub(self._mac_in_text, value)
        return value

    def _mac_in_text(self, match: re.Match[str]) -> str:
        text = match.group()
        sep = next(c for c in ":-." if c in text)
        mac = int(re.sub(r"[:.-]", "", text), 16)
        if mac >> 40 == MAC_BASE >> 40 and mac - MAC_BASE <= len(self.maps.get("mac", {})):
            return text  # already a placeholder
        new = _mac_text(self.placeholder("mac", mac), sep)
        return new.upper() if text.isupper() else new


def save_redacted(src: Path | str, dest: Path | str, dropped: list[str] | None = None) -> Path:
    """Copy the capture at `src` to `dest` with its identifiers replaced (redact_to)."""
    with load_capture(Path(src)) as capture:
        return redact_to(capture, dest, dropped)


def redact_to(capture: Capture, dest: Path | str, dropped: list[str] | None = None) -> Path:
    """Copy the open `capture` to `dest` atomically with its identifiers replaced.

    A line that cannot be read cannot be checked for identifiers either, so it is left
    out, and said so: each such line's reason is appended to `dropped` (the header's own
    damage too). Every readable record is written, blank lines between records included
    in the count of none.
    """
    lost = dropped if dropped is not None else []
    redactor = Redactor()
    redactor.header(capture.header)  # first pass: header values get the first placeholders
    for item in capture.iter_records():  # ...then learn every class the records hold
        _redacted(redactor, item, None)

    def write_redacted(stream: IO[str]) -> None:
        stream.write(dumps(redactor.header(capture.header)) + "\n")
        for item in capture.iter_records():
            record = _redacted(redactor, item, lost)
            if record is not None:
                stream.write(dumps(record) + "\n")
        lost.extend(str(problem) for problem in capture.problems)

    return atomic_write(dest, write_redacted)


def _redacted(redactor: Redactor, item: RecordItem, dropped: list[str] | None
              ) -> dict[str, Any] | None:
    """The item's record redacted, or None (its reason added to `dropped`)."""
    reason = str(item.error) if item.error is not None else None
    if reason is None and item.raw is not None:
        try:
            return redactor.record(item.raw)
        except (ValueError, OverflowError) as err:  # CaptureError is a ValueError
            reason = f"line {item.line}: cannot be redacted: {err}"
    if dropped is not None:
        dropped.append(f"{reason or f'line {item.line}: unreadable'}; left out")
    return None

"""Turning user text into bytes and numbers, with errors that point at the bad character.

Shared by the CLI, forms and the encoder: hex buffers (spaces, newlines, `:`, `_`, `-`
and a leading 0x allowed), numbers (decimal, 0x-hex, 0b-binary, 0o-octal) and enum labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fwctl_tui.decoders.errors import DecodeError, EncodeError
from fwctl_tui.decoders.layout import Enum

_SEPARATORS = frozenset(" \t\r\n:_-")
_HEXDIGITS = frozenset("0123456789abcdefABCDEF")


def parse_hex(text: str, what: str = "input") -> bytes:
    """Hex text -> bytes; DecodeError names the offending character or the odd digit."""
    body = text.strip()
    offset = len(text) - len(text.lstrip())
    if body[:2].lower() == "0x":
        body, offset = body[2:], offset + 2
    digits: list[str] = []
    for i, ch in enumerate(body):
        if ch in _HEXDIGITS:
            digits.append(ch)
        elif ch not in _SEPARATORS:
            pos = offset + i
            raise DecodeError(
                f"{what}: {ch!r} (character {pos + 1}) is not a hex digit; it falls in "
                f"byte {len(digits) // 2} (counting from 0)", position=pos)
    if len(digits) % 2:
        raise DecodeError(
            f"{what}: odd number of hex digits ({len(digits)}); byte {len(digits) // 2} "
            "has only one digit", position=len(digits) // 2)
    return bytes.fromhex("".join(digits))


def parse_number(text: str) -> int | None:
    """Decimal, 0x/0b/0o-prefixed (underscores allowed) -> int; None if not a number."""
    t = text.strip().replace("_", "")
    try:
        if t[:2].lower() in ("0x", "0b", "0o"):
            return int(t, 0)
        return int(t, 10)
    except ValueError:
        return None


def coerce(path: str, value: Any, width: int, enum: Enum | None = None) -> int:
    """A user value for a field of `width` bits -> int, or EncodeError naming the field."""
    if isinstance(value, bool):
        number: int | None = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, bytes | bytearray):
        if len(value) * 8 > max(width, 8) + 7:
            raise EncodeError(f"{path}: {len(value)} bytes do not fit in {width} bits",
                              field=path)
        number = int.from_bytes(value, "big")
    elif isinstance(value, str):
        number = parse_number(value)
        if number is None and enum is not None:
            number = enum.lookup(value.strip())
        if number is None:
            labels = f"; labels: {', '.join(list(enum.by_label)[:12])}" if enum else ""
            raise EncodeError(
                f"{path}: {value!r} is not a number (decimal, 0x-hex) or a known label{labels}",
                field=path)
    else:
        raise EncodeError(f"{path}: cannot encode a {type(value).__name__}", field=path)
    assert number is not None
    top = (1 << width) - 1
    if number < 0 or number > top:
        raise EncodeError(
            f"{path}: value {number} does not fit in {width} bit{'s' if width != 1 else ''} "
            f"(max {top}, {top:#x})", field=path)
    return number


def flatten(values: Mapping[str, Any], prefix: str = "", *,
            keep_none: bool = False) -> dict[str, Any]:
    """Nested mappings/lists (the JSON decode shape) -> {"a.b[2].c": value}.

    None is "not given" to the encoder and left out; with `keep_none` it is a leaf like
    any other (a decoded reply's `name: null` is something to show)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        key = str(key)
        path = (prefix + key if key.startswith("[") else f"{prefix}.{key}") if prefix else key
        _flatten_value(path, value, out, keep_none)
    return out


def _flatten_value(path: str, value: Any, out: dict[str, Any], keep_none: bool) -> None:
    if isinstance(value, Mapping):
        out.update(flatten(value, path, keep_none=keep_none))
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray):
        for i, item in enumerate(value):
            _flatten_value(f"{path}[{i}]", item, out, keep_none)
    elif value is not None or keep_none:
        out[path] = value


# A 64-bit counter the PRM splits in two dwords. Only `_high`/`_low`: `_hi`/`_lo` pairs are
# often two different values (MTMP's temp_threshold_hi/_lo are two thresholds, not one).
HIGH, LOW = "_high", "_low"


def join_halves(values: Mapping[str, Any]) -> dict[str, Any]:
    """{path: value} with every `x_high`/`x_low` pair of integers joined into one 64-bit
    `x`, where `x_high` stood; a lone half, or a half that is not an integer, stays."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        if path.endswith(HIGH):
            low = values.get(path[: -len(HIGH)] + LOW)
            if isinstance(value, int) and isinstance(low, int):
                out[path[: -len(HIGH)]] = value << 32 | low
                continue
        elif path.endswith(LOW) and isinstance(value, int) and isinstance(
                values.get(path[: -len(LOW)] + HIGH), int):
            continue
        out[path] = value
    return out

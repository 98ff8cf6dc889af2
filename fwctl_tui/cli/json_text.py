"""`json.dumps(value, indent=2, default=str)`, byte for byte, about twice as fast.

The standard library uses its C encoder only without `indent`; with it, every value goes
through a chain of Python generators, a large part of `replay --json`'s CPU time on a
100k-record capture (each record's decoded reply is ~200 keys). This writes the same
text with one recursive function, the C encoder for each dict of scalars (json lays one
out as its items joined by ",\n" + indentation) and the C string escaper: the same
separators, ASCII escapes, float repr with NaN/Infinity, int/bool/None keys turned into
strings as json does, `str()` for anything else. tests/unit/test_json_text.py compares
it with json.dumps on every shape the CLI writes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from json.encoder import encode_basestring_ascii
from typing import Any

_INFINITY = float("inf")


_FLAT = frozenset({str, int, float, bool, type(None)})  # exactly these: no subclass


@cache
def _flat_encoder(inner: str) -> Callable[[Any], str]:
    """The C encoder writing a dict of scalars with this indentation: json.dumps lays
    such a dict out as its items joined by ",\n" + the indentation, inside braces."""
    return json.JSONEncoder(separators=(",\n" + inner, ": "), default=str).encode


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any) -> str | None:
    """The JSON of a scalar, None when `value` is a container or unknown."""
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: Any) -> str:
    """A dict key as json.dumps writes it (str, or a scalar's JSON text in quotes)."""
    if isinstance(key, str):
        return encode_basestring_ascii(key)
    text = _scalar(key)
    if text is None:
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
    return f'"{text}"'


def _encode(value: Any, indent: str, out: list[str]) -> None:
    """Append the JSON of `value`, whose first line is already indented by `indent`."""
    text = _scalar(value)
    if text is not None:
        out.append(text)
        return
    if isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = indent + "  "
        out.append("[\n" + inner)
        first = True
        for item in value:
            if not first:
                out.append(",\n" + inner)
            first = False
            _encode(item, inner, out)
        out.append("\n" + indent + "]")
        return
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = indent + "  "
        if all(type(item) in _FLAT for item in value.values()):  # the C encoder lays it out
            text = _flat_encoder(inner)(value)
            out.append("{\n" + inner + text[1:-1] + "\n" + indent + "}")
            return
        out.append("{\n" + inner)
        first = True
        for key, item in value.items():
            if not first:
                out.append(",\n" + inner)
            first = False
            out.append(_key(key) + ": ")
            text = _scalar(item)
            if text is not None:  # most values: no call
                out.append(text)
            else:
                _encode(item, inner, out)
        out.append("\n" + indent + "}")
        return
    _encode(str(value), indent, out)  # json.dumps(default=str)


def dumps_indented(value: Any, level: int = 0) -> str:
    """json.dumps(value, indent=2, default=str) with every line after the first indented
    by `level` more spaces (an item inside a document that is written piece by piece)."""
    out: list[str] = []
    _encode(value, " " * level, out)
    return "".join(out)

"""The exchange JSON schema as docs/exchange-json.md documents it, read from its tables.

Tests check real outputs against the document itself, so the document, not a copy of it
in the tests, is the contract: a key added to the code but not to the document (or a
type that differs) fails.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "exchange-json.md"
_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,), "string": (str,), "bool": (bool,), "object": (dict,), "list": (list,),
}
_ROW = re.compile(r"^\|(.+)\|\s*$")


def _table(heading: str) -> list[list[str]]:
    """The rows (cells stripped) of the first table under the `## heading` section."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in match[1].split("|")]
            for line in section.splitlines() if (match := _ROW.match(line))]
    return rows[2:]  # past the header and the --- line


def _parse_type(text: str) -> tuple[tuple[type, ...], bool]:
    base, _, null = text.partition(" or ")
    assert null in ("", "null"), f"unknown type {text!r} in {DOC.name}"
    return _TYPES[base], null == "null"


@cache
def core_keys() -> dict[str, tuple[tuple[type, ...], bool]]:
    """key -> (accepted Python types, null allowed), in the documented order."""
    return {row[0].strip("`"): _parse_type(row[1]) for row in _table("Keys every exchange has")}


@cache
def output_keys(output: str) -> dict[str, tuple[tuple[type, ...], bool]]:
    return {row[1].strip("`"): _parse_type(row[2])
            for row in _table("Keys each output adds") if row[0] == output}


def _check_type(key: str, value: Any, rule: tuple[tuple[type, ...], bool]) -> None:
    types, nullable = rule
    if value is None:
        assert nullable, f"{key} is null, documented as never null"
        return
    is_bool = isinstance(value, bool)
    assert isinstance(value, types) and (is_bool == (bool in types)), (
        f"{key} is {type(value).__name__} {value!r}, documented as {types}")


def check_exchange(document: dict[str, Any], output: str) -> None:
    """`document` has every documented key with its documented type, and nothing else
    but the keys documented for `output` (send, replay or export)."""
    core, extra = core_keys(), output_keys(output)
    missing = [key for key in core if key not in document]
    assert not missing, f"{output}: documented keys missing: {missing}"
    unknown = [key for key in document if key not in core and key not in extra]
    assert not unknown, f"{output}: keys not in {DOC.name}: {unknown}"
    for key, value in document.items():
        _check_type(key, value, core.get(key) or extra[key])

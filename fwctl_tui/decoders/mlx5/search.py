"""Catalogue search by command name, opcode, register name or id, and field name.

The index (about twenty thousand keys) is built once; a query is a substring scan over
lower-cased keys plus exact number matches, well under a millisecond or two per call,
so a palette can filter on every keystroke.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from fwctl_tui.decoders.mlx5.catalogue import (
    Command,
    bind_register,
    commands,
    registers,
)
from fwctl_tui.decoders.mlx5.context import CAP_FIELDS
from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.decoders.values import parse_number

KIND_ORDER = {"command": 0, "register": 1, "field": 2}


@dataclass(frozen=True)
class SearchHit:
    """One match: what matched (`kind`, `name`), the command to open, and where."""

    kind: str  # command | register | field
    name: str
    command: Command
    path: str | None = None  # field path inside the command's layouts
    detail: str = ""
    score: int = 0  # lower is better: 0 exact, 1 prefix, 2 substring


@dataclass(frozen=True)
class _Entry:
    key: str
    kind: str
    name: str
    command: Command
    path: str | None
    detail: str


def _walk(layout: str, prefix: str, out: dict[str, str], depth: int = 0) -> None:
    """Field name -> first path, through structs, unions (all members) and arrays (a
    segmented list through the element layouts the decoder shows, in run order)."""
    if depth > 8:
        return
    lset = layouts()
    for f in lset[layout].fields:
        path = f"{prefix}{f.name}"
        out.setdefault(f.name, path)
        if f.segments is not None:
            for name in f.segments.layout_names:
                _walk(name, f"{path}[].{name}.", out, depth + 1)
        elif f.type and f.type in lset:
            sub = f"{path}[]." if f.kind == "array" else f"{path}."
            _walk(f.type, sub, out, depth + 1)


@cache
def _index() -> tuple[tuple[_Entry, ...], tuple[str, ...], dict[int, tuple[int, ...]]]:
    """Entries sorted for display, their lower-case keys, and number -> entry positions."""
    entries: list[_Entry] = []
    numbers: dict[int, list[_Entry]] = {}
    for cmd in commands():
        e = _Entry(cmd.name.lower(), "command", cmd.name, cmd, None,
                   f"{cmd.opcode:#06x} · {cmd.group}")
        entries.append(e)
        entries.append(_Entry(f"{cmd.opcode:#x}", "command", cmd.name, cmd, None, e.detail))
        numbers.setdefault(cmd.opcode, []).append(e)
        fields: dict[str, str] = {}
        for layout in (cmd.in_layout, cmd.out_layout):
            if layout:
                _walk(layout, "", fields)
        cap_field = CAP_FIELDS.get((cmd.name, "out")) or CAP_FIELDS.get((cmd.name, "in"))
        if cap_field:
            _walk("hca_cap_union", cap_field + ".", fields)
        entries.extend(_Entry(name.lower(), "field", name, cmd, path, f"{cmd.name} · {path}")
                       for name, path in fields.items())
    for reg in registers():
        cmd = bind_register("ACCESS_REG", reg.name)
        detail = f"register {reg.id:#06x}"
        e = _Entry(reg.name.lower(), "register", reg.name, cmd, None, detail)
        entries.append(e)
        entries.extend(_Entry(alias.lower(), "register", reg.name, cmd, None, detail)
                       for alias in reg.aliases)
        entries.append(_Entry(f"{reg.id:#x}", "register", reg.name, cmd, None, detail))
        numbers.setdefault(reg.id, []).append(e)
        fields = {}
        _walk(reg.layout, "register_data.", fields)
        entries.extend(_Entry(name.lower(), "field", name, cmd, path, f"{reg.name} · {path}")
                       for name, path in fields.items())
    entries.sort(key=lambda e: (KIND_ORDER[e.kind], e.name, e.detail))
    position = {id(e): i for i, e in enumerate(entries)}
    keys = tuple(e.key for e in entries)
    return (tuple(entries), keys,
            {k: tuple(position[id(e)] for e in v) for k, v in numbers.items()})


@cache
def _joined() -> tuple[str, list[int]]:
    """Every key in one newline-separated string and where each key starts: one C-level
    scan of it finds the keys holding a substring (a Python loop over 10k keys takes
    several milliseconds, a third of a frame)."""
    _entries, keys, _numbers = _index()
    starts, at = [], 0
    for key in keys:
        starts.append(at)
        at += len(key) + 1
    return "\n".join(keys), starts


def _holding(text: str) -> list[int]:
    """Positions of the keys that contain `text` (no newline in it), in key order; after
    a hit the scan jumps to the next key, so a common letter costs one find per key."""
    joined, starts = _joined()
    found: list[int] = []
    if len(text) == 1:  # one letter is the start of a name, not any name holding it
        found = [0] if joined.startswith(text) else []
        at = joined.find("\n" + text)
        while at >= 0:
            found.append(bisect_right(starts, at + 1) - 1)
            at = joined.find("\n" + text, at + 2)
        return found
    at = joined.find(text)
    while at >= 0:
        i = bisect_right(starts, at) - 1
        found.append(i)
        if i + 1 >= len(starts):
            break
        at = joined.find(text, starts[i + 1])
    return found


def search(query: str, limit: int = 200) -> list[SearchHit]:
    """Matches for `query`: commands, then registers, then fields; within each exact, then
    prefix, then substring matches (a single character: prefix only). Numbers match
    opcodes and register ids exactly."""
    text = query.strip().lower()
    if not text:
        return []
    entries, keys, numbers = _index()
    # buckets[kind * 3 + score] hold entry positions; entries are pre-sorted by name
    buckets: list[list[int]] = [[] for _ in range(3 * len(KIND_ORDER))]
    number = parse_number(text)
    if number is not None:
        for i in numbers.get(number, ()):
            buckets[KIND_ORDER[entries[i].kind] * 3].append(i)
    for i in _holding(text):
        key = keys[i]
        score = 0 if key == text else (1 if key.startswith(text) else 2)
        buckets[KIND_ORDER[entries[i].kind] * 3 + score].append(i)
    hits: list[SearchHit] = []
    seen: set[tuple[str, str, str | None]] = set()
    for bucket_no, bucket in enumerate(buckets):
        for i in sorted(bucket):
            e = entries[i]
            ident = (e.kind, e.command.name, e.path)
            if ident in seen:
                continue
            seen.add(ident)
            hits.append(SearchHit(e.kind, e.name, e.command, e.path, e.detail, bucket_no % 3))
            if len(hits) >= limit:
                return hits
    return hits

"""Filter records by what they say: `down_blame=Remote_phy page_select=6 status!=OK`.

The capture browser's filter and `replay --filter EXPR` share this syntax. Words are
ANDed. `command=`, `status=`/`status!=`, `scope=`, `since=`, `until=` test the record
(filters.RecordFilter); any other `name OP value` tests the decoded fields of that short
name in the request or (for a reply that succeeded) the reply: `=`/`!=` against the
number (decimal or 0x) or the enum label (case-insensitive), `>`, `<`, `>=`, `<=` against
the number; `x_high`/`x_low` halves count as one 64-bit `x`. A word without an operator
matches the command, the outcome, a field's label or a field name. A name that no layout
of the catalogue has is refused with the valid words, so a typo never silently matches
nothing.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from fwctl_tui.capture_analysis import decoding
from fwctl_tui.capture_analysis.filters import (
    RecordFilter,
    check_status,
    outcome_text,
    parse_filter,
)
from fwctl_tui.captures.format import CaptureError
from fwctl_tui.captures.loader import RecordItem
from fwctl_tui.decoders import iter_leaves

RECORD_KEYS = ("command", "status", "scope", "since", "until")
OPERATORS = ("!=", ">=", "<=", "=", ">", "<")
_WORD = re.compile(r"^(?P<name>[A-Za-z_][\w.\[\]]*?)(?P<op>!=|>=|<=|=|>|<)(?P<value>.*)$")
_COMPARE: dict[str, Callable[[int, int], bool]] = {
    ">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le}
Leaves = dict[str, list[tuple[Any, str | None]]]  # short name -> (value, label) of each leaf


@dataclass(frozen=True)
class FieldTest:
    """`name OP value` on a record's decoded fields."""

    name: str
    op: str
    value: str

    def matches(self, leaves: Leaves) -> bool:
        found = leaves.get(self.name)
        if not found:
            return False
        if self.op == "!=":
            return not any(_equal(value, label, self.value) for value, label in found)
        if self.op == "=":
            return any(_equal(value, label, self.value) for value, label in found)
        wanted = _number(self.value)
        compare = _COMPARE[self.op]
        return any(isinstance(value, int) and compare(value, wanted) for value, _ in found)


@dataclass
class Query:
    """A parsed filter: the record tests, `status!=` outcomes, field tests and free words."""

    record: RecordFilter
    not_status: list[str] = field(default_factory=list)
    tests: list[FieldTest] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    def matches(self, item: RecordItem) -> bool:
        if not self.record.matches(item):
            return False
        ex = item.exchange
        if not (self.not_status or self.tests or self.words):
            return True
        if ex is None:
            return False
        outcome = outcome_text(ex)
        if any(_outcome_is(wanted, outcome) for wanted in self.not_status):
            return False
        if not (self.tests or self.words):
            return True
        leaves = record_leaves(item, outcome)
        if not all(test.matches(leaves) for test in self.tests):
            return False
        haystack = f"{ex.command} {outcome}".upper()
        return all(word.upper() in haystack or _word_in(word, leaves) for word in self.words)


def parse_query(text: str) -> Query:
    """Parse a filter; CaptureError naming the word and the valid ones when it is wrong."""
    record_words: list[str] = []
    query = Query(RecordFilter())
    for word in text.split():
        match = _WORD.match(word)
        if match is None:
            query.words.append(word)
            continue
        name, op, value = match["name"].lower(), match["op"], match["value"]
        if name in ("status", "s") and op == "!=":
            query.not_status.append(check_status(value))
        elif name in (*RECORD_KEYS, "cmd", "c", "s"):
            if op != "=":
                raise CaptureError(f"{name!r} takes '=' only (status also '!='), not {op!r}")
            record_words.append(f"{name}={value}")
        elif name not in field_names():
            raise CaptureError(unknown_word(name))
        else:
            if op in _COMPARE:
                _number(value)  # a comparison needs a number: say so now, not per record
            query.tests.append(FieldTest(name, op, value))
    if record_words:
        query.record = parse_filter(" ".join(record_words))
    return query


def unknown_word(name: str) -> str:
    close = difflib.get_close_matches(name, field_names(), n=3, cutoff=0.75)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return (f"unknown filter word {name!r}{hint}: use command=, status= or status!=, scope=, "
            "since=, until=, or a field name of the records with = != > < >= <= "
            "(down_blame=Remote_phy, page_select=6, symbol_errors>0), or plain words")


@cache
def field_names() -> frozenset[str]:
    """Every field name of every catalogue layout (lower-case), 64-bit joins included."""
    from fwctl_tui.decoders.mlx5.data import layouts

    every = layouts()
    names = {f.name.lower() for name in every for f in every[name].fields}
    names |= {name[:-5] for name in names if name.endswith("_high")}
    return frozenset(names)


def record_leaves(item: RecordItem, outcome: str) -> Leaves:
    """Short name -> (value, label) of a record's request fields and, for a reply that
    succeeded, its reply fields; `x_high`/`x_low` also as one `x`."""
    ex = item.exchange
    if ex is None:
        return {}
    decoded = decoding.decode(ex)
    leaves: Leaves = {}
    whole_request = _is_write(ex)  # a read's request says only what it asks about
    for root, side in ((decoded.input, "in"), (decoded.output if outcome == "OK" else None,
                                               "out")):
        if root is None:
            continue
        for leaf in iter_leaves(root):
            if leaf.missing or (side == "in" and not whole_request and leaf.access
                                and leaf.access.upper() not in ("INDEX", "OP")):
                continue
            leaves.setdefault(leaf.name.lower(), []).append((leaf.value, leaf.label))
    for name in [n for n in leaves if n.endswith("_high")]:
        low = leaves.get(f"{name[:-5]}_low")
        high = leaves[name]
        if low and len(low) == len(high):
            leaves.setdefault(name[:-5], []).extend(
                ((h << 32) | lo, None) for (h, _), (lo, _) in zip(high, low, strict=True)
                if isinstance(h, int) and isinstance(lo, int))
    return leaves


def _is_write(ex: Any) -> bool:
    command = decoding.command_for(ex)
    try:
        return bool(command is not None and command.is_write(ex.op_mod))
    except (LookupError, ValueError, TypeError):
        return True


def _equal(value: Any, label: str | None, wanted: str) -> bool:
    if label is not None and label.lower() == wanted.lower():
        return True
    try:
        return isinstance(value, int) and value == _number(wanted)
    except CaptureError:
        return isinstance(value, str) and value.lower() == wanted.lower()


def _number(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise CaptureError(f"{text!r} is not a number (decimal or 0x hex)") from None


def _outcome_is(wanted: str, outcome: str) -> bool:
    key = wanted.upper()
    return outcome != "OK" if key == "ERROR" else key in outcome.upper()


def _word_in(word: str, leaves: Leaves) -> bool:
    low = word.lower()
    return any(low in name or any(label is not None and label.lower() == low
                                  for _, label in found) for name, found in leaves.items())

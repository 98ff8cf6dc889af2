"""Field-level diff of two captures (or two exchanges): what changed, by name, not by hex.

Records pair by what they ask (command, op_mod and the request's index fields: register
INDEX fields, object ids, capability type), the n-th such question in A with the n-th in
B. Changed output fields are listed by path (text arrays as strings, split addresses
whole, see render.py); counters get a delta and, only when both records come from one
capture's timeline, a rate per second of CLOCK_MONOTONIC. Two sessions' clocks say
nothing about the time between them (a recording may be months old), so across sessions
there are deltas and no rates. Lines the loader could not read are carried as `problems`
of their side. Used by `fwctl-tui diff`, `replay --against` and the diff view.
"""

from __future__ import annotations

import errno as errno_module
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fwctl_tui.capture_analysis import decoding, render
from fwctl_tui.capture_analysis.filters import outcome_text
from fwctl_tui.capture_analysis.replay import match_key
from fwctl_tui.captures.loader import load_capture
from fwctl_tui.drivers.records import changes as driver_changes
from fwctl_tui.drivers.records import question as driver_question
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import Scope

_COUNTER_COMMAND = re.compile(r"CNT|COUNTER|PPCNT|PPLM|MPCNT|PPRT|STATS", re.IGNORECASE)
_COUNTER_NAME = re.compile(
    r"(count|counter|cnt|octets|pkts|packets|frames|errors|error|drops|discards|"
    r"events|bytes|received|transmitted|pause|ber|_symbol|_block)",
    re.IGNORECASE,
)


@dataclass
class Change:
    """One field that differs between A and B."""

    field: str
    a: Any
    b: Any
    delta: int | None = None
    rate_per_s: float | None = None
    kind: str | None = None  # render.TEXT (a and b are strings), MAC or HEX; None: as is
    a_label: str | None = None  # the enum's name for a (b): shown beside the number
    b_label: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "a": _plain(self.a), "b": _plain(self.b),
                "a_label": self.a_label, "b_label": self.b_label,
                "delta": self.delta, "rate_per_s": self.rate_per_s, "kind": self.kind}

    def shown(self, side: str) -> str:
        """One side as a table shows it: the value, its enum name beside it."""
        value, label = (self.a, self.a_label) if side == "a" else (self.b, self.b_label)
        text = render.show(value, self.kind)
        return f"{text} ({label})" if label else text


@dataclass
class Pair:
    """A record of A paired with the matching record of B."""

    key: dict[str, Any]
    a: Exchange
    b: Exchange
    seq_a: int
    seq_b: int
    changes: list[Change] = field(default_factory=list)
    note: str | None = None  # e.g. why fields could not be compared

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "seq_a": self.seq_a, "seq_b": self.seq_b,
                "outcome_a": outcome_text(self.a), "outcome_b": outcome_text(self.b),
                "changes": [c.as_json() for c in self.changes], "note": self.note}


SAME_TIMELINE_NOTE = "rates per second of the capture's monotonic clock"
CROSS_SESSION_NOTE = ("A and B are different sessions: counter deltas only, no rates (the "
                      "time between two sessions is not the time the counters ran)")


@dataclass
class DiffReport:
    pairs: list[Pair] = field(default_factory=list)
    only_in_a: list[dict[str, Any]] = field(default_factory=list)
    only_in_b: list[dict[str, Any]] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=lambda: {"a": [], "b": []})
    same_timeline: bool = False
    paired: int = 0  # pairs found, also when they were streamed out instead of kept
    changed_count: int = 0

    @property
    def changed(self) -> list[Pair]:
        return [pair for pair in self.pairs if pair.changes]

    @property
    def rates_note(self) -> str:
        return SAME_TIMELINE_NOTE if self.same_timeline else CROSS_SESSION_NOTE

    def as_json(self) -> dict[str, Any]:
        return {"pairs": [p.as_json() for p in self.pairs],
                "only_in_a": self.only_in_a, "only_in_b": self.only_in_b,
                "problems": self.problems, "same_timeline": self.same_timeline,
                "rates_note": self.rates_note}


def record_key(exchange: Exchange, decoded: decoding.Decoded | None = None) -> dict[str, Any]:
    """What the record asks: command, op_mod, scope and index fields (raw request if undecodable).

    The scope is part of the question: the same request refused at a lower scope is not
    an answer to compare with the accepted one.
    """
    driver = driver_question(exchange)  # cxl/pds/bnxt: not an mlx5 mailbox
    if driver is not None:
        return driver
    decoded = decoded or decoding.decode(exchange)
    key: dict[str, Any] = {"command": decoding.command_name(exchange), "op_mod": exchange.op_mod,
                           "scope": exchange.scope.name}
    if decoded.input_fields:
        key["index"] = {p: _plain(v) for p, v in decoding.index_fields(decoded).items()}
    else:
        key["request"] = match_key(exchange.request).hex()
    return key


class _Keys:
    """record_key once per distinct question: a polling capture asks one 100k times. The
    keys are shared between records; nobody changes them."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, Scope, bytes], tuple[Any, dict[str, Any]]] = {}

    def __call__(self, exchange: Exchange) -> tuple[Any, dict[str, Any]]:
        question = (exchange.command, exchange.scope, match_key(exchange.request))
        found = self._known.get(question)
        if found is None:
            key = record_key(exchange)
            found = self._known[question] = (_freeze(key), key)
        return found


def is_counter(command: str, path: str, width_bits: int = 64) -> bool:
    """A running count (so a delta and a rate mean something), judged by name and width.

    Capability pages are never counters even where a name says `count` or `error`, and
    narrow fields (flags, log2 sizes) are not either.
    """
    name = path.rsplit(".", 1)[-1]
    if width_bits < 32 or "CAP" in command.upper().split(":", 1)[0]:
        return False
    if _COUNTER_NAME.search(name):
        return True
    return bool(_COUNTER_COMMAND.search(command)) and not name.endswith(("_id", "_index"))


def diff_pair(a: Exchange, b: Exchange, *, same_timeline: bool = False
              ) -> tuple[list[Change], str | None]:
    """Changed fields between two answers to the same question, plus a note if degraded.

    Counters get a delta; a rate only with `same_timeline` (both records from one
    capture, so their `mono_ns` share a clock), never from wall times of two sessions,
    never between two device sessions (Exchange.session: another simulated card, or a
    reboot), and never for a counter that went down (cleared or reset in between).
    """
    driver = driver_changes(a, b)  # cxl/pds/bnxt records: compared as their plug-in decodes
    if driver is not None:
        return [Change(path, va, vb) for path, va, vb in driver], None
    changes: list[Change] = []
    if a.errno != b.errno:
        changes.append(Change("errno", a.errno, b.errno, a_label=_errno_name(a.errno),
                              b_label=_errno_name(b.errno)))
    if a.status != b.status:
        changes.append(Change("status", a.status, b.status, a_label=_status_name(a.status),
                              b_label=_status_name(b.status)))
    notes = [f"{side}: {problem}" for side, ex in (("A", a), ("B", b))
             for problem in decoding.problems(ex)]
    if a.reply is None or b.reply is None or a.reply == b.reply:
        return changes, "; ".join(notes) or None
    da, db = decoding.decode(a), decoding.decode(b)
    if not (da.output_fields and db.output_fields):
        notes += [error for error in (da.error or db.error,) if error]
        return changes + _dword_changes(a.reply, b.reply), "; ".join(notes) or None
    fa, fb, kinds = render.join(da.output_fields, db.output_fields,
                                decoding.values(da.output_fields),
                                decoding.values(db.output_fields))
    widths = {path: fld.width_bits for path, fld in da.output_fields.items()}
    other_session = bool(a.session and b.session and a.session != b.session)
    if other_session:
        notes.append("A and B were answered by different device sessions (another simulated "
                      "card, or the host rebooted): counter deltas span a reset, no rates")
    seconds = (b.mono_ns - a.mono_ns) / 1e9 if same_timeline and not other_session else 0.0
    went_down = False
    for path in list(fa) + [p for p in fb if p not in fa]:
        va, vb = fa.get(path), fb.get(path)
        if va == vb:
            continue
        change = Change(path, va, vb, kind=kinds.get(path),
                        a_label=_label(da.output_fields, path, va),
                        b_label=_label(db.output_fields, path, vb))
        width = widths.get(path, 64)  # joined _high/_low counters are 64-bit
        if (change.kind is None and isinstance(va, int) and isinstance(vb, int)
                and is_counter(decoding.command_name(a), path, width)):
            change.delta = vb - va
            went_down = went_down or change.delta < 0
            if seconds > 0 and change.delta >= 0:
                change.rate_per_s = round(change.delta / seconds, 3)
        changes.append(change)
    if went_down and not other_session:
        notes.append("a counter went down: it was cleared or the device reset between the "
                     "records, so that delta is not traffic (no rate)")
    return changes, "; ".join(notes) or None


def _label(fields: dict[str, decoding.Field], path: str, value: Any) -> str | None:
    found = fields.get(path)
    return found.label if found is not None and found.value == value else None


def _errno_name(code: int) -> str | None:
    return errno_module.errorcode.get(code) if code else None


def _status_name(status: int | None) -> str | None:
    from fwctl_tui.decoders.mlx5.status import status_name

    return status_name(status) if status is not None else None


def _dword_changes(ra: bytes, rb: bytes) -> list[Change]:
    """Fallback when the reply cannot be decoded: changed 32-bit words as numbers."""
    out = []
    for offset in range(0, max(len(ra), len(rb)), 4):
        wa, wb = ra[offset : offset + 4], rb[offset : offset + 4]
        if wa != wb:
            out.append(Change(f"dword[0x{offset:x}]", _word(wa), _word(wb)))
    return out


def _word(raw: bytes) -> int | str | None:
    """A 32-bit word as a number; a reply that ends inside it says how much there is."""
    if len(raw) == 4:
        return int.from_bytes(raw, "big")
    return f"0x{raw.hex()} ({len(raw)} of 4 bytes)" if raw else None


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _plain(value: Any) -> Any:
    return value.hex() if isinstance(value, bytes | bytearray) else value


def _brief(seq: int, exchange: Exchange, key: dict[str, Any]) -> dict[str, Any]:
    return {"seq": seq, "key": key, "command": exchange.command,
            "outcome": outcome_text(exchange), "time": exchange.wall_time,
            "problems": decoding.problems(exchange)}


def diff_exchanges(
    a: Iterable[tuple[int, Exchange]], b: Iterable[tuple[int, Exchange]], *,
    same_timeline: bool = False, on_pair: Callable[[Pair], None] | None = None,
) -> DiffReport:
    """Pair (seq, Exchange) streams by question, in order, and diff each pair; rates only
    with `same_timeline` (both streams from one capture).

    Pairs are kept in `report.pairs` (sorted by A's seq), or, with `on_pair`, handed over
    as they are found in B's order and not kept: a diff of two 100k-record captures then
    holds A's records and the counts, not 100k pairs with their changes.
    """
    waiting: dict[Any, list[tuple[int, Exchange, dict[str, Any]]]] = {}
    order_a: list[tuple[Any, int, Exchange, dict[str, Any]]] = []
    keys = _Keys()
    for seq, exchange in a:
        frozen, key = keys(exchange)
        waiting.setdefault(frozen, []).append((seq, exchange, key))
        order_a.append((frozen, seq, exchange, key))
    report = DiffReport(same_timeline=same_timeline)
    cursor: dict[Any, int] = {}
    for seq_b, exchange_b in b:
        frozen, key = keys(exchange_b)
        queue = waiting.get(frozen, [])
        used = cursor.get(frozen, 0)
        if used >= len(queue):
            report.only_in_b.append(_brief(seq_b, exchange_b, key))
            continue
        cursor[frozen] = used + 1
        seq_a, exchange_a, _ = queue[used]
        changes, note = diff_pair(exchange_a, exchange_b, same_timeline=same_timeline)
        pair = Pair(key, exchange_a, exchange_b, seq_a, seq_b, changes, note)
        report.paired += 1
        report.changed_count += bool(changes)
        if on_pair is None:
            report.pairs.append(pair)
        else:
            on_pair(pair)
    seen: dict[Any, int] = {}
    for frozen, seq, exchange, key in order_a:
        position = seen.get(frozen, 0)
        seen[frozen] = position + 1
        if position >= cursor.get(frozen, 0):
            report.only_in_a.append(_brief(seq, exchange, key))
    report.pairs.sort(key=lambda pair: pair.seq_a)
    return report


def _numbered(path: Path | str, problems: list[str]) -> Iterable[tuple[int, Exchange]]:
    """The usable records of a capture; what could not be read goes to `problems`."""
    with load_capture(path) as capture:
        for item in capture.iter_records():
            if item.exchange is not None:
                yield item.seq, item.exchange
            elif item.error is not None:
                problems.append(str(item.error))
        problems.extend(str(problem) for problem in capture.problems)


def timeline(header: dict[str, Any]) -> str | None:
    """The clock a capture's mono_ns count on (header `timeline`); None for files written
    before captures said so, which are then never timed against another file."""
    value = header.get("timeline")
    return value if isinstance(value, str) and value else None


def diff_captures(path_a: Path | str, path_b: Path | str,
                  on_pair: Callable[[Pair], None] | None = None) -> DiffReport:
    """Diff two capture files (CaptureError / FileNotFoundError if one cannot be opened).

    Broken lines of either file are in `report.problems["a"/"b"]`; rates are computed only
    when A and B are the same capture (a copy, or the same file grown since).
    """
    with load_capture(path_a) as capture_a, load_capture(path_b) as capture_b:
        line_a, line_b = timeline(capture_a.header), timeline(capture_b.header)
    problems: dict[str, list[str]] = {"a": [], "b": []}
    report = diff_exchanges(_numbered(path_a, problems["a"]), _numbered(path_b, problems["b"]),
                            same_timeline=line_a is not None and line_a == line_b,
                            on_pair=on_pair)
    report.problems = problems
    return report


def diff_records(path: Path | str, seq_a: int, seq_b: int) -> DiffReport:
    """Two records of one capture, by seq, with rates over their shared clock (LookupError
    when a seq is not there or the two records ask different questions)."""
    problems: list[str] = []
    found = {seq: ex for seq, ex in _numbered(path, problems) if seq in (seq_a, seq_b)}
    missing = [str(seq) for seq in (seq_a, seq_b) if seq not in found]
    if missing:
        raise LookupError(f"no record with seq {', '.join(missing)} in {path}")
    key_a, key_b = record_key(found[seq_a]), record_key(found[seq_b])
    if key_a != key_b:
        raise LookupError(f"records {seq_a} and {seq_b} ask different questions "
                          f"({key_a} vs {key_b}): only answers to one question compare")
    changes, note = diff_pair(found[seq_a], found[seq_b], same_timeline=True)
    report = DiffReport(same_timeline=True, paired=1, changed_count=int(bool(changes)))
    report.pairs.append(Pair(key_a, found[seq_a], found[seq_b], seq_a, seq_b, changes, note))
    report.problems["a"] = problems
    return report

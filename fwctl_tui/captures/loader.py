"""Read captures as a stream: header now, records on demand, bad lines reported not fatal.

Opening scans the file once for line offsets (chunked reads, no parsing), so a 100k-record
capture opens in well under a second and holds only an offset array in memory; a record
is parsed when someone asks for it. Only a file without a usable header is fatal; a
broken record line becomes a `problem` naming its line, and a crash-truncated last line
is reported and skipped.
"""

from __future__ import annotations

import json
import threading
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from fwctl_tui.captures.files import open_regular
from fwctl_tui.captures.format import (
    MAX_LINE_BYTES,
    RECORD_UPGRADERS,
    SCHEMA,
    CaptureError,
    check_header,
    clean_header,
    record_to_exchange,
)
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import Scope, parse_scope

_CHUNK = 1 << 20
_DECODER = json.JSONDecoder()
_CACHE = 512


@dataclass
class RecordItem:
    """One record line: parsed Exchange, or the error and raw text when it is unusable."""

    index: int  # 0-based among record lines
    line: int  # 1-based line number in the file
    raw: dict[str, Any] | None
    exchange: Exchange | None
    error: CaptureError | None = None
    text: str = ""

    @property
    def recorded_seq(self) -> int | None:
        """The seq the line itself carries; None when it is unreadable or has none."""
        value = (self.raw or {}).get("seq")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def seq(self) -> int:
        """The recorded seq, else the line's position among records (for ordering)."""
        recorded = self.recorded_seq
        return recorded if recorded is not None else self.index + 1


class Capture:
    """An open capture file: `header`, `problems`, len(), record(i), iter_records()."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[CaptureError] = []
        self.truncated_tail = False
        self.ends_with_newline = True
        self.schema = SCHEMA
        self._lock = threading.Lock()
        self._cache: dict[int, RecordItem] = {}
        self._file: BinaryIO = open_regular(path)
        try:
            self.header, self._offsets, self._lines = self._scan()
        except BaseException:
            self._file.close()
            raise
        self.device_name = str(self.header.get("device", {}).get("fwctl") or "")
        if self.header.get("simulated") is True:
            _explain_simulator_syndromes()

    # -- opening ---------------------------------------------------------------------
    def _scan(self) -> tuple[dict[str, Any], array[int], array[int]]:
        first = self._file.readline(MAX_LINE_BYTES + 1)
        if not first.strip():
            raise CaptureError("empty file: no capture header", path=str(self.path), line=1)
        header = parse_header_line(first, str(self.path))
        source_schema = header.get("schema") if isinstance(header, dict) else None
        try:
            header = check_header(header)
        except CaptureError as err:
            raise CaptureError(err.reason, path=str(self.path), line=1) from None
        self.problems += [CaptureError(reason, path=str(self.path), line=1)
                          for reason in clean_header(header)]
        self.schema = source_schema if isinstance(source_schema, int) else SCHEMA
        offsets, lines = array("Q"), array("I")
        line_no, carry_start = 2, len(first)
        buffer = b""
        while chunk := self._file.read(_CHUNK):
            buffer += chunk
            start = 0
            while (end := buffer.find(b"\n", start)) >= 0:
                if end > start and buffer[start:end].strip():  # blank lines are not records
                    offsets.append(carry_start + start)
                    lines.append(line_no)
                start, line_no = end + 1, line_no + 1
            carry_start += start
            buffer = buffer[start:]
            if len(buffer) > MAX_LINE_BYTES:
                self.problems.append(CaptureError(
                    f"line longer than {MAX_LINE_BYTES} bytes; the rest of the file is skipped",
                    path=str(self.path), line=line_no))
                return header, offsets, lines
        pos = carry_start
        if not first.endswith(b"\n"):
            self.ends_with_newline = False
        if buffer.strip():
            self.ends_with_newline = False
            if _parses(buffer):
                offsets.append(pos)
                lines.append(line_no)
            else:
                self.truncated_tail = True
                self.problems.append(CaptureError(
                    "last record is truncated (the writer stopped mid-line, e.g. a crash); "
                    "skipped", path=str(self.path), line=line_no))
        elif buffer:
            self.ends_with_newline = False
        return header, offsets, lines

    # -- access ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._offsets)

    def record(self, index: int) -> RecordItem:
        """Record `index` (0-based), parsed on demand and cached."""
        cached = self._cache.get(index)
        if cached is not None:
            return cached
        if not 0 <= index < len(self._offsets):
            raise IndexError(index)
        with self._lock:
            self._file.seek(self._offsets[index])
            text = self._file.readline(MAX_LINE_BYTES + 1)
        item = self._parse(index, text)
        if len(self._cache) >= _CACHE:
            self._cache.clear()
        self._cache[index] = item
        return item

    def iter_records(self, start: int = 0) -> Iterator[RecordItem]:
        """Every record from `start`, read sequentially (fast path for filters, diff, bench)."""
        for index, text in self.iter_lines(start):
            yield self._parse(index, text)

    def iter_lines(self, start: int = 0) -> Iterator[tuple[int, bytes]]:
        """(index, raw line) of every record from `start`, unparsed: for scans that read
        a few keys of each line and parse (record(index)) only the lines they need.

        Blank lines between records are skipped by seeking to the next record's offset
        (a seek inside the read buffer costs no system call)."""
        with open_regular(self.path) as stream:
            position = -1
            for index in range(start, len(self._offsets)):
                offset = self._offsets[index]
                if offset != position:
                    stream.seek(offset)
                text = stream.readline(MAX_LINE_BYTES + 1)
                position = offset + len(text)
                yield index, text

    def exchanges(self) -> Iterator[Exchange]:
        """The usable records as Exchanges, skipping broken lines."""
        for item in self.iter_records():
            if item.exchange is not None:
                yield item.exchange

    def last_seq(self) -> int:
        for index in range(len(self) - 1, -1, -1):
            item = self.record(index)
            if item.error is None:
                return item.seq
        return 0

    def _parse(self, index: int, text: bytes) -> RecordItem:
        line = self._lines[index]
        try:
            raw = _DECODER.decode(text.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return self._broken(index, line, text, "not valid JSON")
        except RecursionError:
            return self._broken(index, line, text, "nested too deeply to read")
        if not isinstance(raw, dict) or raw.get("type") != "rpc":
            kind = raw.get("type") if isinstance(raw, dict) else type(raw).__name__
            return self._broken(index, line, text, f"not an rpc record (type {kind!r})")
        upgrade = RECORD_UPGRADERS.get(self.schema) if self.schema != SCHEMA else None
        if upgrade is not None:
            raw = upgrade(raw)
        try:
            exchange = record_to_exchange(raw, self.device_name)
        except CaptureError as err:
            return self._broken(index, line, text, err.reason, raw)
        return RecordItem(index, line, raw, exchange)

    def _broken(
        self, index: int, line: int, text: bytes, reason: str, raw: dict[str, Any] | None = None
    ) -> RecordItem:
        error = CaptureError(reason, path=str(self.path), line=line)
        shown = text[:200].decode("utf-8", "replace").rstrip("\n")
        return RecordItem(index, line, raw, None, error, shown)

    # -- lifetime --------------------------------------------------------------------
    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Capture:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> dict[str, Any]:
        """Header summary for the CLI and the browser's top panel."""
        device = self.header.get("device", {})
        return {
            "path": str(self.path),
            "schema": self.schema,
            "created_at": self.header.get("created_at"),
            "host": self.header.get("host"),
            "kernel_release": self.header.get("kernel_release"),
            "taint_at_start": self.header.get("taint_at_start"),
            "device": device.get("fwctl"),
            "kind": device.get("kind"),
            "device_type": device.get("device_type"),
            "pci_bdf": device.get("pci_bdf"),
            "firmware_version": device.get("firmware_version"),
            "board": device.get("board"),
            "records": len(self),
            "redacted": self.header.get("redacted", False),
            "problems": [str(p) for p in self.problems],
        }


def _explain_simulator_syndromes() -> None:
    """A simulator's capture quotes the simulator's own syndromes: let them be explained.

    Importing the table registers it with the decoders (sim/mlx5/syndromes.py); a
    process that replays a capture may never have started a simulated device.
    """
    import fwctl_tui.sim.mlx5.syndromes  # noqa: F401


def _parses(text: bytes) -> bool:
    try:
        json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return True


_BOM = b"\xef\xbb\xbf"


def parse_header_line(first: bytes, path: str) -> Any:
    """The first line as JSON (a UTF-8 byte order mark before it is allowed), else
    CaptureError saying why it is not a capture."""
    try:
        return json.loads(first.removeprefix(_BOM))
    except (ValueError, UnicodeDecodeError):
        reason = "first line is not JSON: not a capture file (binary or damaged?)"
    except RecursionError:
        reason = "first line is nested too deeply to be a capture header"
    raise CaptureError(reason, path=path, line=1)


def load_capture(path: Path | str) -> Capture:
    """Open a capture; raises FileNotFoundError, or CaptureError when there is no header."""
    return Capture(Path(path))


# -- filters ---------------------------------------------------------------------------
@dataclass
class RecordFilter:
    """What `replay --command/--status/--scope/--since/--until` and the browser filter on."""

    command: str | None = None  # case-insensitive substring of the command name
    status: str | None = None  # OK, an mlx5 status name, an errno name, or ERROR
    scope: Scope | None = None
    since: float | None = None
    until: float | None = None
    terms: list[str] = field(default_factory=list)  # free words: match command or outcome

    def matches(self, item: RecordItem) -> bool:
        ex = item.exchange
        if ex is None:
            return not (self.command or self.status or self.scope is not None or self.terms)
        if self.command and self.command.upper() not in ex.command.upper():
            return False
        if self.scope is not None and ex.scope != self.scope:
            return False
        if self.since is not None and ex.wall_time < self.since:
            return False
        if self.until is not None and ex.wall_time > self.until:
            return False
        if self.status or self.terms:
            outcome = outcome_text(ex)
            if self.status and not _status_matches(self.status, outcome):
                return False
            haystack = f"{ex.command} {outcome}".upper()
            if any(term.upper() not in haystack for term in self.terms):
                return False
        return True


def _status_matches(wanted: str, outcome: str) -> bool:
    key = wanted.upper()
    if key == "ERROR":
        return outcome != "OK"
    return key == outcome.upper() or key in outcome.upper()


def outcome_text(exchange: Exchange) -> str:
    """The record's outcome for listings and filters: OK, a status or errno name, or the
    integrity flag of a damaged record (SHORT_REPLY, NO_STATUS, OPCODE_MISMATCH)."""
    from fwctl_tui.captures.checks import outcome  # the decoders load on first use

    return outcome(exchange)


def parse_time(text: str) -> float:
    """Epoch seconds or an ISO date-time (UTC when no zone is given)."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CaptureError(f"bad time {text!r}: use epoch seconds or ISO 8601") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def check_status(text: str) -> str:
    """A `status` filter value that can match something; CaptureError naming the choices."""
    from fwctl_tui.captures.checks import accepted_statuses, is_known_status

    if not is_known_status(text):
        raise CaptureError(
            f"unknown status {text!r}; use one of {', '.join(accepted_statuses())}, "
            "or an errno name (EPERM, EINVAL, ENOMSG, ...)")
    return text


def check_scope(text: str) -> Scope:
    """A scope filter value by name or number; CaptureError naming the choices."""
    try:
        return parse_scope(text)
    except (ValueError, KeyError):
        names = ", ".join(f"{s.name} ({int(s)})" for s in Scope)
        raise CaptureError(f"unknown scope {text!r}; use one of {names}") from None


def parse_filter(text: str) -> RecordFilter:
    """Browser filter syntax: `command=PPCNT status=OK scope=1 since=ISO until=ISO words`."""
    flt = RecordFilter()
    for word in text.split():
        key, sep, value = word.partition("=")
        key = key.lower()
        if not sep:
            flt.terms.append(word)
        elif key in ("command", "cmd", "c"):
            flt.command = value
        elif key in ("status", "s"):
            flt.status = check_status(value)
        elif key == "scope":
            flt.scope = check_scope(value)
        elif key == "since":
            flt.since = parse_time(value)
        elif key == "until":
            flt.until = parse_time(value)
        else:
            raise CaptureError(
                f"unknown filter {key!r}; use command=, status=, scope=, since=, until="
            )
    return flt

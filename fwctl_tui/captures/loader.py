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
from dataclasses import dataclass
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

    # -- opening ---------------------------------------------------------------------
    def _scan(self) -> tuple[dict[str, Any], array[int], array[int]]:
        first, source_schema, header = read_header(self._file, str(self.path))
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

    @property
    def simulated(self) -> bool:
        """The header says a simulated device made these replies (its syndromes are the
        simulator's: whoever opens the capture passes that table on)."""
        return self.header.get("simulated") is True

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


def read_header(stream: BinaryIO, path: str) -> tuple[bytes, Any, dict[str, Any]]:
    """(first line, the schema it states, the checked header) of a capture open at its
    start, the stream left after the header; CaptureError when there is no usable header."""
    first = stream.readline(MAX_LINE_BYTES + 1)
    if not first.strip():
        raise CaptureError("empty file: no capture header", path=path, line=1)
    header = parse_header_line(first, path)
    source_schema = header.get("schema") if isinstance(header, dict) else None
    try:
        return first, source_schema, check_header(header)
    except CaptureError as err:
        raise CaptureError(err.reason, path=path, line=1) from None


def load_capture(path: Path | str) -> Capture:
    """Open a capture; raises FileNotFoundError, or CaptureError when there is no header."""
    return Capture(Path(path))

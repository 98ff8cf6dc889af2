"""The dashboard's records of a watch capture, read fast and exactly, or by the careful loader.

A day of 1 Hz samples is ~600k records; the careful loader (captures/loader.py: a JSON
decode and full validation of every record into an Exchange) costs ~40 µs each, so a day
cannot replay in seconds through it. A watch capture's lines are the recorder's canonical
form (captures/format.py `exchange_to_record`, keys in a fixed order), so a Scanner reads
the file in big chunks and accepts only lines of exactly that form with every value in
the loader's range (JSON numbers, scope name and value that agree, printable strings
without escapes, hex the loader reads the same way, no `detail` or `meta`). The Scanner
is compiled from _fastscan.c (well under a microsecond a record), or its pure-Python twin
monitor/linescan.py where no C compiler was there. Every other non-blank line goes to the
careful loader by its record index (opened only then), so `reads()` yields what
`Capture.exchanges()` yields, in order, restricted to the successful replies of the
wanted requests.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

from fwctl_tui.captures.format import (
    I64_MAX,
    MAX_LINE_BYTES,
    MAX_PAYLOAD,
    MAX_WALL_TIME,
    SCHEMA,
    U32_MAX,
    CaptureError,
    check_header,
)
from fwctl_tui.captures.loader import Capture, load_capture
from fwctl_tui.exchange import Exchange
from fwctl_tui.mbox_header import STATUS
from fwctl_tui.monitor import linescan
from fwctl_tui.uapi import Scope

try:
    from fwctl_tui import _fastscan
except ImportError:  # built without a C compiler (the build hook warned): the twin
    _fastscan = None  # type: ignore[assignment]

SCANNER: Any = _fastscan.Scanner if _fastscan else linescan.Scanner
SCANNING = "compiled" if _fastscan else "python"
CHUNK = 8 << 20
BATCH = 4096  # items a Scanner hands back at once: memory bounded whatever the lines
LONG_LINE = MAX_LINE_BYTES // 2  # longer lines: the loader's own rules apply
SCOPES = tuple(b'"%s","scope_value":%d' % (s.name.encode(), s) for s in Scope)


class Read(NamedTuple):
    """One successful reply to a wanted request."""

    key: str  # the probe the request belongs to
    command: str
    request: bytes
    reply: bytes
    mono_ns: int
    wall_time: float
    duration_ns: int


def new_scanner(wanted: dict[bytes, str], kind: Any = None) -> Any:
    """A Scanner (`kind`, else the compiled one when built) for the `wanted` requests."""
    return (kind or SCANNER)(
        tuple((request.hex().encode(), key, request) for request, key in wanted.items()),
        SCOPES, Read, BATCH, LONG_LINE, 2 * MAX_PAYLOAD, STATUS.offset, U32_MAX, I64_MAX,
        MAX_WALL_TIME)


def reads(path: Path | str, wanted: dict[bytes, str]) -> Iterator[Read]:
    """The successful replies to the `wanted` requests (request bytes -> key), in file
    order; raises CaptureError as load_capture does for a file without a usable header."""
    for batch in batches(path, wanted):
        yield from batch


def batches(path: Path | str, wanted: dict[bytes, str]) -> Iterator[list[Read]]:
    """`reads()` in lists of up to BATCH (a loop over lists costs less per read than a
    generator: a day is ~600k reads)."""
    path = Path(path)
    with path.open("rb") as stream:
        if not _current_header(stream.readline(MAX_LINE_BYTES + 1)):
            careful = careful_reads(path, wanted)  # raises for a bad header; reads old schemas
            while batch := list(islice(careful, BATCH)):
                yield batch
            return
        scan = _Scan(path, wanted, new_scanner(wanted))
        try:
            carry, skipping = b"", False
            while chunk := stream.read(CHUNK):
                start = 0
                if skipping or carry:  # end the line begun in the last chunk first
                    newline = chunk.find(b"\n")
                    if newline < 0:
                        if not skipping:
                            carry += chunk
                    elif skipping:  # the rest of a long line the loader read
                        start, skipping = newline + 1, False
                    else:
                        yield from scan.buffer(carry + chunk[:newline + 1], 0, final=False)
                        start, carry = newline + 1, b""
                    if newline < 0 or scan.stopped:
                        chunk = b""
                if chunk:
                    end = yield from scan.buffer(chunk, start, final=False)
                    carry = chunk[end:]
                if scan.stopped:
                    return
                if len(carry) > LONG_LINE:
                    if read := list(scan.careful(scan.scanner.take_index())):
                        yield read
                    carry, skipping = b"", True
                    if scan.stopped:
                        return
            if carry and not skipping:
                yield from scan.buffer(carry, 0, final=True)
        finally:
            scan.close()


def _current_header(first: bytes) -> bool:
    """A header the loader accepts, in today's schema (else the loader decides)."""
    try:
        header = json.loads(first)
        return isinstance(header, dict) and header.get("schema") == SCHEMA and bool(
            check_header(header))
    except (ValueError, UnicodeDecodeError, RecursionError, CaptureError):
        return False  # (nested too deeply to read: the loader says so)


def careful_reads(path: Path | str, wanted: dict[bytes, str]) -> Iterator[Read]:
    """The same reads through the careful loader alone (what `reads` must equal)."""
    with load_capture(path) as capture:
        for exchange in capture.exchanges():
            read = _from_exchange(exchange, wanted)
            if read is not None:
                yield read


def _from_exchange(exchange: Exchange, wanted: dict[bytes, str]) -> Read | None:
    key = wanted.get(exchange.request)
    if key is None or not exchange.ok or exchange.reply is None:
        return None
    return Read(key, exchange.command, exchange.request, exchange.reply, exchange.mono_ns,
                exchange.wall_time, exchange.duration_ns)


class _Scan:
    """The Scanner's items: its Reads, and the careful loader's reading of the rest."""

    def __init__(self, path: Path, wanted: dict[bytes, str], scanner: Any) -> None:
        self.path, self.wanted, self.scanner = path, wanted, scanner
        self.capture: Capture | None = None
        self.stopped = False

    def buffer(self, data: bytes, position: int, *,
               final: bool) -> Generator[list[Read], None, int]:
        """The reads of `data`'s whole lines from `position` (and of its unterminated rest
        when `final`), in batches; returns where the lines not read yet begin."""
        while True:
            items, position, deferred = self.scanner.scan(data, position, final)
            full = len(items) == BATCH
            if deferred:
                items = self.resolved(items)
            if items:
                yield items
            if self.stopped or not full:
                return position

    def resolved(self, items: list[Any]) -> list[Read]:
        """The items with each record index replaced by what the careful loader reads
        there (up to where the loader stopped)."""
        out: list[Read] = []
        for item in items:
            if type(item) is int:
                out += self.careful(item)
                if self.stopped:
                    break
            else:
                out.append(item)
        return out

    def careful(self, index: int) -> Iterator[Read]:
        """Record `index` as the careful loader reads it (skipped when broken; when the
        loader stopped before it, so does the scan)."""
        if self.capture is None:
            self.capture = load_capture(self.path)
        if index >= len(self.capture):
            self.stopped = True
            return
        exchange = self.capture.record(index).exchange
        if exchange is not None and (read := _from_exchange(exchange, self.wanted)):
            yield read

    def close(self) -> None:
        if self.capture is not None:
            self.capture.close()

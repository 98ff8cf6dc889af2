"""The dashboard's records of a watch capture, read fast and exactly, or by the careful loader.

A day of 1 Hz samples is ~600k records; the careful loader (captures/loader.py: a JSON
decode and full validation of every record into an Exchange) costs ~40 µs each, so a day
cannot replay in seconds through it. A watch capture's lines are the recorder's canonical
form (captures/format.py `exchange_to_record`, keys in a fixed order), so this scan reads
the file in big chunks and accepts only lines of exactly that form: one regular expression
over the summary keys (JSON numbers, scope name and value that agree, printable strings
without escapes), the hex payloads checked as the loader checks them (bytes.fromhex), and
no `detail` or `meta`. Every other non-blank line goes to the careful loader by its record
index (opened only then), so `reads()` yields what `Capture.exchanges()` yields, in order,
restricted to the successful replies of the wanted requests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from fwctl_tui.captures.format import MAX_LINE_BYTES, SCHEMA, CaptureError, check_header
from fwctl_tui.captures.loader import Capture, load_capture
from fwctl_tui.exchange import Exchange
from fwctl_tui.mbox_header import STATUS
from fwctl_tui.uapi import Scope

CHUNK = 8 << 20
LONG_LINE = MAX_LINE_BYTES // 2  # longer lines: the loader's own rules apply

# possessive quantifiers (`*+`): each stops at a character it cannot take, so there is
# nothing to backtrack into, and the match is a quarter faster
_INT = rb"-?(?:0|[1-9][0-9]*+)"
_NUMBER = _INT + rb"(?:\.[0-9]++)?(?:[eE][-+]?[0-9]++)?"
_OPTIONAL = rb"(?:null|" + _INT + rb")"
_TEXT = rb'"[ !#-\[\]-~]*+"'  # printable ASCII, no quote, no backslash: no escapes
_SCOPES = b"|".join(b'"%s","scope_value":%d' % (s.name.encode(), s) for s in Scope)
_HEAD = re.compile(
    rb'\{"type":"rpc","seq":' + _INT + rb',"time":' + _TEXT
    + rb',"wall_time":(' + _NUMBER + rb'),"mono_ns":(' + _INT + rb'),"scope":(?:' + _SCOPES
    + rb'),"command":"([!#-\[\]-~]++)","opcode":' + _OPTIONAL
    + rb',"op_mod":' + _OPTIONAL + rb',"errno":(0|-?[1-9][0-9]*+),"errno_name":(?:null|'
    + _TEXT + rb'),"status":' + _OPTIONAL + rb',"syndrome":' + _OPTIONAL + rb',"out_cap":'
    + _INT + rb',"out_len":' + _INT + rb',"duration_ns":(' + _INT
    + rb'),"request":"')  # the request by find: a charset loop over it costs more
_TAIL = re.compile(rb'"(?:,"session":' + _TEXT + rb")?\}")


class Read(NamedTuple):
    """One successful reply to a wanted request."""

    key: str  # the probe the request belongs to
    command: str
    request: bytes
    reply: bytes
    mono_ns: int
    wall_time: float
    duration_ns: int


def reads(path: Path | str, wanted: dict[bytes, str]) -> Iterator[Read]:
    """The successful replies to the `wanted` requests (request bytes -> key), in file
    order; raises CaptureError as load_capture does for a file without a usable header."""
    path = Path(path)
    with path.open("rb") as stream:
        if not _current_header(stream.readline(MAX_LINE_BYTES + 1)):
            yield from careful_reads(path, wanted)  # raises for a bad header; reads old schemas
            return
        scan = _Scan(path, {request.hex().encode(): key for request, key in wanted.items()})
        try:
            carry, skipping = b"", False
            while chunk := stream.read(CHUNK):
                if skipping:  # the rest of a long line the loader read
                    newline = chunk.find(b"\n")
                    if newline < 0:
                        continue
                    chunk, skipping = chunk[newline + 1:], False
                lines = (carry + chunk).split(b"\n")
                carry = lines.pop()
                yield from scan.lines(lines)
                if scan.stopped:
                    return
                if len(carry) > LONG_LINE:
                    yield from scan.careful_line()
                    carry, skipping = b"", True
                    if scan.stopped:
                        return
            if carry:
                yield from scan.lines([carry])
        finally:
            scan.close()


def _current_header(first: bytes) -> bool:
    """A header the loader accepts, in today's schema (else the loader decides)."""
    try:
        header = json.loads(first)
        return isinstance(header, dict) and header.get("schema") == SCHEMA and bool(
            check_header(header))
    except (ValueError, UnicodeDecodeError, CaptureError):
        return False


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


def _hex(text: bytes) -> bytes | None:
    """A JSON string's hex as the loader reads it (bytes.fromhex), None when the loader
    would refuse it or read it differently (anything but letters and digits)."""
    if text and not text.isalnum():
        return None
    try:
        return bytes.fromhex(text.decode("ascii"))
    except ValueError:
        return None


class _Scan:
    """Line by line: the canonical form read here, anything else by the careful loader."""

    def __init__(self, path: Path, wanted_hex: dict[bytes, str]) -> None:
        self.path = path
        self.wanted_hex = {h: (key, bytes.fromhex(h.decode())) for h, key in wanted_hex.items()}
        self.wanted = {request: key for key, request in self.wanted_hex.values()}
        self.index = 0  # record index, counted as the loader counts (non-blank lines)
        self.capture: Capture | None = None
        self.stopped = False
        self.last: dict[bytes, tuple[bytes, bytes]] = {}  # request hex -> reply hex, bytes
        self.tails: dict[bytes, bool] = {}  # what follows the reply hex: canonical or not

    def lines(self, lines: list[bytes]) -> Iterator[Read]:
        """The reads of whole lines (the hot loop: locals only, no call per line).

        A line of canonical form (head and tail: no key can come twice) whose request is
        not wanted, or whose errno is not 0, is skipped before its reply is looked at: the
        loader would skip it too, readable or not. A reply's hex equal to the last one of
        the same request was checked then."""
        match, wanted, tails, last = _HEAD.match, self.wanted_hex, self.tails, self.last
        for line in lines:
            head = match(line) if len(line) <= LONG_LINE else None
            if head is None:
                if line.strip():
                    yield from self.careful_line()
                    if self.stopped:
                        return
                continue
            wall, mono, command, errno, duration = head.groups()
            start = head.end()
            quote = line.find(b'"', start)
            request = line[start:quote]
            start = quote + 11  # len('","reply":"')
            end = line.find(b'"', start)
            if not (line.startswith(b'","reply":"', quote) and request.isalnum()
                    and request == request.lower()):  # lower-case hex is as read by JSON
                yield from self.careful_line()
                if self.stopped:
                    return
                continue
            tail = line[end:]
            known = tails.get(tail)
            if known is None:
                if len(tails) > 64:  # a session per line: not worth remembering
                    tails.clear()
                known = tails[tail] = end >= 0 and _TAIL.fullmatch(tail) is not None
            if not known:  # (a later duplicate key would override what the head says)
                yield from self.careful_line()
                if self.stopped:
                    return
                continue
            probe = wanted.get(request)
            if probe is None or errno != b"0":
                self.index += 1
                continue
            reply_hex = line[start:end]
            previous = last.get(request)
            if previous is not None and previous[0] == reply_hex:
                reply = previous[1]
            else:
                checked = _hex(reply_hex)
                if checked is None:
                    yield from self.careful_line()
                    if self.stopped:
                        return
                    continue
                reply = checked
                last[request] = (reply_hex, reply)
            self.index += 1
            if reply and reply[STATUS.offset] == 0:  # a one-byte field: its byte is it
                yield Read(probe[0], command.decode("ascii"), probe[1], reply, int(mono),
                           float(wall) or 0.0, int(duration))

    def careful_line(self) -> Iterator[Read]:
        """The current record as the careful loader reads it (skipped when broken; when
        the loader stopped before it, so does the scan)."""
        index = self.index
        self.index += 1
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

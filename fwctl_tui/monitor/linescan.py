"""The pure-Python twin of _fastscan.c's Scanner, used where the C file was not compiled.

It accepts exactly the lines the compiled scan accepts (the recorder's canonical form,
every value in the careful loader's range) with one regular expression over the summary
keys, and hands back the same items: a Read per successful reply to a wanted request,
the record index of every line the careful loader must read. About 4 µs a record slower
than the compiled scan in a whole replay (BENCHMARKS.md);
tests/unit/test_monitor_fastscan.py runs both.
"""

from __future__ import annotations

import re
from typing import Any

# possessive quantifiers (`*+`): each stops at a character it cannot take, so there is
# nothing to backtrack into, and the match is a quarter faster
_INT = rb"-?(?:0|[1-9][0-9]*+)"
_NUMBER = _INT + rb"(?:\.[0-9]++)?(?:[eE][-+]?[0-9]++)?"
_OPTIONAL = rb"(?:null|" + _INT + rb")"
_TEXT = rb'"[ !#-\[\]-~]*+"'  # printable ASCII, no quote, no backslash: no escapes
_TAIL = re.compile(rb'"(?:,"session":' + _TEXT + rb")?\}")
_BLANK = b" \t\r\x0b\x0c"  # what bytes.strip() removes (the loader's blank line)


def _head(scopes: tuple[bytes, ...]) -> re.Pattern[bytes]:
    return re.compile(
        rb'\{"type":"rpc","seq":' + _INT + rb',"time":' + _TEXT
        + rb',"wall_time":(' + _NUMBER + rb'),"mono_ns":(' + _INT + rb'),"scope":(?:'
        + b"|".join(re.escape(s) for s in scopes)
        + rb'),"command":"([!#-\[\]-~]++)","opcode":' + _OPTIONAL
        + rb',"op_mod":' + _OPTIONAL + rb',"errno":(0|-?[1-9][0-9]*+),"errno_name":(?:null|'
        + _TEXT + rb'),"status":' + _OPTIONAL + rb',"syndrome":' + _OPTIONAL + rb',"out_cap":('
        + _INT + rb'),"out_len":(' + _INT + rb'),"duration_ns":(' + _INT
        + rb'),"request":"')  # the request by find: a charset loop over it costs more


def _within(text: bytes, top: int) -> int | None:
    """A JSON integer's value when in 0..top (-0 is 0), else None."""
    value = int(text)
    return value if 0 <= value <= top else None


class Scanner:
    """Line by line: the canonical form read here, anything else left to the loader."""

    def __init__(self, wanted: tuple[tuple[bytes, str, bytes], ...],
                 scopes: tuple[bytes, ...], read_type: Any, batch: int, long_line: int,
                 max_hex: int, status_byte: int, u32_max: int, i64_max: int,
                 max_wall: float) -> None:
        self._wanted = {hex_: (key, request) for hex_, key, request in wanted}
        self._match = _head(scopes).match
        self._read = read_type
        self._batch, self._long_line, self._max_hex = batch, long_line, max_hex
        self._status, self._u32, self._i64, self._max_wall = (status_byte, u32_max, i64_max,
                                                              max_wall)
        self.index = 0  # record index, counted as the loader counts (non-blank lines)
        self._last: dict[bytes, tuple[bytes, bytes]] = {}  # request hex -> reply hex, bytes
        self._tails: dict[bytes, bool] = {}  # what follows the reply hex: canonical or not

    def take_index(self) -> int:
        """The next record's index, counted as read (a line too long to scan)."""
        self.index += 1
        return self.index - 1

    def scan(self, buffer: bytes, position: int, final: bool) -> tuple[list[Any], int, int]:
        """Up to `batch` items of the whole lines of `buffer` from `position` (and its
        unterminated rest when `final`), where the next call starts, and how many of the
        items are record indexes for the careful loader."""
        items: list[Any] = []
        deferred = 0
        size = len(buffer)
        while len(items) < self._batch and position < size:
            newline = buffer.find(b"\n", position)
            if newline < 0 and not final:
                break
            end = size if newline < 0 else newline
            line = buffer[position:end]
            position = end + 1 if newline >= 0 else size
            if not line.strip(_BLANK):
                continue
            index = self.index
            self.index += 1
            read = self._line(line)
            if read is True:
                items.append(index)
                deferred += 1
            elif read is not None:
                items.append(read)
        return items, position, deferred

    def _line(self, line: bytes) -> Any:
        """None (skipped), True (the careful loader's) or the Read of one line."""
        head = self._match(line) if len(line) <= self._long_line else None
        if head is None:
            return True
        wall, mono, command, errno, out_cap, out_len, duration = head.groups()
        mono_ns, duration_ns = _within(mono, self._i64), _within(duration, self._i64)
        if (mono_ns is None or duration_ns is None or _within(out_cap, self._u32) is None
                or _within(out_len, self._u32) is None):
            return True  # the loader refuses it
        start = head.end()
        quote = line.find(b'"', start)
        request = line[start:quote]
        start = quote + 11  # len('","reply":"')
        end = line.find(b'"', start)
        if not (quote >= 0 and line.startswith(b'","reply":"', quote) and request.isalnum()
                and request == request.lower()):  # lower-case hex is as read by JSON
            return True
        tail = line[end:]
        known = self._tails.get(tail)
        if known is None:
            if len(self._tails) > 64:  # a session per line: not worth remembering
                self._tails.clear()
            known = self._tails[tail] = end >= 0 and _TAIL.fullmatch(tail) is not None
        if not known:  # (a later duplicate key would override what the head says)
            return True
        probe = self._wanted.get(request)
        if probe is None or errno != b"0":
            return None
        reply = self._reply(request, line[start:end])
        if reply is None:
            return True
        if len(reply) <= self._status or reply[self._status] != 0:
            return None
        wall_time = float(wall) or 0.0
        if not 0.0 <= wall_time <= self._max_wall:
            return True
        return self._read(probe[0], command.decode("ascii"), probe[1], reply, mono_ns,
                          wall_time, duration_ns)

    def _reply(self, request: bytes, text: bytes) -> bytes | None:
        """The reply hex as the loader reads it (bytes.fromhex, at most max_hex digits),
        None where the loader would refuse it or read it differently; an unchanged reply
        of the same request is the same bytes object."""
        previous = self._last.get(request)
        if previous is not None and previous[0] == text:
            return previous[1]
        if len(text) > self._max_hex or (text and not text.isalnum()):
            return None
        try:
            reply = bytes.fromhex(text.decode("ascii"))
        except ValueError:
            return None
        self._last[request] = (text, reply)
        return reply

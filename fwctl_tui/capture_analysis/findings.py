"""What a capture says is wrong, before its records: the summary a support engineer reads first.

`analyse(capture)` walks the records once and returns Findings: the device and profile,
the time span, the commands used, every failed record with its explanation (errno, or
firmware status and syndrome), and what the replies report: a port administratively up
but operationally down, PDDR's link-down page (intent and blame, by label) and
troubleshooting page, module temperatures past their warning threshold, error counters
that rose between the first and last read of one request, and tainting scopes. Every
finding names its record (seq, and the record's index for the browser to jump to).

It must open a 100k-record capture at once, so only the registers it reads are decoded,
each distinct (request, reply) once, and counters are compared first read against last.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fwctl_tui import mbox_header
from fwctl_tui.capture_analysis import decoding, listing
from fwctl_tui.capture_analysis.filters import outcome_text
from fwctl_tui.captures.loader import Capture, RecordItem
from fwctl_tui.decoders import decode_output, iter_leaves
from fwctl_tui.decoders.mlx5.link_names import temperature_c
from fwctl_tui.decoders.mlx5.shown import temperature_text
from fwctl_tui.decoders.mlx5.status import SyndromeTable, status_report
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import Scope

FAILED, LINK, MODULE, ERRORS, TAINT = "failed", "link", "module", "errors", "taint"
READ_REGISTERS = frozenset({"PAOS", "PDDR", "MTMP"})  # decoded for what they report
COUNTER_REGISTERS = frozenset({"PPCNT", "QUERY_VPORT_COUNTER", "QUERY_Q_COUNTER"})
_ERROR_COUNTER = re.compile(r"error|uncorrectable|discard|drop|link_down|fcs|lost|bad")
_NOT_ERROR = re.compile(
    r"(?<!un)corrected|(?<!un)intentional_link_down|no_error|time_since|_ok$|octets")
UP, DOWN = 1, 2  # PAOS admin/oper status
_Read = tuple[int, int, "Exchange | None"]  # a record's index, seq, exchange (if parsed)


@dataclass(frozen=True)
class Finding:
    """One line of the summary, tied to the record it comes from."""

    kind: str  # FAILED, LINK, MODULE, ERRORS, TAINT
    seq: int
    index: int  # the record's position in the capture (the browser jumps there)
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "text": self.text}


@dataclass
class Findings:
    """The summary of one capture (see the module docstring)."""

    device: str
    profile: str
    firmware: str
    host: str
    kernel: str
    records: int
    unreadable: int = 0
    first_time: str | None = None
    last_time: str | None = None
    span_s: float = 0.0
    commands: Counter[str] = field(default_factory=Counter)
    failures: list[Finding] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)

    def lines(self) -> list[tuple[str, Finding | None]]:
        """(text, finding) lines as the CLI and the browser show them; finding None for
        the overview lines that name no record."""
        out: list[tuple[str, Finding | None]] = [
            (f"device {self.device} ({self.profile}, fw {self.firmware}) on {self.host}, "
             f"kernel {self.kernel}", None)]
        # what is wrong first (a short terminal shows these lines), then the overview
        out += [(f"#{item.seq} failed: {item.text}", item) for item in self.failures]
        out += [(f"#{item.seq} {item.text}", item) for item in self.problems]
        if not self.failures and not self.problems:
            out.append(("no failed record, nothing reported wrong", None))
        out += [
            (f"{self.records} records{self._unreadable()}, {self._span()}", None),
            ("commands: " + ", ".join(f"{name} ({n})" for name, n in self.commands.most_common())
             if self.commands else "commands: none", None),
        ]
        return out

    def _unreadable(self) -> str:
        return f" ({self.unreadable} unreadable)" if self.unreadable else ""

    def _span(self) -> str:
        if self.first_time is None:
            return "no time recorded"
        return f"{self.first_time} to {self.last_time} ({self.span_s:.1f} s)"

    def as_json(self) -> dict[str, Any]:
        return {
            "device": self.device, "profile": self.profile, "firmware_version": self.firmware,
            "host": self.host, "kernel_release": self.kernel, "records": self.records,
            "unreadable": self.unreadable, "first_time": self.first_time,
            "last_time": self.last_time, "span_s": round(self.span_s, 6),
            "commands": dict(self.commands.most_common()),
            "failures": [item.as_json() for item in self.failures],
            "problems": [item.as_json() for item in self.problems],
        }


def analyse(capture: Capture, syndromes: SyndromeTable | None = None) -> Findings:
    """One pass over the capture; see the module docstring. Lines in the form our recorder
    writes are read by a few keys (FastScan); any other line is parsed in full.
    `syndromes`: the table that explains the capture's syndromes (the simulator's for a
    simulated capture), chosen by whoever opened it."""
    builder = FindingsBuilder(capture, syndromes)
    scan = FastScan(builder, capture)
    for index, text in capture.iter_lines():
        if not scan.add(index, text):
            builder.add(capture.record(index))
    return builder.result()


# The header fields as hex digits of the line (two per byte): the reply's status, the
# request's uid (masked: equivalent requests from different open files share a key).
_STATUS_HEX = slice(2 * mbox_header.STATUS.offset, 2 * mbox_header.STATUS.end)
_UID_HEX = slice(2 * mbox_header.UID.offset, 2 * mbox_header.UID.end)
_NO_UID_HEX = b"0" * (_UID_HEX.stop - _UID_HEX.start)
# The keys a recorded line holds, in the recorder's order (format.exchange_to_record).
_LINE = re.compile(
    rb'^\{"type":"rpc","seq":(?P<seq>[1-9]\d{0,11}),"time":"(?P<time>[0-9T:.+-]{0,40})",'
    rb'"wall_time":(?P<wall>\d{1,11}(?:\.\d{1,9})?),"mono_ns":\d{1,19},"scope":"[A-Z_]+",'
    rb'"scope_value":(?P<scope>[0-3]),"command":"(?P<command>[A-Za-z0-9_:]{1,64})",'
    rb'"opcode":\d{1,5},"op_mod":\d{1,5},"errno":0,"errno_name":null,"status":0,'
    rb'"syndrome":\d{1,10},"out_cap":(?P<cap>\d{1,10}),"out_len":(?P<len>\d{1,10}),'
    rb'"duration_ns":\d{1,15},"request":"(?P<request>[0-9a-f]*)",'
    rb'"reply":"(?P<reply>[0-9a-f]*)"[,}]')


class FastScan:
    """Findings from the lines of a successful read without parsing them: a counter poll
    of 100k records costs a regular expression per line. The first line of each distinct
    (request, reply size) is parsed in full, which decides whether such a line is a sound
    OK (a short reply, a name that contradicts the opcode are not); lines that fail,
    taint or do not look like ours are left to the full parse (add returns False)."""

    def __init__(self, builder: FindingsBuilder, capture: Capture) -> None:
        self.builder, self.capture = builder, capture
        self._sound: dict[tuple[bytes, bytes, int, bytes, bytes], bool] = {}

    def add(self, index: int, text: bytes) -> bool:
        match = _LINE.match(text)
        if match is None:
            return False
        seq, time_text, wall, scope, command, cap, length, request, reply = match.groups()
        if scope >= b"2":  # DEBUG_WRITE and above taint: the full parse says so
            return False
        if reply[_STATUS_HEX] != b"00" or len(reply) % 2 or len(request) % 2:
            return False  # the reply's own status byte decides, not the JSON's
        masked = request[:_UID_HEX.start] + _NO_UID_HEX + request[_UID_HEX.stop:]
        key = (command, masked, len(reply), cap, length)
        sound = self._sound.get(key)
        if sound is None:
            item = self.capture.record(index)
            ex = item.exchange
            sound = bool(ex is not None and not ex.errno and outcome_text(ex) == "OK")
            self._sound[key] = sound
            self.builder.add(item)  # this one in full: it also decides the key
            return True
        if not sound:
            return False
        self.builder.add_read(index, int(seq), command, float(wall), time_text, masked, reply)
        return True


class FindingsBuilder:
    """Findings fed record by record, so a listing can build them in its own pass."""

    def __init__(self, capture: Capture, syndromes: SyndromeTable | None = None) -> None:
        info = capture.describe()
        self.found = Findings(
            device=str(info["device"] or "?"), profile=_profile(capture.header),
            firmware=str(info["firmware_version"] or "?"), host=str(info["host"] or "?"),
            kernel=str(info["kernel_release"] or "?"), records=len(capture))
        # request key -> ((index, seq, exchange) of its first read, of its last read)
        self.capture, self.syndromes = capture, syndromes
        self._counters: dict[bytes, tuple[_Read, _Read]] = {}
        self._first_wall: float | None = None
        self._last_wall: float | None = None
        self._kinds: dict[bytes, tuple[str, str]] = {}  # add_read: command -> its kind
        self._keys: dict[bytes, bytes] = {}  # add_read: masked request hex -> its bytes
        self._last_text: bytes | None = None  # add_read's last time, not decoded yet

    def add(self, item: RecordItem, outcome: str | None = None) -> None:
        """Take one record (`outcome`: its outcome_text when the caller has it)."""
        found, ex = self.found, item.exchange
        if ex is None:
            found.unreadable += 1
            return
        found.commands[ex.command] += 1
        self._time(item, ex)
        outcome = outcome or outcome_text(ex)
        if outcome != "OK":
            found.failures.append(Finding(FAILED, item.seq, item.index,
                                          _failure(ex, outcome, self.syndromes)))
            return
        if ex.scope >= Scope.DEBUG_WRITE:
            found.problems.append(Finding(TAINT, item.seq, item.index, _taint(ex)))
        register = ex.command.partition(":")[2] or ex.command
        if register in READ_REGISTERS:
            for text, kind in _reported(ex.command, decoding.match_key_of(ex.request),
                                        ex.reply or b""):
                found.problems.append(Finding(kind, item.seq, item.index, text))
        elif register in COUNTER_REGISTERS:
            key, read = decoding.match_key_of(ex.request), (item.index, item.seq, ex)
            earlier = self._counters.get(key)
            self._counters[key] = (earlier[0] if earlier else read, read)

    def add_read(self, index: int, seq: int, command_name: bytes, wall: float,
                 time_text: bytes, masked_request_hex: bytes, reply_hex: bytes) -> None:
        """A sound OK read seen by FastScan: the same findings as add() without an
        Exchange, one built only for the reads that must be decoded. Called for nearly
        every line of a long poll: what depends only on the command or the request is
        worked out once (_kinds, _keys), the time text decoded only when kept."""
        found = self.found
        command, register = self._kinds.get(command_name) or self._kind(command_name)
        found.commands[command] += 1
        if not wall:
            pass
        elif self._first_wall is None or self._last_wall is None or wall < self._first_wall:
            self._wall(wall, time_text.decode())
        elif wall >= self._last_wall:  # the usual case: decoded in result() if it stays
            self._last_wall, self._last_text = wall, time_text
        if register in READ_REGISTERS:
            for text, kind in _reported(command, bytes.fromhex(masked_request_hex.decode()),
                                        bytes.fromhex(reply_hex.decode())):
                found.problems.append(Finding(kind, seq, index, text))
        elif register in COUNTER_REGISTERS:
            key = self._keys.get(masked_request_hex)
            if key is None:
                key = self._keys[masked_request_hex] = bytes.fromhex(masked_request_hex.decode())
            earlier = self._counters.get(key)
            read: _Read = (index, seq, None)
            self._counters[key] = (earlier[0] if earlier else read, read)

    def _kind(self, command_name: bytes) -> tuple[str, str]:
        """(command, the register it reads or the command itself), remembered."""
        command = command_name.decode()
        kind = self._kinds[command_name] = (command, command.partition(":")[2] or command)
        return kind

    def _wall(self, wall: float, text: str | None) -> None:
        found = self.found
        if not wall:
            return
        if self._first_wall is None or wall < self._first_wall:
            self._first_wall, found.first_time = wall, text
        if self._last_wall is None or wall >= self._last_wall:
            self._last_wall, found.last_time, self._last_text = wall, text, None

    def _time(self, item: RecordItem, ex: Exchange) -> None:
        text = (item.raw or {}).get("time")
        self._wall(ex.wall_time, text if isinstance(text, str) else None)

    def _resolved(self, read: _Read) -> tuple[int, int, Exchange] | None:
        """A counter read with its Exchange (FastScan keeps only where it is); None for a
        line the loader refuses after all (it is counted as unreadable there)."""
        index, seq, ex = read
        if ex is None:
            ex = self.capture.record(index).exchange
        return None if ex is None else (index, seq, ex)

    def result(self) -> Findings:
        found = self.found
        if self._last_text is not None:
            found.last_time = self._last_text.decode()
        if self._first_wall is not None and self._last_wall is not None:
            found.span_s = self._last_wall - self._first_wall
        for first_read, last_read in self._counters.values():
            first, last = self._resolved(first_read), self._resolved(last_read)
            if first is not None and last is not None and first[1] != last[1]:
                found.problems += _rising(first, last)
        found.problems.sort(key=lambda item: item.index)
        return found


def _profile(header: dict[str, Any]) -> str:
    """`simulated mlx5`, `live mlx5` ... plus the board when the header names one."""
    found = header.get("device")
    device: dict[str, Any] = found if isinstance(found, dict) else {}
    parts = [str(device.get(key)) for key in ("kind", "device_type") if device.get(key)]
    board = device.get("board")
    return " ".join(parts) + (f", {board}" if board else "") if parts or board else "unknown"


def _failure(ex: Exchange, outcome: str, syndromes: SyndromeTable | None) -> str:
    """The record's command, what failed and what that means."""
    if ex.errno:
        why = explain(ex.errno)
        detail = f" ({ex.detail})" if ex.detail else ""
        return f"{ex.command} [{ex.scope.name}]: {why.name}: {why.meaning}{detail}"
    if ex.status:
        report = status_report(ex.status, ex.syndrome or 0, ex.opcode, syndromes)
        return (f"{ex.command}: {report['status_name']}: {report['status_text']}; syndrome "
                f"0x{ex.syndrome or 0:08x}: {report['syndrome_text']}")
    from fwctl_tui.capture_analysis.decoding import problems

    return f"{ex.command}: {outcome}: {'; '.join(problems(ex)) or 'damaged record'}"


def _taint(ex: Exchange) -> str:
    full = " (and needs CAP_SYS_RAWIO)" if ex.scope == Scope.DEBUG_WRITE_FULL else ""
    return (f"{ex.command} at scope {ex.scope.name} tainted the kernel{full} "
            "(TAINT_FWCTL, letter J, until reboot)")


@lru_cache(maxsize=4096)
def _reported(command: str, request: bytes, reply: bytes) -> tuple[tuple[str, str], ...]:
    """(text, kind) of what one register reply reports wrong; the same request and reply
    (a poll that saw nothing change) is decoded once."""
    ex = Exchange(command=command, scope=Scope.DEBUG_READ_ONLY, request=request, out_cap=0,
                  reply=reply)
    cmd = decoding.command_for(ex)
    if cmd is None:
        return ()
    try:
        root = decode_output(cmd, reply, in_=request)
    except Exception:  # an undecodable reply reports nothing (the listing flags it)
        return ()
    leaves = {leaf.path.rsplit(".", 1)[-1]: leaf for leaf in iter_leaves(root)}
    register = command.partition(":")[2]
    if register == "PAOS":
        return _paos(leaves)
    if register == "PDDR":
        return _pddr(leaves)
    return _mtmp(leaves)


def _value(leaves: dict[str, Any], name: str) -> int:
    leaf = leaves.get(name)
    return leaf.value if leaf is not None and isinstance(leaf.value, int) else 0


def _label(leaves: dict[str, Any], name: str) -> str:
    """`label (value)`, or the value alone when the enum has no name for it."""
    leaf = leaves.get(name)
    if leaf is None:
        return "?"
    return f"{leaf.label} ({leaf.value})" if leaf.label else str(leaf.value)


def _paos(leaves: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    if _value(leaves, "admin_status") == UP and _value(leaves, "oper_status") == DOWN:
        return ((f"port {_value(leaves, 'local_port')} is administratively up but "
                 f"operationally down; physical state {_label(leaves, 'physical_state_status')}"
                 " (nobody on this host turned it off)", LINK),)
    return ()


def _pddr(leaves: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    port = _value(leaves, "local_port")
    if "down_blame" in leaves and (_value(leaves, "down_blame") or
                                   _value(leaves, "down_intent")):
        reasons = [f"{name} {_label(leaves, name)}" for name in
                   ("local_reason_opcode", "remote_reason_opcode", "e2e_reason_opcode")
                   if _value(leaves, name)]
        reason = f"; {', '.join(reasons)}" if reasons else ""
        return ((f"port {port} link down: {_label(leaves, 'down_intent')}, blamed on "
                 f"{_label(leaves, 'down_blame')} (PDDR link-down page){reason}", LINK),)
    if "monitor_opcode" in leaves and _value(leaves, "monitor_opcode"):
        message = _text(leaves, "status_message")
        return ((f"port {port} troubleshooting: {_label(leaves, 'monitor_opcode')}"
                 + (f": {message}" if message else ""), LINK),)
    return ()


def _text(leaves: dict[str, Any], name: str) -> str:
    """A character array the decoder gives as dwords `name[i]`."""
    from fwctl_tui.textsafe import printable

    raw = b"".join(int(leaves[f"{name}[{i}]"].value or 0).to_bytes(4, "big")
                   for i in range(64) if f"{name}[{i}]" in leaves)
    return printable(raw.split(b"\0", 1)[0].decode("ascii", "replace")).strip()


def _mtmp(leaves: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    raw, warning_raw = _value(leaves, "temperature"), _value(leaves, "temp_threshold_hi")
    temperature, warning = temperature_c(raw), temperature_c(warning_raw)  # signed counts
    if warning_raw and temperature >= warning:
        return ((f"sensor {_value(leaves, 'sensor_index')} at {temperature_text(temperature)}, "
                 f"at or past its warning threshold {temperature_text(warning)}", MODULE),)
    return ()


def _rising(first: tuple[int, int, Exchange], last: tuple[int, int, Exchange]
            ) -> list[Finding]:
    """Error counters of one request that are higher in its last read than its first."""
    before, after = _counter_values(first[2]), _counter_values(last[2])
    rose = [f"{name} {before[name]} → {value} (+{value - before[name]})"
            for name, value in after.items()
            if name in before and value > before[name] and _ERROR_COUNTER.search(name)
            and not _NOT_ERROR.search(name)]
    if not rose:
        return []
    asked = " ".join(listing._asked(last[2].command, decoding.match_key_of(
        last[2].request))[1])
    return [Finding(ERRORS, last[1], last[0],
                    f"{last[2].command} {asked}: errors rising since #{first[1]}: "
                    + ", ".join(rose))]


def _counter_values(ex: Exchange) -> dict[str, int]:
    decoded = decoding.decode(ex)
    return {path.rsplit(".", 1)[-1]: value for path, value in
            decoding.values(decoded.output_fields).items() if isinstance(value, int)}

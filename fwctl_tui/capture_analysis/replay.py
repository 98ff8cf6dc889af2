"""A firmware model that answers from a capture: replay as a device, never inventing replies.

Requests are matched on their bytes with the uid (mbox_header.UID, stamped by the driver per
open file) masked, whatever the scope: the kernel and driver rules in front of this model
decide scope acceptance as they would live. Identical requests recorded several times are
answered in recorded order, then the last answer repeats (a counter poll replayed longer
than it was recorded shows the last sample, not a wrap back to the first). The order
starts again at every opening of the device: a CLI `send replay:FILE` (one opening per
run) always gets the first answer, a TUI session steps through them. Every answer says
which record it came from (`answered`, the Session puts it in the Exchange's meta). A
request the capture does not hold fails the command with ENOMSG and a detail that lists
what the capture can answer for that command (its recorded requests, by index fields and
record); so does one whose recorded reply is damaged (NO_STATUS: no bytes at all,
SHORT_REPLY: cut short), since serving it padded with zeros would be an invented OK.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from dataclasses import dataclass

from fwctl_tui import allowlist, mbox_header
from fwctl_tui.capture_analysis import decoding
from fwctl_tui.drivers.records import SHORT_REPLY
from fwctl_tui.exchange import Exchange
from fwctl_tui.sim.firmware import CommandLayerError
from fwctl_tui.uapi import MLX5_UCTX_CAPS

MISSING_ERRNO = errno.ENOMSG
ANSWERED = "answered_by"  # Exchange.meta key: {"seq": record, "which": "answer 1 of 3"}
# Refusals the kernel or driver produce before firmware sees the command: the emulator in
# front of this model re-applies those rules, so such records are not firmware answers.
KERNEL_ERRNOS = frozenset({
    errno.EPERM, errno.EBADMSG, errno.EOPNOTSUPP, errno.EMSGSIZE, errno.EINVAL,
    errno.EFAULT, errno.E2BIG, errno.ENOTTY, errno.EBADF, errno.ENODEV,
})
_TOOLS_RESOURCES = MLX5_UCTX_CAPS["MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES"]


def match_key(request: bytes) -> bytes:
    """Request bytes with the uid field zeroed: what two equivalent requests share."""
    return mbox_header.without_uid(request)


@dataclass
class _Answer:
    reply: bytes | None
    errno: int
    detail: str | None
    damage: str | None = None  # NO_STATUS or SHORT_REPLY: recorded, but not a whole answer
    seq: int | None = None  # the record it comes from


class _Queue:
    """Answers to one request in recorded order; the last one sticks."""

    __slots__ = ("answers", "next")

    def __init__(self) -> None:
        self.answers: list[_Answer] = []
        self.next = 0

    def take(self) -> tuple[_Answer, str]:
        """The next answer, and which of the recorded ones it is, in words."""
        position = min(self.next, len(self.answers) - 1)
        self.next += 1
        count = len(self.answers)
        repeat = " (the last one, repeated)" if self.next > count > 1 else ""
        return self.answers[position], f"answer {position + 1} of {count}{repeat}"


def describe_request(request: bytes) -> str:
    """The command (and register), op_mod and the request's index fields, in words."""
    opcode = mbox_header.OPCODE.get(request, -1)
    op_mod = _op_mod(request)
    name = _command_name(request)
    asked = " ".join(_asked(name, request))
    return f"{name} (opcode 0x{opcode:04x}) op_mod 0x{op_mod:x}" + (f" {asked}" if asked else "")


def answerable(queues: dict[bytes, _Queue], request: bytes) -> str:
    """What the capture can answer for the request's command (and register), by record."""
    family = _family(request)
    same = [(key, queue) for key, queue in queues.items() if _family(key) == family]
    name = _command_name(request)
    if not same:
        return (f"the capture holds no {name} request at all; replay only answers "
                "recorded requests")
    shown = [f"{' '.join(_asked(name, key)) or f'op_mod 0x{_op_mod(key):x}'} "
             f"({_records(queue)})" for key, queue in same[:MAX_LISTED]]
    more = f", and {len(same) - MAX_LISTED} more" if len(same) > MAX_LISTED else ""
    return f"for {name} it can answer: " + "; ".join(shown) + more


MAX_LISTED = 12


def _records(queue: _Queue) -> str:
    seqs = [f"#{a.seq}" for a in queue.answers if a.seq is not None]
    if len(seqs) > 3:
        seqs = [*seqs[:2], f"… {len(seqs) - 3} more", seqs[-1]]
    return "record " + ", ".join(seqs) if seqs else f"{len(queue.answers)} record(s)"


def _family(request: bytes) -> bytes:
    """Opcode, and for ACCESS_REG the register id: what 'the same command' means here."""
    opcode = bytes(request[mbox_header.OPCODE.offset:mbox_header.OPCODE.end])
    if not mbox_header.is_access_reg(request):
        return opcode
    register = mbox_header.REGISTER_ID
    return opcode + bytes(request[register.offset:register.end])


def _op_mod(request: bytes) -> int:
    return mbox_header.OP_MOD.get(request, 0)


def _command_name(request: bytes) -> str:
    opcode = mbox_header.OPCODE.get(request, -1)
    entry = allowlist.entries().get(opcode)
    name = entry.name if entry else "unknown opcode"
    register_id = mbox_header.REGISTER_ID.read(request)
    if mbox_header.is_access_reg(request) and register_id is not None:
        from fwctl_tui.decoders import catalogue

        try:
            register = catalogue.find_register(str(register_id))
            return f"{name}:{register.name}"
        except (LookupError, ValueError):
            return f"{name}:0x{register_id:04x}"
    return name


def _asked(name: str, request: bytes) -> tuple[str, ...]:
    from fwctl_tui.capture_analysis.decoding import match_key_of
    from fwctl_tui.capture_analysis.listing import request_selectors

    return request_selectors(name, match_key_of(request))


def _damage(exchange: Exchange) -> str | None:
    """Why a recorded reply cannot be served as it is: no status byte at all, or fewer
    bytes than the kernel returned or the reply layout needs (decoding.outcome's flags)."""
    if exchange.errno:
        return None
    flag = decoding.outcome(exchange)
    if flag not in (decoding.NO_STATUS, SHORT_REPLY):
        return None
    detail = "; ".join(decoding.problems(exchange))
    return f"{flag}: {detail}" if detail else flag


class CaptureFirmware:
    """FirmwareModel over recorded Exchanges (see sim.firmware.FirmwareModel)."""

    def __init__(self, exchanges: Iterable[Exchange | tuple[int, Exchange]], *,
                 uctx_caps: int = _TOOLS_RESOURCES):
        """`exchanges`: the recorded Exchanges, or (seq, Exchange) to name the records."""
        self._uctx_caps = uctx_caps
        self._queues: dict[bytes, _Queue] = {}
        self._next_uid = 1
        self.served = 0
        self.misses: list[str] = []
        self.answered: dict[str, object] | None = None  # the last answer's record, or None
        for entry in exchanges:
            seq, exchange = entry if isinstance(entry, tuple) else (None, entry)
            if exchange.errno in KERNEL_ERRNOS:
                continue
            queue = self._queues.setdefault(match_key(exchange.request), _Queue())
            queue.answers.append(_Answer(exchange.reply, exchange.errno, exchange.detail,
                                         _damage(exchange), seq))

    @property
    def uctx_caps(self) -> int:
        return self._uctx_caps

    def create_uctx(self, caps: int) -> int:
        uid = self._next_uid
        self._next_uid += 1
        return uid

    def destroy_uctx(self, uid: int) -> None:
        """Nothing to release: the capture holds no per-context state."""

    def execute(self, mbox_in: bytes, out_len: int) -> bytes:
        queue = self._queues.get(match_key(mbox_in))
        self.answered = None
        if queue is None:
            what = describe_request(mbox_in)
            self.misses.append(what)
            raise CommandLayerError(MISSING_ERRNO, f"not in this capture: {what}; "
                                    f"{answerable(self._queues, mbox_in)}")
        answer, which = queue.take()
        self.answered = {"seq": answer.seq, "which": which}
        self.served += 1
        if answer.damage is not None:  # padding it with zeros would invent an OK reply
            raise CommandLayerError(MISSING_ERRNO, f"the recorded answer to "
                                    f"{describe_request(mbox_in)} is damaged ({answer.damage}); "
                                    "replay never makes up the missing bytes")
        if answer.errno or answer.reply is None:
            code = answer.errno or errno.EIO
            raise CommandLayerError(code, answer.detail or f"recorded answer was errno {code}")
        reply = answer.reply[:out_len]
        return reply + bytes(out_len - len(reply))


def answered_text(exchange: Exchange) -> str | None:
    """`record #6 (answer 1 of 1)` for an exchange a replay device answered, else None."""
    note = exchange.meta.get(ANSWERED)
    if not isinstance(note, dict):
        return None
    seq, which = note.get("seq"), note.get("which")
    return f"record #{seq} ({which})" if seq is not None else f"the capture ({which})"

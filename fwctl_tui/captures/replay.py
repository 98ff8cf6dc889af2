"""A firmware model that answers from a capture: replay as a device, never inventing replies.

Requests are matched on their bytes with the uid (bytes 2..3, stamped by the driver per
open file) masked, whatever the scope: the kernel and driver rules in front of this model
decide scope acceptance as they would live. Identical requests recorded several times are
answered in recorded order, then the last answer repeats (a counter poll replayed longer
than it was recorded shows the last sample, not a wrap back to the first). A request the
capture does not hold fails the command with ENOMSG and says so; so does one whose recorded
reply is damaged (NO_STATUS: no bytes at all, SHORT_REPLY: cut short), since serving it
padded with zeros would be an invented OK.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from dataclasses import dataclass

from fwctl_tui import allowlist
from fwctl_tui.captures import checks
from fwctl_tui.exchange import Exchange
from fwctl_tui.sim.firmware import CommandLayerError
from fwctl_tui.uapi import MLX5_UCTX_CAPS

MISSING_ERRNO = errno.ENOMSG
# Refusals the kernel or driver produce before firmware sees the command: the emulator in
# front of this model re-applies those rules, so such records are not firmware answers.
KERNEL_ERRNOS = frozenset({
    errno.EPERM, errno.EBADMSG, errno.EOPNOTSUPP, errno.EMSGSIZE, errno.EINVAL,
    errno.EFAULT, errno.E2BIG, errno.ENOTTY, errno.EBADF, errno.ENODEV,
})
_TOOLS_RESOURCES = MLX5_UCTX_CAPS["MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES"]


def match_key(request: bytes) -> bytes:
    """Request bytes with the uid field zeroed: what two equivalent requests share."""
    if len(request) < 4:
        return bytes(request)
    return bytes(request[:2]) + b"\0\0" + bytes(request[4:])


@dataclass
class _Answer:
    reply: bytes | None
    errno: int
    detail: str | None
    damage: str | None = None  # NO_STATUS or SHORT_REPLY: recorded, but not a whole answer


class _Queue:
    """Answers to one request in recorded order; the last one sticks."""

    __slots__ = ("answers", "next")

    def __init__(self) -> None:
        self.answers: list[_Answer] = []
        self.next = 0

    def take(self) -> _Answer:
        answer = self.answers[min(self.next, len(self.answers) - 1)]
        self.next += 1
        return answer


def describe_request(request: bytes) -> str:
    opcode = int.from_bytes(request[0:2], "big") if len(request) >= 2 else -1
    op_mod = int.from_bytes(request[6:8], "big") if len(request) >= 8 else 0
    entry = allowlist.entries().get(opcode)
    name = entry.name if entry else "unknown opcode"
    return f"{name} (opcode 0x{opcode:04x}) op_mod 0x{op_mod:x}"


def _damage(exchange: Exchange) -> str | None:
    """Why a recorded reply cannot be served as it is: no status byte at all, or fewer
    bytes than the kernel returned or the reply layout needs (checks.outcome's flags)."""
    if exchange.errno:
        return None
    flag = checks.outcome(exchange)
    if flag not in (checks.NO_STATUS, checks.SHORT_REPLY):
        return None
    detail = "; ".join(checks.problems(exchange))
    return f"{flag}: {detail}" if detail else flag


class CaptureFirmware:
    """FirmwareModel over recorded Exchanges (see sim.firmware.FirmwareModel)."""

    def __init__(self, exchanges: Iterable[Exchange], *, uctx_caps: int = _TOOLS_RESOURCES):
        self._uctx_caps = uctx_caps
        self._queues: dict[bytes, _Queue] = {}
        self._next_uid = 1
        self.served = 0
        self.misses: list[str] = []
        for exchange in exchanges:
            if exchange.errno in KERNEL_ERRNOS:
                continue
            queue = self._queues.setdefault(match_key(exchange.request), _Queue())
            queue.answers.append(_Answer(exchange.reply, exchange.errno, exchange.detail,
                                         _damage(exchange)))

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
        if queue is None:
            what = describe_request(mbox_in)
            self.misses.append(what)
            raise CommandLayerError(
                MISSING_ERRNO, f"not in this capture: {what}; replay only answers recorded requests"
            )
        answer = queue.take()
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

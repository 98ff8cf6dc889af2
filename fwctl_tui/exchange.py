"""One RPC as it happened: the unit of session history, captures, replay and diff.

The TUI history, `send --capture` and capture files all hold Exchanges, so what a
session shows is exactly what a capture saves and what replay serves back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fwctl_tui.errors import explain
from fwctl_tui.uapi import Scope

MBOX_STATUS_BYTE = 0
MBOX_SYNDROME = slice(4, 8)
MBOX_OPCODE = slice(0, 2)
MBOX_OP_MOD = slice(6, 8)


def mbox_opcode(request: bytes) -> int:
    return int.from_bytes(request[MBOX_OPCODE], "big") if len(request) >= 2 else -1


def mbox_op_mod(request: bytes) -> int:
    return int.from_bytes(request[MBOX_OP_MOD], "big") if len(request) >= 8 else 0


@dataclass
class Exchange:
    """A request, and the reply or errno it got, with timing and sizes."""

    command: str  # catalogue name, e.g. QUERY_HCA_CAP or ACCESS_REG:PPCNT
    scope: Scope
    request: bytes
    out_cap: int  # output buffer size asked for
    errno: int = 0
    reply: bytes | None = None  # None when the ioctl failed
    out_len: int = 0  # as reported by the kernel (may exceed out_cap: truncated)
    duration_ns: int = 0
    wall_time: float = 0.0  # time.time() at send
    mono_ns: int = 0  # time.monotonic_ns() at send
    device: str = ""
    detail: str | None = None  # simulator/replay detail behind an errno
    # the device-state session that answered: a live host's boot, or one simulated card
    # (a new one in every fwctl-tui run); counters only compare within one session
    session: str = ""
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def opcode(self) -> int:
        return mbox_opcode(self.request)

    @property
    def op_mod(self) -> int:
        return mbox_op_mod(self.request)

    @property
    def status(self) -> int | None:
        """mlx5 status byte of the reply (0 = OK); None without a reply."""
        if self.reply is None or len(self.reply) < 1:
            return None
        return self.reply[MBOX_STATUS_BYTE]

    @property
    def syndrome(self) -> int | None:
        if self.reply is None or len(self.reply) < 8:
            return None
        return int.from_bytes(self.reply[MBOX_SYNDROME], "big")

    @property
    def truncated(self) -> bool:
        return self.reply is not None and self.out_len > self.out_cap

    @property
    def ok(self) -> bool:
        return self.errno == 0 and self.status == 0

    def outcome(self) -> str:
        """Short result text for lists and border titles: OK, a status name or an errno."""
        if self.errno:
            return explain(self.errno).name
        if self.status == 0:
            return "OK"
        from fwctl_tui.decoders.mlx5.status import status_name

        return status_name(self.status or 0)

"""One RPC as it happened: the unit of session history, captures, replay and diff.

The TUI history, `send --capture` and capture files all hold Exchanges, so what a
session shows is exactly what a capture saves and what replay serves back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fwctl_tui.errors import explain
from fwctl_tui.mbox_header import OP_MOD, OPCODE, STATUS, SYNDROME
from fwctl_tui.uapi import Scope


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
        """The request's opcode; -1 when the request is too short to hold one."""
        return OPCODE.get(self.request, -1)

    @property
    def op_mod(self) -> int:
        """The request's op_mod; 0 when the request is too short to hold one."""
        return OP_MOD.get(self.request, 0)

    @property
    def status(self) -> int | None:
        """mlx5 status byte of the reply (0 = OK); None without a reply."""
        return None if self.reply is None else STATUS.read(self.reply)

    @property
    def syndrome(self) -> int | None:
        return None if self.reply is None else SYNDROME.read(self.reply)

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

"""Fault injection: make chosen commands fail, fail to deliver, or answer slowly; lose the link.

Tests and trainers arm faults on a device's FaultPlan; the firmware consults it before it
runs a command. A fault matches an opcode, optionally one op_mod and (for the register
commands) one register id, and fires a limited number of times or forever. Slowness uses an
injectable sleeper so tests stay fast.

`link_loss` breaks the port's link the way a pulled cable or a dead peer does (admin stays
up, the drop is unintentional and blamed on one side) and `link_restore` mends it; every
view of the port (PAOS, PTYS, PDDR, PPCNT, vport state) follows. Unplug is not here: it
belongs to the kernel side (SimFunction.unplug / KernelEmulator.unplug).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from fwctl_tui import allowlist
from fwctl_tui.sim.mlx5.link import BLAME_REMOTE, BLAMES
from fwctl_tui.sim.mlx5.syndromes import ErrorKind, status_value, syndrome

Sleeper = Callable[[float], None]
LOCAL_PORT = 1  # every function addresses its own port as local port 1


class LinkControl(Protocol):
    """The port whose link a FaultPlan can break (the firmware's device)."""

    def lose_link(self, blame: str) -> None: ...

    def restore_link(self) -> None: ...


def opcode_value(opcode: int | str) -> int:
    """An opcode by number or allow-list name (`QUERY_HCA_CAP`, case-insensitive)."""
    if isinstance(opcode, int):
        return opcode
    key = opcode.upper().removeprefix("MLX5_CMD_OP_")
    for entry in allowlist.entries().values():
        if entry.name == key:
            return entry.opcode
    raise ValueError(f"unknown command {opcode!r}")


@dataclass
class Fault:
    """One armed fault; `remaining` None means it keeps firing until removed."""

    opcode: int
    op_mod: int | None = None
    register_id: int | None = None
    status: int | None = None
    syndrome: int | None = None
    errno: int | None = None
    detail: str = "fault injected"
    delay: float = 0.0
    remaining: int | None = None

    def matches(self, opcode: int, op_mod: int, register_id: int | None) -> bool:
        return (self.opcode == opcode
                and self.op_mod in (None, op_mod)
                and self.register_id in (None, register_id)
                and self.remaining != 0)


class FaultPlan:
    """The faults armed on one simulated function."""

    def __init__(self, sleep: Sleeper = time.sleep, link: LinkControl | None = None) -> None:
        self.sleep = sleep
        self.faults: list[Fault] = []
        self._link = link

    def _arm(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    def fail(self, opcode: int | str, status: int | str = "INT_ERR", *,
             syndrome_value: int | None = None, op_mod: int | None = None,
             register_id: int | None = None, times: int | None = None) -> Fault:
        """The command completes with a firmware error status (and syndrome)."""
        code = opcode_value(opcode)
        if syndrome_value is None:
            syndrome_value = syndrome(code, ErrorKind.INJECTED)
        return self._arm(Fault(code, op_mod, register_id, status=status_value(status),
                               syndrome=syndrome_value, remaining=times))

    def fail_errno(self, opcode: int | str, errno: int, *, detail: str = "fault injected",
                   op_mod: int | None = None, register_id: int | None = None,
                   times: int | None = None) -> Fault:
        """The command never completes: the ioctl fails with `errno` (ETIMEDOUT, EIO...)."""
        return self._arm(Fault(opcode_value(opcode), op_mod, register_id, errno=errno,
                               detail=detail, remaining=times))

    def slow(self, opcode: int | str, seconds: float, *, op_mod: int | None = None,
             register_id: int | None = None, times: int | None = None) -> Fault:
        """The command answers normally, `seconds` late."""
        return self._arm(Fault(opcode_value(opcode), op_mod, register_id, delay=seconds,
                               remaining=times))

    def link_loss(self, port: int = LOCAL_PORT, blame: str = BLAME_REMOTE) -> None:
        """The link drops without anyone asking: `blame` "remote" (peer down, far end of
        the cable), "local" (this side's module or PHY) or "unknown". Admin stays up."""
        if blame not in BLAMES:
            raise ValueError(f"blame {blame!r}: one of {', '.join(BLAMES)}")
        self._port(port).lose_link(blame)

    def link_restore(self, port: int = LOCAL_PORT) -> None:
        """The cause of a link loss is gone: the link comes back if the port is admin up."""
        self._port(port).restore_link()

    def _port(self, port: int) -> LinkControl:
        if self._link is None:
            raise RuntimeError("this fault plan has no port to act on")
        if port != LOCAL_PORT:
            raise ValueError(f"local_port {port}: this function has port {LOCAL_PORT}")
        return self._link

    def remove(self, fault: Fault) -> None:
        self.faults.remove(fault)

    def clear(self) -> None:
        """Disarm every command fault (a link loss stays until `link_restore`)."""
        self.faults.clear()

    def take(self, opcode: int, op_mod: int, register_id: int | None) -> list[Fault]:
        """The faults that fire for this command, counting one use of each."""
        fired = [f for f in self.faults if f.matches(opcode, op_mod, register_id)]
        for fault in fired:
            if fault.remaining is not None:
                fault.remaining -= 1
        return fired

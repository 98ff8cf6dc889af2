"""Fault injection: make chosen commands fail, fail to deliver, or answer slowly.

Tests and trainers arm faults on a device's FaultPlan; the firmware consults it before it
runs a command. A fault matches an opcode, optionally one op_mod and (for the register
commands) one register id, and fires a limited number of times or forever. Slowness uses an
injectable sleeper so tests stay fast. Unplug is not here: it belongs to the kernel side
(SimFunction.unplug / KernelEmulator.unplug).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from fwctl_tui import allowlist
from fwctl_tui.sim.mlx5.syndromes import ErrorKind, status_value, syndrome

Sleeper = Callable[[float], None]


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

    def __init__(self, sleep: Sleeper = time.sleep) -> None:
        self.sleep = sleep
        self.faults: list[Fault] = []

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

    def remove(self, fault: Fault) -> None:
        self.faults.remove(fault)

    def clear(self) -> None:
        self.faults.clear()

    def take(self, opcode: int, op_mod: int, register_id: int | None) -> list[Fault]:
        """The faults that fire for this command, counting one use of each."""
        fired = [f for f in self.faults if f.matches(opcode, op_mod, register_id)]
        for fault in fired:
            if fault.remaining is not None:
                fault.remaining -= 1
        return fired

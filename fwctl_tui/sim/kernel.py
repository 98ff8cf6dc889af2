"""The simulated kernel's state: explicit and inspectable, never hidden in the emulator.

Tests and trainees flip these to see what a real kernel would do: drop CAP_SYS_RAWIO,
pre-taint the kernel, switch lockdown. Taint is system-wide (shared by every simulated
device of a host), as TAINT_FWCTL is on a real machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from fwctl_tui.facts import facts
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.uapi import TAINT_FWCTL_MASK

DEFAULT_RELEASE = "6.18.0-fwctl-sim"


@dataclass
class SimKernel:
    """What `uname -r`, /proc/sys/kernel/tainted, capabilities and lockdown would say."""

    release: str = DEFAULT_RELEASE
    tainted: int = 0
    capabilities: set[str] = field(default_factory=lambda: {"CAP_SYS_RAWIO"})
    lockdown: str = "none"
    comm: str = "fwctl-tui"
    pid: int = field(default_factory=os.getpid)
    log: list[str] = field(default_factory=list)
    _fwctl_taint_done: bool = False

    def capable(self, cap: str) -> bool:
        return cap in self.capabilities

    def taint_fwctl(self, device_name: str) -> None:
        """Set TAINT_FWCTL and log once, like the kernel's static guard in fwctl core."""
        if self._fwctl_taint_done:
            return
        self._fwctl_taint_done = True
        self.tainted |= TAINT_FWCTL_MASK
        self.log.append(
            f"fwctl {device_name}: {self.comm}({self.pid}): has requested full access to the "
            "physical device"
        )

    def state(self) -> KernelState:
        return KernelState(
            release=self.release,
            tainted=self.tainted,
            has_cap_sys_rawio=self.capable("CAP_SYS_RAWIO"),
            lockdown=self.lockdown,
            comm=self.comm,
            pid=self.pid,
            simulated=True,
        )


def taint_letter() -> str:
    letter: str = facts()["taint"]["letter"]
    return letter

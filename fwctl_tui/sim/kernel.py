"""The simulated kernel's state: explicit and inspectable, never hidden in the emulator.

Tests and trainees flip these to see what a real kernel would do: drop CAP_SYS_RAWIO,
pre-taint the kernel, switch lockdown, make an allocation fail. Taint is system-wide
(shared by every simulated device of a host), as TAINT_FWCTL is on a real machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from fwctl_tui.facts import facts
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.uapi import TAINT_FWCTL_MASK

DEFAULT_RELEASE = "6.18.0-fwctl-sim"

# Where the fwctl core and the mlx5 driver allocate memory, in the order an RPC meets them;
# naming one in SimKernel.fail_allocations makes that allocation fail with ENOMEM.
ALLOCATION_SITES: dict[str, str] = {
    "uctx": "open(): the core's per-file user context",
    "info": "FWCTL_INFO: the driver info op's reply (only when device_data_len != 0)",
    "rpc_in": "FWCTL_RPC: the kernel copy of the request (in_len bytes)",
    "rpc_out": "FWCTL_RPC, mlx5: the reply buffer, only when out_len > in_len",
}


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
    # fault injection: ALLOCATION_SITES names that fail with ENOMEM until removed
    fail_allocations: set[str] = field(default_factory=set)
    failed_allocations: list[str] = field(default_factory=list)  # sites that did fail
    _fwctl_taint_done: bool = False

    @property
    def fwctl_taint_logged(self) -> bool:
        """Whether the one-time taint message was logged (kept with a persisted host)."""
        return self._fwctl_taint_done

    @fwctl_taint_logged.setter
    def fwctl_taint_logged(self, value: bool) -> None:
        self._fwctl_taint_done = value

    def capable(self, cap: str) -> bool:
        return cap in self.capabilities

    def allocate(self, site: str) -> bool:
        """One kernel allocation at `site`: False (the caller returns ENOMEM) when the site
        is in `fail_allocations`; every failure is recorded in `failed_allocations`."""
        if site not in ALLOCATION_SITES:
            raise ValueError(f"unknown allocation site {site!r}; one of {list(ALLOCATION_SITES)}")
        if site in self.fail_allocations:
            self.failed_allocations.append(site)
            return False
        return True

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

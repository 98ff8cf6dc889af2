"""The running kernel's state that decides what an RPC will cost.

Taint mask, CAP_SYS_RAWIO, lockdown mode and release: read from /proc and /sys for a
live host, or taken from the simulated kernel. policy.preview() reasons only over this
value, so the same preview serves live, simulated and replay devices.
"""

from __future__ import annotations

from dataclasses import dataclass

from fwctl_tui.allowlist import Version, parse_version
from fwctl_tui.uapi import TAINT_FWCTL_MASK


@dataclass(frozen=True)
class KernelState:
    """A snapshot of the facts the consequence preview needs."""

    release: str
    tainted: int  # /proc/sys/kernel/tainted bit mask
    has_cap_sys_rawio: bool
    lockdown: str  # none | integrity | confidentiality | unknown
    comm: str  # process name the taint log line will carry
    pid: int
    simulated: bool = False  # True for simulated and replay devices: no effect on this host

    @property
    def version(self) -> Version:
        return parse_version(self.release)

    @property
    def fwctl_tainted(self) -> bool:
        return bool(self.tainted & TAINT_FWCTL_MASK)

"""Read the live host's KernelState from /proc and /sys (under a root tests can fake).

The consequence preview needs the taint mask, CAP_SYS_RAWIO, lockdown and release of
the kernel the RPC would really run on. Each value is read fresh on every call (taint
changes the moment someone sends a DEBUG_WRITE RPC), and an unreadable file degrades to
a conservative value instead of an error: the preview must still render. A file absent
under a fake root is read from the real host, since any RPC would run on this kernel.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from fwctl_tui.kernelstate import KernelState

CAP_SYS_RAWIO_BIT = 17  # include/uapi/linux/capability.h

_BRACKETED = re.compile(r"\[([^\]]+)\]")


def read_host_state(root: Path | str | None = "/") -> KernelState:
    """A fresh snapshot of this host's kernel state; `root` prefixes every path read."""
    base = Path(root or "/")

    def read(relative: str) -> str | None:
        path = base / relative
        if not os.path.lexists(path) and base.resolve() != Path("/"):
            path = Path("/") / relative
        return _read(path)

    return KernelState(
        release=read("proc/sys/kernel/osrelease") or os.uname().release,
        tainted=parse_tainted(read("proc/sys/kernel/tainted")),
        has_cap_sys_rawio=parse_cap_sys_rawio(read("proc/self/status")),
        lockdown=parse_lockdown(read("sys/kernel/security/lockdown")),
        comm=read("proc/self/comm") or Path(sys.argv[0] or "python").name,
        pid=os.getpid(),
        simulated=False,
    )


def parse_tainted(text: str | None) -> int:
    """/proc/sys/kernel/tainted is a decimal mask; unreadable or garbled reads as 0."""
    try:
        return int((text or "0").split()[0])
    except (ValueError, IndexError):
        return 0


def parse_cap_sys_rawio(status: str | None) -> bool:
    """CAP_SYS_RAWIO from the CapEff hex mask in /proc/self/status (False if absent)."""
    for line in (status or "").splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "CapEff":
            try:
                return bool(int(value.strip(), 16) >> CAP_SYS_RAWIO_BIT & 1)
            except ValueError:
                return False
    return False


def parse_lockdown(text: str | None) -> str:
    """The bracketed (active) word of /sys/kernel/security/lockdown, else 'unknown'."""
    if not text:
        return "unknown"
    match = _BRACKETED.search(text)
    if match:
        return match.group(1).strip()
    words = text.split()
    return words[0] if len(words) == 1 else "unknown"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip() or None
    except (OSError, ValueError):
        return None

"""Plain-language explanations of the errno values fwctl users meet.

The text is ours; which errno means what (and in which order the kernel checks) comes
from the errno table in the facts. Keyed by errno name so the same table serves
FWCTL_INFO, FWCTL_RPC and open().
"""

from __future__ import annotations

import errno as _errno
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    """What an errno means for fwctl and what the user can do about it."""

    name: str
    meaning: str
    action: str

    def __str__(self) -> str:
        return f"{self.name}: {self.meaning} {self.action}".strip()


_RPC = {
    "EPERM": (
        "The kernel refused the RPC: scope DEBUG_WRITE_FULL needs CAP_SYS_RAWIO, which this "
        "process does not have.",
        "Run as root (or grant CAP_SYS_RAWIO), or choose a lower scope.",
    ),
    "EBADMSG": (
        "The mlx5 fwctl driver refused this opcode at this scope: it is not on the driver's "
        "allow-list, or it needs a higher scope (register reads need DEBUG_READ_ONLY).",
        "Check the command's minimum scope in the catalogue and raise the scope.",
    ),
    "EMSGSIZE": (
        "A buffer size is outside what the kernel accepts: input or output above 2 MiB, or "
        "below the mlx5 mailbox header (16 bytes).",
        "Fix the input length or the output buffer size.",
    ),
    "ENODEV": (
        "The device is gone (hot-unplug, driver unbind or module unload). This file "
        "descriptor is dead: every further ioctl on it fails.",
        "Close it, refresh the device list and open the device again once it is back.",
    ),
    "ENOTTY": (
        "This file is not a fwctl device, or the ioctl number is not one fwctl knows "
        "(also what a 32-bit process gets on a 64-bit kernel).",
        "Open /dev/fwctl/fwctlN, not another node.",
    ),
    "EOPNOTSUPP": (
        "The kernel does not support the request: non-zero flags, or a scope outside 0..3.",
        "Use a scope from 0 to 3 and leave flags at 0.",
    ),
    "EINVAL": (
        "The struct size field is below the minimum the kernel accepts, or the driver "
        "rejected the request's contents.",
        "This is a tool bug if it comes from FWCTL_INFO or FWCTL_RPC headers; please report it.",
    ),
    "E2BIG": (
        "The struct is larger than the kernel's and the extra bytes are not zero.",
        "The tool's uAPI struct does not match this kernel; please report it.",
    ),
    "EFAULT": (
        "The kernel could not read or write one of the user buffers.",
        "This is a tool bug (a bad pointer); please report it.",
    ),
    "ENOMEM": (
        "The kernel or driver could not allocate memory for the request.",
        "Retry with smaller buffers, or check the system's memory.",
    ),
    "ETIMEDOUT": (
        "The firmware did not complete the command in time.",
        "The device may be hung; check dmesg for mlx5 health messages.",
    ),
    "EIO": (
        "The mlx5 command interface failed to deliver the command (device in error state).",
        "Check dmesg for mlx5 health or internal-error messages.",
    ),
    "ENOLINK": (
        "The mlx5 command interface is down (device in internal-error state or recovering).",
        "Wait for recovery or reload the driver; check dmesg.",
    ),
    "ENOENT": (
        "No such file: the device node does not exist.",
        "Refresh the device list; the device may have been removed or renamed.",
    ),
    "EACCES": (
        "Permission denied opening the device node (fwctl nodes are 0600 root:root by default).",
        "Run as root, or add a udev rule that grants your group access to /dev/fwctl/*.",
    ),
    "EBUSY": ("The device is busy.", "Retry later."),
    "ENOMSG": (
        "The replayed capture holds no answer to this request (replay never makes one up).",
        "Send one of the recorded requests, or replay against a simulated or live device.",
    ),
}


MAX_ERRNO = 4095
"""The kernel's MAX_ERRNO: a negative return above -4096 is an errno, nothing else is."""


def explain(err: int) -> Explanation:
    """Explanation for an errno value; unknown values fall back to strerror.

    Any integer is explained, even one no kernel returns (a capture may say errno 10**30
    or -1): strerror would overflow on the first, so out-of-range values say so instead.
    """
    name = _errno.errorcode.get(err, f"errno {err}")
    if name in _RPC:
        meaning, action = _RPC[name]
    elif 0 < err <= MAX_ERRNO:
        meaning, action = os.strerror(err) + ".", ""
    else:
        meaning, action = f"Not an errno (the kernel's are 1..{MAX_ERRNO}).", ""
    return Explanation(name=name, meaning=meaning, action=action)

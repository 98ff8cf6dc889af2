"""The fwctl core's checks of FWCTL_RPC and the ordered evaluation core -> driver.

In the kernel's order (fwctl-facts.json `errno`, FWCTL_RPC stages 6-7, then `taint`):
in_len or out_len above 2 MiB is EMSGSIZE; a scope outside 0..3 EOPNOTSUPP;
DEBUG_WRITE_FULL without CAP_SYS_RAWIO EPERM (before any taint; the facts list these two
in one stage, and no scope can fail both); then a tainting scope sets TAINT_FWCTL
*before* the driver sees the command, so it taints even when the driver refuses.
Lockdown refuses nothing: the core has no lockdown hook (`scope_rules.lockdown`).
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass

from fwctl_tui.kernelstate import KernelState
from fwctl_tui.uapi import CAP_SYS_RAWIO_SCOPES, MAX_RPC_LEN, TAINTING_SCOPES, Scope

_SCOPES: dict[int, Scope] = {int(s): s for s in Scope}


@dataclass(frozen=True)
class Refusal:
    """The first rule that refuses a request."""

    rule: str  # which rule, e.g. "core.cap_sys_rawio", "mlx5.allow_list", "cxl.set_scope"
    errno: int
    reason: str  # the rule as it applies to this request, in words


@dataclass(frozen=True)
class Unknown:
    """A driver rule the caller cannot check: the device facts it reads are not known
    (a preview that has not seen the device's whole list). The emulator never meets it."""

    reason: str


@dataclass(frozen=True)
class Verdict:
    """What the kernel does with one RPC: refuse it (and why) or pass it to the firmware."""

    refusal: Refusal | None
    taints: bool  # the core sets TAINT_FWCTL for this RPC (even if the driver then refuses)
    unknown: Unknown | None = None  # accepted so far, but a later rule could not be checked

    @property
    def accepted(self) -> bool:
        return self.refusal is None

    @property
    def errno(self) -> int:
        """The ioctl's errno, 0 when accepted."""
        return 0 if self.refusal is None else self.refusal.errno

    def tainted_after(self, state: KernelState) -> bool:
        """Whether TAINT_FWCTL is set once the RPC returns (the flag stays until reboot)."""
        return state.fwctl_tainted or self.taints


_PASSED = {taints: Verdict(None, taints) for taints in (False, True)}  # the common answers

DriverCheck = Callable[[Scope], Refusal | Unknown | None]
"""A driver's checks of one request at a scope the core let through (None: accepted)."""


def core(scope: int, has_cap_sys_rawio: bool, in_len: int | None = None,
         out_len: int | None = None) -> Verdict:
    """The core's checks; a length not given (the preview may not know it) is not checked.
    Only CAP_SYS_RAWIO of the caller's state decides here (taint state and lockdown refuse
    nothing), so the emulator's hot path passes just that."""
    if (in_len or 0) > MAX_RPC_LEN or (out_len or 0) > MAX_RPC_LEN:
        return Verdict(Refusal("core.rpc_len", errno.EMSGSIZE,
                               f"in_len {in_len} or out_len {out_len} is above the "
                               f"{MAX_RPC_LEN}-byte limit"), taints=False)
    chosen = _SCOPES.get(scope)
    if chosen is None:
        return Verdict(Refusal("core.scope_range", errno.EOPNOTSUPP,
                               f"scope {scope} is not one of 0..{max(_SCOPES)}"),
                       taints=False)
    if chosen in CAP_SYS_RAWIO_SCOPES and not has_cap_sys_rawio:
        return Verdict(Refusal("core.cap_sys_rawio", errno.EPERM,
                               f"{chosen.name} needs CAP_SYS_RAWIO, which the caller lacks"),
                       taints=False)
    return _PASSED[chosen in TAINTING_SCOPES]


def evaluate(scope: int, state: KernelState, driver: DriverCheck | None,
             in_len: int | None = None, out_len: int | None = None) -> Verdict:
    """The core's checks, then (when they pass) the driver's: the kernel's order."""
    verdict = core(scope, state.has_cap_sys_rawio, in_len, out_len)
    if verdict.refusal is not None or driver is None:
        return verdict
    answer = driver(_SCOPES[scope])
    if isinstance(answer, Unknown):
        return Verdict(None, verdict.taints, answer)
    return Verdict(answer, verdict.taints)

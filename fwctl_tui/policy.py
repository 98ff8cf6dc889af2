"""What an RPC will cost before it is sent: scope, acceptance, taint, capability, lockdown.

A pure function of the command, the chosen scope and a KernelState snapshot, so the TUI
preview, `send` and `replay --against` all say the same thing. It reports the verdict of
kernel_rules, the rules the kernel emulator executes: the core checks CAP_SYS_RAWIO for
DEBUG_WRITE_FULL first (EPERM, no taint), then taints for DEBUG_WRITE and above *before*
the driver looks at the command, so a tainting scope taints even when the mlx5
allow-list then refuses it (EBADMSG). driver_verdict() does the same for cxl and pds.
The words for a verdict and its cost are consequence.py's, shared by every device type.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from fwctl_tui import allowlist
from fwctl_tui.consequence import Consequence, refusal_detail
from fwctl_tui.kernel_rules import core as rules
from fwctl_tui.kernel_rules import cxl as cxl_rules
from fwctl_tui.kernel_rules import mlx5 as mlx5_rules
from fwctl_tui.kernel_rules import pds as pds_rules
from fwctl_tui.kernel_rules.core import Verdict
from fwctl_tui.kernel_rules.cxl import CxlDevice, FeatureRule
from fwctl_tui.kernel_rules.pds import PdsDevice
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.uapi import CAP_SYS_RAWIO_SCOPES, Scope


@dataclass(frozen=True, kw_only=True)
class Preview(Consequence):
    """Everything the consequence screen shows, as data: the kernel's answer and its cost
    (Consequence, worded as every preview words them), for this mlx5 command."""

    opcode: int
    op_mod: int
    least_scope: Scope | None
    kernel_release: str

    @property
    def will_taint(self) -> bool:
        """This send would newly set TAINT_FWCTL."""
        return self.taints and not self.already_tainted

    def facts(self) -> list[tuple[str, str]]:
        """(label, sentence) rows for the preview screen and the CLI refusal text."""
        rows = [("Scope", f"{self.scope.name} ({int(self.scope)})")]
        if self.least_scope is None:
            rows.append(("Least accepted", "none: this kernel's driver refuses it at every scope"))
        else:
            rows.append(("Least accepted", f"{self.least_scope.name} ({int(self.least_scope)})"))
        return rows + self.rows()


def least_scope(opcode: int, op_mod: int, state: KernelState) -> Scope | None:
    return allowlist.least_scope(opcode, op_mod, state.version)


def preview(
    opcode: int, op_mod: int, scope: Scope, state: KernelState, *, is_write: bool = False,
    in_len: int | None = None, out_len: int | None = None,
) -> Preview:
    """Predict the kernel's answer and side effects for this RPC on this kernel: the
    verdict of kernel_rules (core, then the mlx5 driver), which the emulator executes.
    `in_len` (the request's length) and `out_len` (the reply buffer) are checked as the
    kernel checks them (2 MiB, the 16-byte mailbox header); a caller that is about to
    send passes both, so the verdict is the one the send then gets."""
    verdict = rules.evaluate(
        scope, state, partial(mlx5_rules.check, opcode, op_mod, kernel=state.version,
                              in_len=in_len, out_len=out_len), in_len, out_len)
    return Preview(
        opcode=opcode, op_mod=op_mod, least_scope=least_scope(opcode, op_mod, state),
        kernel_release=state.release, accepted=verdict.accepted,
        **_judged(verdict, scope, state, is_write=is_write))


def driver_verdict(type_name: str, request: bytes, out_len: int, scope: Scope,
                   state: KernelState, context: Mapping[str, Any] | None) -> Verdict:
    """The kernel's verdict on a cxl or pds plug-in request, from what the plug-in learnt
    of the device (`context`: CXL's supported-features list, pds's saved entries). Other
    types get the core's checks only: their driver's rules are not modelled."""
    check: rules.DriverCheck | None = None
    if type_name == "cxl":
        check = partial(cxl_rules.check, request, out_len, device=_cxl_view(context))
    elif type_name == "pds":
        check = partial(pds_rules.check, request, device=_pds_view(context))
    return rules.evaluate(scope, state, check, len(request), out_len)


def driver_consequence(type_name: str, request: bytes, out_len: int, scope: Scope,
                       state: KernelState, context: Mapping[str, Any] | None, *,
                       is_write: bool) -> Consequence:
    """driver_verdict() on this request, with its cost on this kernel, in the words the
    mlx5 preview uses (consequence.Consequence). A refusal says its rule; a request whose
    driver rules are not modelled (bnxt) or not checkable here is `not predicted`."""
    verdict = driver_verdict(type_name, request, out_len, scope, state, context)
    unpredicted = None
    if verdict.unknown is not None:
        unpredicted = verdict.unknown.reason
    elif verdict.refusal is None and type_name not in ("cxl", "pds"):
        unpredicted = (f"the fwctl core accepts it; the {type_name} driver's own rules are "
                       "not modelled")
    return Consequence(accepted=None if unpredicted else verdict.refusal is None,
                       unpredicted=unpredicted, **_judged(verdict, scope, state,
                                                          is_write=is_write))


def _judged(verdict: Verdict, scope: Scope, state: KernelState, *,
            is_write: bool) -> dict[str, Any]:
    """The Consequence fields a verdict and the kernel's state decide, for every preview."""
    refusal = verdict.refusal
    return {
        "scope": Scope(scope), "refusal_errno": refusal.errno if refusal else None,
        "taints": verdict.taints, "already_tainted": state.fwctl_tainted,
        "needs_cap_sys_rawio": scope in CAP_SYS_RAWIO_SCOPES,
        "has_cap_sys_rawio": state.has_cap_sys_rawio, "lockdown": state.lockdown,
        "simulated": state.simulated, "is_write": is_write, "comm": state.comm,
        "tainted_mask": state.tainted,
        "refusal_detail": refusal_detail(refusal.rule, refusal.errno, refusal.reason)
        if refusal and refusal.reason else None,
    }


def _cxl_view(context: Mapping[str, Any] | None) -> CxlDevice:
    """The device as a supported-features listing shows it. fwctl cannot read the
    Features capability: a listing proves read access, write access (RW) is assumed.
    The kernel lists the features it keeps for itself as not changeable, but checks the
    device's own flag, which lets them through to its EPERM."""
    listed = (context or {}).get("features")
    if listed is None:
        return CxlDevice("RW", None, None)
    features = {
        uuid.UUID(entry["uuid"]).bytes_le: FeatureRule(
            entry["effects_value"],
            "CHANGEABLE" in entry["flags"] or entry["kernel_exclusive"],
            entry["kernel_exclusive"])
        for entry in listed
    }
    return CxlDevice("RW", features, (context or {}).get("supported_feats"))


def _pds_view(context: Mapping[str, Any] | None) -> PdsDevice:
    """The firmware as the user's saved entries describe it: their operations at their
    scopes, limits unknown; the verdict on any other operation is Unknown."""
    entries = (context or {}).get("entries", [])
    operations = {(e.endpoint, e.operation): Scope[e.scope] for e in entries}
    return PdsDevice(None, None, operations, complete=False)

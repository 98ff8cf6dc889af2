"""The pds fwctl driver's checks (cxl_pds.json `pds.driver_rules`, in that order).

The struct's size, the payload sizes against the firmware's limits, the endpoint and the
operation (all EINVAL), then the operation's scope: below it EPERM, not EBADMSG. The
operation's scope follows from its firmware attribute (fwctl-facts.json `pds.scope_map`).

What the firmware declares comes in as a PdsDevice: the emulator builds it from its
firmware, the preview from the user's saved entries, which may not name every operation
the firmware has (`complete` False: the verdict on an operation they lack is Unknown).
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from dataclasses import dataclass

from fwctl_tui.facts import facts
from fwctl_tui.kernel_rules.core import Refusal, Unknown
from fwctl_tui.sim.pds import layout
from fwctl_tui.uapi import Scope


@dataclass(frozen=True)
class PdsDevice:
    """What the driver's rules read of the firmware."""

    max_req_sz: int | None  # None: unknown (not checked)
    max_resp_sz: int | None
    operations: Mapping[tuple[int, int], Scope]  # (endpoint, operation) -> its scope
    complete: bool  # True: the firmware has no other operation


def attribute_scope(attribute: str) -> Scope:
    """The scope an operation's firmware attribute demands (facts `pds.scope_map`)."""
    scope_map: dict[str, str] = facts()["pds"]["scope_map"]
    for names, scope in scope_map.items():
        if attribute.upper() in names.split("/"):
            return Scope[scope.removeprefix("FWCTL_RPC_")]
    return Scope[scope_map["other"].removeprefix("FWCTL_RPC_")]


def _einval(reason: str) -> Refusal:
    return Refusal("pds.request", errno.EINVAL, reason)


def check(request: bytes, scope: Scope, device: PdsDevice) -> Refusal | Unknown | None:
    """The driver's verdict on one 48-byte struct fwctl_rpc_pds."""
    if len(request) < layout.SIZE:
        return _einval(f"in_len {len(request)} < {layout.SIZE}")
    in_len = layout.get(request, "in.len")
    want = layout.get(request, "out.len")
    if (device.max_req_sz is not None and in_len > device.max_req_sz) or (
            device.max_resp_sz is not None and want > device.max_resp_sz):
        return _einval(f"in.len {in_len} / out.len {want} above the firmware's "
                       f"{device.max_req_sz} / {device.max_resp_sz}")
    ep, op = layout.get(request, "in.ep"), layout.get(request, "in.op")
    needed = device.operations.get((ep, op))
    if needed is None:
        if not device.complete:
            return Unknown(f"endpoint {ep:#x} operation {op:#x} is not in the saved entries: "
                           "whether the firmware has it, and at which scope, is not known")
        if all(known_ep != ep for known_ep, _ in device.operations):
            return _einval(f"endpoint {ep:#x} is not one the firmware listed")
        return _einval(f"operation {op:#x} is not one endpoint {ep:#x} has")
    if scope < needed:
        return Refusal("pds.scope", errno.EPERM,
                       f"operation {op:#x} needs {needed.name}, sent at {scope.name}")
    return None

"""The CXL fwctl driver's checks (cxl_pds.json `cxl.driver_rules`, in that order).

The header (in_len, op_size), the opcode and the device's Features capability, then per
opcode: Get Supported Features' and Get Feature's sizes; Set Feature's feature (known and
changeable), the scope its effects need, its data, a kernel-exclusive UUID (EPERM, the
only refusal that is not EINVAL) and the reply size. A device-level failure is a return
code inside a successful ioctl, never a refusal here.

What the device holds comes in as a CxlDevice: the emulator builds it from its memdev,
the preview from the device's supported-features list; a part the preview does not know
(None) makes the verdict Unknown from the rule that needs it.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from dataclasses import dataclass

from fwctl_tui.kernel_rules.core import Refusal, Unknown
from fwctl_tui.sim.cxl import layout
from fwctl_tui.uapi import Scope

IMMEDIATE_BITS = ("CONFIG_CHANGE_IMMEDIATE", "DATA_CHANGE_IMMEDIATE",
                  "POLICY_CHANGE_IMMEDIATE", "LOG_CHANGE_IMMEDIATE")
RESET_BITS = ("CONFIG_CHANGE_COLD_RESET", "CONFIG_CHANGE_CONV_RESET", "CONFIG_CHANGE_CXL_RESET")
RESERVED_MASK = 0xF000  # effects bits 12-15 (cxl_pds.json "RESERVED": "bits 12-15")
CAPABILITY_RANK = {"NONE": 0, "RO": 1, "RW": 2}


@dataclass(frozen=True)
class FeatureRule:
    """What Set Feature's rules read of one feature."""

    effects: int
    changeable: bool
    kernel_exclusive: bool


@dataclass(frozen=True)
class CxlDevice:
    """What the driver's rules read of the device."""

    capability: str  # the Features capability: NONE | RO | RW
    features: Mapping[bytes, FeatureRule] | None  # by UUID (wire order); None: unknown
    feature_count: int | None  # how many features it lists; None: unknown


def set_feature_scope(effects: int) -> tuple[Scope | None, str]:
    """The least scope the kernel accepts for Set Feature of a feature with these effects
    (None: refused at any scope), and the rule that decides it."""
    eff = layout.EFFECTS
    if effects & RESERVED_MASK:
        return None, "effects use reserved bits 12-15: the kernel refuses it (EINVAL)"
    if effects & eff["BACKGROUND"]:
        return None, "effects say BACKGROUND: the kernel refuses it (EINVAL)"
    if any(effects & eff[b] for b in IMMEDIATE_BITS):
        return Scope.DEBUG_WRITE_FULL, "an immediate-change effect needs DEBUG_WRITE_FULL"
    if any(effects & eff[b] for b in RESET_BITS):
        return Scope.DEBUG_WRITE, "reset-only effects need DEBUG_WRITE"
    return None, "effects name no immediate and no reset change: the kernel refuses it (EINVAL)"


def _einval(rule: str, reason: str) -> Refusal:
    return Refusal(f"cxl.{rule}", errno.EINVAL, reason)


def check(request: bytes, out_len: int, scope: Scope,
          device: CxlDevice) -> Refusal | Unknown | None:
    """The driver's verdict on one struct fwctl_rpc_cxl request."""
    if len(request) < layout.RPC_IN_HEADER:
        return _einval("header", f"in_len {len(request)} is shorter than the "
                       f"{layout.RPC_IN_HEADER}-byte header")
    opcode = layout.get(request, layout.RPC_IN["opcode"])
    op_size = layout.get(request, layout.RPC_IN["op_size"])
    if op_size > len(request) - layout.RPC_IN_HEADER:
        return _einval("header", f"op_size {op_size} is larger than the payload sent")
    payload = request[layout.RPC_IN_HEADER:layout.RPC_IN_HEADER + op_size]
    readable = CAPABILITY_RANK[device.capability] >= CAPABILITY_RANK["RO"]
    if opcode == layout.GET_SUPPORTED_FEATURES and readable:
        return _get_supported(payload, device)
    if opcode == layout.GET_FEATURE and readable:
        return _get_feature(payload, out_len)
    if opcode == layout.SET_FEATURE and device.capability == "RW":
        return _set_feature(payload, out_len, scope, device)
    return _einval("opcode", f"opcode {opcode:#06x} is not a Features command this device "
                   "allows")


def _get_supported(payload: bytes, device: CxlDevice) -> Refusal | Unknown | None:
    if len(payload) != layout.GSF_IN_SIZE:
        return _einval("get_supported_features", f"Get Supported Features input is "
                       f"{len(payload)} bytes, not {layout.GSF_IN_SIZE}")
    start = layout.get(payload, layout.GSF_IN["start_idx"])
    if device.feature_count is None:
        return Unknown("how many features the device has is not known (start_idx rule)")
    if start >= device.feature_count:
        return _einval("get_supported_features",
                       f"start_idx {start} >= {device.feature_count} features")
    return None


def _get_feature(payload: bytes, out_len: int) -> Refusal | Unknown | None:
    if len(payload) != layout.GET_FEAT_IN_SIZE:
        return _einval("get_feature", f"Get Feature input is {len(payload)} bytes, "
                       f"not {layout.GET_FEAT_IN_SIZE}")
    count = layout.get(payload, layout.GET_FEAT_IN["count"])
    if count == 0:
        return _einval("get_feature", "Get Feature count is 0")
    if out_len < layout.RPC_OUT_HEADER or count > out_len - layout.RPC_OUT_HEADER:
        return _einval("get_feature", f"Get Feature count {count} does not fit out_len "
                       f"{out_len}")
    return None


def _set_feature(payload: bytes, out_len: int, scope: Scope,
                 device: CxlDevice) -> Refusal | Unknown | None:
    if len(payload) < layout.SET_FEAT_IN_HEADER:
        return _einval("set_feature", f"Set Feature input is {len(payload)} bytes, shorter "
                       f"than its {layout.SET_FEAT_IN_HEADER}-byte header")
    if device.features is None:
        return Unknown("the device's features are not known: Set Feature's rules need "
                       "its supported-features list")
    offset, size = layout.SET_FEAT_IN["uuid"]
    feature = device.features.get(bytes(payload[offset:offset + size]))
    if feature is None or not feature.changeable:
        return _einval("set_feature", "Set Feature names a feature that is unknown or not "
                       "changeable")
    needed, _ = set_feature_scope(feature.effects)
    if needed is None or scope < needed:
        need = needed.name if needed else "no scope (effects refuse it)"
        return _einval("set_scope", f"Set Feature of this feature needs {need}, sent at "
                       f"{scope.name}")
    if len(payload) <= layout.SET_FEAT_IN_HEADER:
        return _einval("set_feature", "Set Feature carries no feature data")
    if feature.kernel_exclusive:
        return Refusal("cxl.kernel_exclusive", errno.EPERM, "the kernel owns this feature")
    if out_len < layout.RPC_OUT_HEADER:
        return _einval("set_feature", f"out_len {out_len} is shorter than the reply header")
    return None

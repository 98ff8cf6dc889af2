"""The CXL fwctl driver's rules (drivers/cxl/core/features.c), for the kernel emulator.

Order and errnos from cxl_pds.json `driver_rules`: the header check, the opcode, the
per-opcode validation (Set Feature: which scope the feature's effects need), then the
command. A device-level failure is a return code inside a successful ioctl, never an
errno. Every reply starts with struct fwctl_rpc_cxl_out (size, retval) and the driver
reports sizeof(that struct) plus the payload as out_len, so Get Supported Features with
one entry reports 72 bytes of which the last 8 are zero (as measured on the real kernel).
"""

from __future__ import annotations

import errno

from fwctl_tui.sim.cxl import layout
from fwctl_tui.sim.cxl.mock import CxlMockMemdev, Feature
from fwctl_tui.sim.mlx5_driver import RpcOutcome
from fwctl_tui.uapi import DeviceType, Scope

_IMMEDIATE = sum(layout.EFFECTS[name] for name in (
    "CONFIG_CHANGE_IMMEDIATE", "DATA_CHANGE_IMMEDIATE", "POLICY_CHANGE_IMMEDIATE",
    "LOG_CHANGE_IMMEDIATE"))
_RESET = sum(layout.EFFECTS[name] for name in (
    "CONFIG_CHANGE_COLD_RESET", "CONFIG_CHANGE_CONV_RESET", "CONFIG_CHANGE_CXL_RESET"))
_RESERVED = 0xF000  # effects bits 12-15 (cxl_pds.json: "RESERVED": "bits 12-15")
_CAPABILITY_RANK = {"NONE": 0, "RO": 1, "RW": 2}


def _einval(detail: str) -> RpcOutcome:
    return RpcOutcome(errno.EINVAL, detail=f"cxl fwctl: {detail}")


def _reply(retval: int, payload: bytes = b"", size: int | None = None) -> bytes:
    """fwctl_rpc_cxl_out: size, retval, then the payload, zero-filled to the struct size."""
    buf = bytearray(max(layout.RPC_OUT_SIZE, layout.RPC_OUT_HEADER + len(payload)))
    layout.put(buf, layout.RPC_OUT["size"], len(payload) if size is None else size)
    layout.put(buf, layout.RPC_OUT["retval"], retval)
    buf[layout.RPC_OUT_HEADER:layout.RPC_OUT_HEADER + len(payload)] = payload
    return bytes(buf)


def needed_scope(feature: Feature) -> Scope | None:
    """The least scope Set Feature needs for this feature's effects; None: never allowed."""
    effects = feature.effects
    if effects & (_RESERVED | layout.EFFECTS["BACKGROUND"]):
        return None
    if effects & _IMMEDIATE:
        return Scope.DEBUG_WRITE_FULL
    if effects & _RESET:
        return Scope.DEBUG_WRITE
    return None


class CxlDriver:
    """cxl fwctl: no info op, three Features opcodes, scope from the feature's effects."""

    device_type = int(DeviceType.CXL)

    def __init__(self, memdev: CxlMockMemdev) -> None:
        self.memdev = memdev

    def open_uctx(self) -> object:
        return object()  # the CXL driver keeps no per-file state

    def close_uctx(self, uctx: object) -> None:
        """Nothing to release."""

    def info(self, uctx: object) -> bytes:
        return b""  # no info op: the core zero-fills the caller's buffer, length 0

    def rpc(self, uctx: object, scope: Scope, request: bytes, out_len: int) -> RpcOutcome:
        if len(request) < layout.RPC_IN_HEADER:
            return _einval(f"in_len {len(request)} is shorter than the "
                           f"{layout.RPC_IN_HEADER}-byte header")
        opcode = layout.get(request, layout.RPC_IN["opcode"])
        op_size = layout.get(request, layout.RPC_IN["op_size"])
        if op_size > len(request) - layout.RPC_IN_HEADER:
            return _einval(f"op_size {op_size} is larger than the payload sent")
        payload = request[layout.RPC_IN_HEADER:layout.RPC_IN_HEADER + op_size]
        readable = _CAPABILITY_RANK[self.memdev.capability] >= _CAPABILITY_RANK["RO"]
        if opcode == layout.GET_SUPPORTED_FEATURES and readable:
            return self._get_supported(payload)
        if opcode == layout.GET_FEATURE and readable:
            return self._get_feature(payload, out_len)
        if opcode == layout.SET_FEATURE and self.memdev.capability == "RW":
            return self._set_feature(scope, payload, out_len)
        return _einval(f"opcode {opcode:#06x} is not a Features command this device allows")

    def _get_supported(self, payload: bytes) -> RpcOutcome:
        if len(payload) != layout.GSF_IN_SIZE:
            return _einval(f"Get Supported Features input is {len(payload)} bytes, "
                           f"not {layout.GSF_IN_SIZE}")
        count = layout.get(payload, layout.GSF_IN["count"])
        start = layout.get(payload, layout.GSF_IN["start_idx"])
        features = self.memdev.features
        if start >= len(features):
            return _einval(f"start_idx {start} >= {len(features)} features")
        listed = features[start:start + min(count // layout.ENTRY_SIZE, len(features) - start)]
        head = bytearray(layout.GSF_OUT_SIZE)
        layout.put(head, layout.GSF_OUT["num_entries"], len(listed))
        layout.put(head, layout.GSF_OUT["supported_feats"], len(features))
        body = bytes(head) + b"".join(_visible_entry(f) for f in listed)
        output = _reply(0, body) + bytes(layout.RPC_OUT_SIZE - layout.RPC_OUT_HEADER)
        return RpcOutcome(0, output, len(output))

    def _get_feature(self, payload: bytes, out_len: int) -> RpcOutcome:
        if len(payload) != layout.GET_FEAT_IN_SIZE:
            return _einval(f"Get Feature input is {len(payload)} bytes, "
                           f"not {layout.GET_FEAT_IN_SIZE}")
        count = layout.get(payload, layout.GET_FEAT_IN["count"])
        if count == 0:
            return _einval("Get Feature count is 0")
        if out_len < layout.RPC_OUT_HEADER or count > out_len - layout.RPC_OUT_HEADER:
            return _einval(f"Get Feature count {count} does not fit out_len {out_len}")
        offset = layout.get(payload, layout.GET_FEAT_IN["offset"])
        retval, data = self.memdev.get_feature(
            _uuid(payload, layout.GET_FEAT_IN), offset, count,
            layout.get(payload, layout.GET_FEAT_IN["selection"]))
        output = _reply(retval, data) + bytes(layout.RPC_OUT_SIZE - layout.RPC_OUT_HEADER)
        return RpcOutcome(0, output[:layout.RPC_OUT_SIZE + len(data)],
                          layout.RPC_OUT_SIZE + len(data))

    def _set_feature(self, scope: Scope, payload: bytes, out_len: int) -> RpcOutcome:
        if len(payload) < layout.SET_FEAT_IN_HEADER:
            return _einval(f"Set Feature input is {len(payload)} bytes, shorter than its "
                           f"{layout.SET_FEAT_IN_HEADER}-byte header")
        feature = self.memdev.feature(_uuid(payload, layout.SET_FEAT_IN))
        if feature is None or not feature.changeable:
            return _einval("Set Feature names a feature that is unknown or not changeable")
        needed = needed_scope(feature)
        if needed is None or scope < needed:
            need = needed.name if needed else "no scope (effects refuse it)"
            return _einval(f"Set Feature of this feature needs {need}, sent at {scope.name}")
        if len(payload) <= layout.SET_FEAT_IN_HEADER:
            return _einval("Set Feature carries no feature data")
        if feature.kernel_exclusive:
            return RpcOutcome(errno.EPERM, detail="cxl fwctl: the kernel owns this feature")
        if out_len < layout.RPC_OUT_HEADER:
            return _einval(f"out_len {out_len} is shorter than the reply header")
        retval = self.memdev.set_feature(
            feature.uuid, layout.get(payload, layout.SET_FEAT_IN["flags"]),
            layout.get(payload, layout.SET_FEAT_IN["offset"]),
            payload[layout.SET_FEAT_IN_HEADER:], layout.get(payload, layout.SET_FEAT_IN["version"]))
        output = _reply(retval, size=0)
        return RpcOutcome(0, output, layout.RPC_OUT_SIZE)


def _uuid(payload: bytes, struct: dict[str, tuple[int, int]]) -> bytes:
    offset, size = struct["uuid"]
    return payload[offset:offset + size]


def _visible_entry(feature: Feature) -> bytes:
    """The entry as fwctl users see it: kernel-exclusive ones read-only (set size 0)."""
    entry = bytearray(feature.entry())
    if feature.kernel_exclusive:
        layout.put(entry, layout.ENTRY["set_feat_size"], 0)
        layout.put(entry, layout.ENTRY["flags"],
                   feature.flags & ~layout.FEATURE_FLAGS["CHANGEABLE"])
    return bytes(entry)

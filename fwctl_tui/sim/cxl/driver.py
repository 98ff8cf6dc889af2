"""The CXL fwctl driver (drivers/cxl/core/features.c), for the kernel emulator.

Its rules, in the order and with the errnos of cxl_pds.json `driver_rules` (the header,
the opcode, the per-opcode validation; Set Feature: which scope the feature's effects
need), are kernel_rules.cxl, which the preview reports too; here they run on this
memdev's features, then the command does. A device-level failure is a return code inside
a successful ioctl, never an errno. Every reply starts with struct fwctl_rpc_cxl_out
(size, retval) and the driver reports sizeof(that struct) plus the payload as out_len,
so Get Supported Features with one entry reports 72 bytes of which the last 8 are zero
(as measured on the real kernel).

The memdev (sim/cxl/mock.py, a layer up: a simulated device) is handed in; this module
only knows the CxlMemdevModel protocol, as the kernel knows the device only through its
mailbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from fwctl_tui.kernel_rules import cxl as cxl_rules
from fwctl_tui.kernel_rules.core import Refusal
from fwctl_tui.kernel_rules.cxl import CxlDevice, FeatureRule
from fwctl_tui.sim.cxl import layout
from fwctl_tui.sim.mlx5_driver import RpcOutcome
from fwctl_tui.uapi import DeviceType, Scope


class CxlFeatureView(Protocol):
    """One entry of the memdev's feature list, as the driver reads it."""

    @property
    def uuid(self) -> bytes: ...

    @property
    def flags(self) -> int: ...

    @property
    def effects(self) -> int: ...

    @property
    def changeable(self) -> bool: ...

    @property
    def kernel_exclusive(self) -> bool: ...

    def entry(self) -> bytes:
        """The 48-byte cxl_feat_entry as the device reports it."""
        ...


class CxlMemdevModel(Protocol):
    """What the CXL driver reads of and asks the memdev's Features mailbox."""

    @property
    def capability(self) -> str: ...

    @property
    def features(self) -> Sequence[CxlFeatureView]: ...

    def get_feature(self, feature_uuid: bytes, offset: int, count: int,
                    selection: int = 0) -> tuple[int, bytes]:
        """(return code, data) of Get Feature."""
        ...

    def set_feature(self, feature_uuid: bytes, flags: int, offset: int, data: bytes,
                    version: int | None = None) -> int:
        """Return code of Set Feature."""
        ...


def _reply(retval: int, payload: bytes = b"", size: int | None = None) -> bytes:
    """fwctl_rpc_cxl_out: size, retval, then the payload, zero-filled to the struct size."""
    buf = bytearray(max(layout.RPC_OUT_SIZE, layout.RPC_OUT_HEADER + len(payload)))
    layout.put(buf, layout.RPC_OUT["size"], len(payload) if size is None else size)
    layout.put(buf, layout.RPC_OUT["retval"], retval)
    buf[layout.RPC_OUT_HEADER:layout.RPC_OUT_HEADER + len(payload)] = payload
    return bytes(buf)


class CxlDriver:
    """cxl fwctl: no info op, three Features opcodes, scope from the feature's effects."""

    device_type = int(DeviceType.CXL)

    def __init__(self, memdev: CxlMemdevModel) -> None:
        self.memdev = memdev

    def open_uctx(self) -> object:
        return object()  # the CXL driver keeps no per-file state

    def close_uctx(self, uctx: object) -> None:
        """Nothing to release."""

    def info(self, uctx: object) -> bytes:
        return b""  # no info op: the core zero-fills the caller's buffer, length 0

    def rules_view(self) -> CxlDevice:
        """What the driver's rules read of this memdev (kernel_rules.cxl)."""
        features = {f.uuid: FeatureRule(f.effects, f.changeable, f.kernel_exclusive)
                    for f in self.memdev.features}
        return CxlDevice(self.memdev.capability, features, len(self.memdev.features))

    def rpc(self, uctx: object, scope: Scope, request: bytes, out_len: int) -> RpcOutcome:
        refusal = cxl_rules.check(request, out_len, scope, self.rules_view())
        if isinstance(refusal, Refusal):  # its view is complete: never Unknown
            return RpcOutcome(refusal.errno, detail=f"cxl fwctl: {refusal.reason}")
        opcode = layout.get(request, layout.RPC_IN["opcode"])
        op_size = layout.get(request, layout.RPC_IN["op_size"])
        payload = request[layout.RPC_IN_HEADER:layout.RPC_IN_HEADER + op_size]
        if opcode == layout.GET_SUPPORTED_FEATURES:
            return self._get_supported(payload)
        if opcode == layout.GET_FEATURE:
            return self._get_feature(payload)
        return self._set_feature(payload)

    def _get_supported(self, payload: bytes) -> RpcOutcome:
        count = layout.get(payload, layout.GSF_IN["count"])
        start = layout.get(payload, layout.GSF_IN["start_idx"])
        features = self.memdev.features
        listed = features[start:start + min(count // layout.ENTRY_SIZE, len(features) - start)]
        head = bytearray(layout.GSF_OUT_SIZE)
        layout.put(head, layout.GSF_OUT["num_entries"], len(listed))
        layout.put(head, layout.GSF_OUT["supported_feats"], len(features))
        body = bytes(head) + b"".join(_visible_entry(f) for f in listed)
        output = _reply(0, body) + bytes(layout.RPC_OUT_SIZE - layout.RPC_OUT_HEADER)
        return RpcOutcome(0, output, len(output))

    def _get_feature(self, payload: bytes) -> RpcOutcome:
        count = layout.get(payload, layout.GET_FEAT_IN["count"])
        offset = layout.get(payload, layout.GET_FEAT_IN["offset"])
        retval, data = self.memdev.get_feature(
            _uuid(payload, layout.GET_FEAT_IN), offset, count,
            layout.get(payload, layout.GET_FEAT_IN["selection"]))
        output = _reply(retval, data) + bytes(layout.RPC_OUT_SIZE - layout.RPC_OUT_HEADER)
        return RpcOutcome(0, output[:layout.RPC_OUT_SIZE + len(data)],
                          layout.RPC_OUT_SIZE + len(data))

    def _set_feature(self, payload: bytes) -> RpcOutcome:
        retval = self.memdev.set_feature(
            _uuid(payload, layout.SET_FEAT_IN), layout.get(payload, layout.SET_FEAT_IN["flags"]),
            layout.get(payload, layout.SET_FEAT_IN["offset"]),
            payload[layout.SET_FEAT_IN_HEADER:], layout.get(payload, layout.SET_FEAT_IN["version"]))
        output = _reply(retval, size=0)
        return RpcOutcome(0, output, layout.RPC_OUT_SIZE)


def _uuid(payload: bytes, struct: dict[str, tuple[int, int]]) -> bytes:
    offset, size = struct["uuid"]
    return payload[offset:offset + size]


def _visible_entry(feature: CxlFeatureView) -> bytes:
    """The entry as fwctl users see it: kernel-exclusive ones read-only (set size 0)."""
    entry = bytearray(feature.entry())
    if feature.kernel_exclusive:
        layout.put(entry, layout.ENTRY["set_feat_size"], 0)
        layout.put(entry, layout.ENTRY["flags"],
                   feature.flags & ~layout.FEATURE_FLAGS["CHANGEABLE"])
    return bytes(entry)

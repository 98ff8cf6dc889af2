"""The pds fwctl driver (cxl_pds.json `pds.driver_rules`), for the kernel emulator.

Its rules (kernel_rules.pds, which the preview reports too) run first on what this
firmware declares: the struct's size, the payload sizes against the firmware's limits,
the endpoint, the operation, the operation's scope (EPERM); then the firmware runs it.
The driver itself copies the payloads through the user addresses in the struct and
answers with the same 48 bytes, out.retval set, out_len = in_len.

The firmware model (sim/pds/firmware.py, a layer up: a simulated device) is handed in;
this module only knows the PdsFirmwareModel protocol, as the kernel knows the device
only through its mailbox.
"""

from __future__ import annotations

import ctypes
import errno
from collections.abc import Mapping
from typing import Protocol

from fwctl_tui.kernel_rules import pds as pds_rules
from fwctl_tui.kernel_rules.core import Refusal
from fwctl_tui.kernel_rules.pds import PdsDevice
from fwctl_tui.sim.mlx5_driver import RpcOutcome
from fwctl_tui.sim.pds import layout
from fwctl_tui.uapi import DeviceType, Scope


class PdsOperationView(Protocol):
    """One operation the firmware declares: the scope its attribute needs."""

    @property
    def scope(self) -> Scope: ...


class PdsFirmwareModel(Protocol):
    """What the pds driver reads of and asks the DSC firmware behind it."""

    @property
    def max_req_sz(self) -> int: ...

    @property
    def max_resp_sz(self) -> int: ...

    @property
    def operations(self) -> Mapping[tuple[int, int], PdsOperationView]: ...

    def run(self, endpoint: int, op: int, payload: bytes) -> tuple[int, bytes]:
        """(firmware return code, response bytes) of a declared operation."""
        ...


def _fail(code: int, detail: str) -> RpcOutcome:
    return RpcOutcome(code, detail=f"pds fwctl: {detail}")


class PdsDriver:
    """pds_fwctl: endpoint/operation ids, scope from the operation's attribute."""

    device_type = int(DeviceType.PDS)

    def __init__(self, firmware: PdsFirmwareModel) -> None:
        self.firmware = firmware

    def open_uctx(self) -> object:
        return object()

    def close_uctx(self, uctx: object) -> None:
        """No per-file state."""

    def info(self, uctx: object) -> bytes:
        return b""  # the info op never sets the length (facts `pds.info_quirk`)

    def rules_view(self) -> PdsDevice:
        """What the driver's rules read of this firmware (kernel_rules.pds)."""
        fw = self.firmware
        operations = {key: operation.scope for key, operation in fw.operations.items()}
        return PdsDevice(fw.max_req_sz, fw.max_resp_sz, operations, complete=True)

    def rpc(self, uctx: object, scope: Scope, request: bytes, out_len: int) -> RpcOutcome:
        refusal = pds_rules.check(request, scope, self.rules_view())
        if isinstance(refusal, Refusal):  # its view is complete: never Unknown
            return _fail(refusal.errno, refusal.reason)
        fw = self.firmware
        in_len = layout.get(request, "in.len")
        want = layout.get(request, "out.len")
        endpoint, op = layout.get(request, "in.ep"), layout.get(request, "in.op")
        in_addr = layout.get(request, "in.payload")
        if in_len and not in_addr:
            return _fail(errno.EFAULT, "in.payload is NULL")
        payload = ctypes.string_at(in_addr, in_len) if in_len else b""
        retval, response = fw.run(endpoint, op, payload)
        out_addr = layout.get(request, "out.payload")
        if want:
            if not out_addr:
                return _fail(errno.EFAULT, "out.payload is NULL")
            data = response[:want].ljust(want, b"\0")
            ctypes.memmove(out_addr, data, want)
        reply = bytearray(request[:layout.SIZE])
        layout.put(reply, "out.retval", retval)
        return RpcOutcome(0, bytes(reply), len(request))

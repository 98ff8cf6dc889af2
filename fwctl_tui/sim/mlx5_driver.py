"""The mlx5 fwctl driver, as the simulated kernel runs it.

Order (from the facts' mlx5.rpc_steps): the driver's rules from kernel_rules.mlx5
(mailbox length: EMSGSIZE; allow-list and scope on opcode and op_mod: EBADMSG), a
separate reply buffer when out_len > in_len (ENOMEM if that allocation fails; otherwise
the request buffer is reused), uid stamped into the header's uid field (mbox_header),
then the firmware runs the command. Firmware failures travel as status/syndrome inside a
successful ioctl; only an undeliverable command becomes an errno.
"""

from __future__ import annotations

import ctypes
import errno
from dataclasses import dataclass

from fwctl_tui import mbox_header
from fwctl_tui.kernel_rules import mlx5 as mlx5_rules
from fwctl_tui.sim.firmware import CommandLayerError, FirmwareModel
from fwctl_tui.sim.kernel import SimKernel
from fwctl_tui.uapi import MLX5_UCTX_CAPS, DeviceType, FwctlInfoMlx5, Scope

TOOLS_RESOURCES = MLX5_UCTX_CAPS["MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES"]


@dataclass
class Mlx5Uctx:
    """Per-open-file state: the firmware user context created at open()."""

    uid: int
    caps: int
    live: bool = True


@dataclass
class RpcOutcome:
    errno: int
    output: bytes = b""
    out_len: int = 0
    detail: str | None = None  # why a command-layer errno happened (simulator only)


class Mlx5Driver:
    """mlx5_fwctl: uctx per open file, allow-list per scope, raw mailbox pass-through."""

    device_type = int(DeviceType.MLX5)

    def __init__(self, firmware: FirmwareModel, kernel: SimKernel) -> None:
        self.firmware = firmware
        self.kernel = kernel

    def open_uctx(self) -> Mlx5Uctx:
        caps = TOOLS_RESOURCES if self.firmware.uctx_caps & TOOLS_RESOURCES else 0
        return Mlx5Uctx(uid=self.firmware.create_uctx(caps), caps=caps)

    def close_uctx(self, uctx: Mlx5Uctx) -> None:
        if uctx.live:
            uctx.live = False
            self.firmware.destroy_uctx(uctx.uid)

    def info(self, uctx: Mlx5Uctx) -> bytes:
        """The driver info op: OSError(ENOMEM) when its allocation fails."""
        if not self.kernel.allocate("info"):
            raise OSError(errno.ENOMEM, "mlx5 fwctl info: allocation failed")
        info = FwctlInfoMlx5()
        info.uid = uctx.uid
        info.uctx_caps = uctx.caps
        return ctypes.string_at(ctypes.addressof(info), ctypes.sizeof(info))

    def rpc(self, uctx: Mlx5Uctx, scope: Scope, request: bytes, out_len: int) -> RpcOutcome:
        opcode = mbox_header.OPCODE.get(request, 0)
        op_mod = mbox_header.OP_MOD.get(request, 0)
        refusal = mlx5_rules.check(opcode, op_mod, scope, self.kernel.state().version,
                                   len(request), out_len)
        if refusal is not None:
            return RpcOutcome(refusal.errno)
        if out_len > len(request) and not self.kernel.allocate("rpc_out"):
            return RpcOutcome(errno.ENOMEM, detail="mlx5 fwctl: reply buffer allocation failed")
        stamped = mbox_header.UID.write(request, uctx.uid)
        try:
            output = self.firmware.execute(stamped, out_len)
        except CommandLayerError as exc:
            return RpcOutcome(exc.errno, detail=exc.detail)
        return RpcOutcome(0, output, out_len)

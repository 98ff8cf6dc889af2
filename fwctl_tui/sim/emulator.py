"""KernelEmulator.ioctl: what the fwctl core does with the caller's memory.

It reads `struct fwctl_info`/`struct fwctl_rpc` at the address it is given, follows the
`in`, `out` and `out_device_data` pointers, and applies the core rules in the kernel's
order (request number, struct size, unplug, flags), then executes the core's RPC rules
from kernel_rules (limits, scope and capability, taint before the driver sees the
command: the same verdict the preview reports), hands over to the driver (whose rules
are kernel_rules' too) and writes results back through the pointers. FwctlDevice cannot
tell it from the real syscall.

Where Python cannot fault like copy_from_user/copy_to_user, the emulator models user
memory explicitly: NULL is unreadable and unwritable, `protect()` marks a range read-only
(copy_to_user there is EFAULT), and a struct size more than a page beyond the kernel's
struct counts as unreadable (EFAULT) rather than reading arbitrary process memory.
Allocation failures (ENOMEM) come from SimKernel.fail_allocations. Each errno row of the
facts is exercised by tests/unit/test_emulator.py; rows this emulator does not model are
listed in NOT_EMULATED with the reason.
"""

from __future__ import annotations

import ctypes
import errno
import itertools
from typing import Any, Protocol

from fwctl_tui.clock import SYSTEM_CLOCK, Clock
from fwctl_tui.ioctl import RPC_CALL, FwctlDevice, FwctlError, RpcCallType
from fwctl_tui.kernel_rules import core as rules
from fwctl_tui.sim.firmware import CommandLayerError
from fwctl_tui.sim.kernel import SimKernel
from fwctl_tui.sim.mlx5_driver import RpcOutcome
from fwctl_tui.uapi import FWCTL_INFO, FWCTL_RPC, FwctlInfo, FwctlRpc, Scope

_fd_numbers = itertools.count(1000)
PAGE_SIZE = 4096
# A struct may be larger than the kernel's (a newer uAPI) if the extra bytes are zero; the
# emulator reads at most this much beyond the kernel struct and treats a larger size as a
# fault: a user size near 4 GiB would otherwise read (or crash on) unrelated memory.
MAX_STRUCT_TAIL = PAGE_SIZE

# errno rows of the facts that the simulator does not reproduce, by driver, and why.
NOT_EMULATED: dict[str, str] = {
    "bnxt": "the simulator models mlx5, cxl and pds devices only; bnxt's HWRM rules are not "
            "modelled",
}


class SimDriver(Protocol):
    """The driver half of a simulated fwctl device (mlx5_driver.Mlx5Driver,
    cxl.driver.CxlDriver, pds.driver.PdsDriver)."""

    device_type: int

    def open_uctx(self) -> Any: ...
    def close_uctx(self, uctx: Any) -> None: ...
    def info(self, uctx: Any) -> bytes: ...  # OSError(errno) when the info op fails
    def rpc(self, uctx: Any, scope: Scope, request: bytes, out_len: int) -> RpcOutcome: ...


def _read(address: int, length: int) -> bytes | None:
    """Copy from 'user' memory; None stands for a fault (a NULL pointer)."""
    if length == 0:
        return b""
    if address == 0:
        return None
    return ctypes.string_at(address, length)


class KernelEmulator:
    """One simulated fwctl device node (/dev/fwctl/fwctlN) and its open files."""

    def __init__(self, kernel: SimKernel, driver: SimDriver, name: str = "fwctl0") -> None:
        self.kernel = kernel
        self.driver = driver
        self.name = name
        self.unplugged = False
        self.last_detail: str | None = None
        self.read_only: list[tuple[int, int]] = []  # (address, length) user ranges: see protect
        self._files: dict[int, Any] = {}

    # -- user memory -----------------------------------------------------------------
    def protect(self, address: int, length: int) -> None:
        """Mark user memory [address, address+length) read-only, as mprotect(PROT_READ)
        would: the kernel's copy_to_user into it faults (EFAULT), reads still work."""
        self.read_only.append((address, length))

    def _write(self, address: int, data: bytes) -> bool:
        """copy_to_user: False stands for a fault (NULL, or a protected range)."""
        if not data:
            return True
        if address == 0:
            return False
        end = address + len(data)
        if any(address < start + size and start < end for start, size in self.read_only):
            return False
        ctypes.memmove(address, data, len(data))
        return True

    # -- file operations -------------------------------------------------------------
    def open(self) -> int:
        """open(): ENODEV after unplug; the driver creates the per-file user context."""
        if self.unplugged:
            raise FwctlError(errno.ENODEV, "open", f"/dev/fwctl/{self.name}")
        if not self.kernel.allocate("uctx"):
            raise FwctlError(errno.ENOMEM, "open", f"/dev/fwctl/{self.name}")
        try:
            uctx = self.driver.open_uctx()
        except CommandLayerError as exc:
            raise FwctlError(exc.errno, "open", f"/dev/fwctl/{self.name}") from None
        fd = next(_fd_numbers)
        self._files[fd] = uctx
        return fd

    def close(self, fd: int) -> None:
        uctx = self._files.pop(fd, None)
        if uctx is not None:
            self.driver.close_uctx(uctx)

    def open_device(self, display_name: str = "", *, clock: Clock = SYSTEM_CLOCK,
                    rpc_call: RpcCallType = RPC_CALL) -> FwctlDevice:
        """An FwctlDevice wired to this emulator instead of libc."""
        return FwctlDevice(
            self.open(), self.ioctl, close_fn=self.close, name=display_name or self.name,
            clock=clock, rpc_call=rpc_call,
        )

    def unplug(self) -> None:
        """Hot-unplug: every open file is orphaned (uctx destroyed), later ioctls get ENODEV."""
        self.unplugged = True
        for uctx in self._files.values():
            self.driver.close_uctx(uctx)

    @property
    def open_files(self) -> int:
        return len(self._files)

    # -- ioctl -----------------------------------------------------------------------
    def ioctl(self, fd: int, request: int, address: int) -> int:
        """The fwctl core's ioctl handler; returns 0 or an errno."""
        self.last_detail = None
        if fd not in self._files:
            return errno.EBADF
        if request == FWCTL_INFO:
            struct_type: type[ctypes.Structure] = FwctlInfo
        elif request == FWCTL_RPC:
            struct_type = FwctlRpc
        else:
            return errno.ENOTTY
        kernel_size = ctypes.sizeof(struct_type)
        head = _read(address, 4)
        if head is None:
            return errno.EFAULT
        user_size = int.from_bytes(head, "little")
        if user_size < kernel_size:
            return errno.EINVAL
        if user_size - kernel_size > MAX_STRUCT_TAIL:
            self.last_detail = (
                f"struct size {user_size} is more than {MAX_STRUCT_TAIL} bytes beyond the "
                f"kernel's {kernel_size}: treated as unreadable user memory"
            )
            return errno.EFAULT
        raw = _read(address, user_size)
        if raw is None:
            return errno.EFAULT
        if any(raw[kernel_size:]):
            return errno.E2BIG
        if self.unplugged:
            return errno.ENODEV
        arg = struct_type.from_buffer_copy(raw[:kernel_size])
        uctx = self._files[fd]
        err = self._info(uctx, arg) if request == FWCTL_INFO else self._rpc(uctx, arg)
        if err:
            return err
        if not self._write(address, bytes(arg)[: min(user_size, kernel_size)]):
            return errno.EFAULT
        return 0

    def _info(self, uctx: Any, info: Any) -> int:
        if info.flags != 0:
            return errno.EOPNOTSUPP
        if info.device_data_len:
            try:
                data = self.driver.info(uctx)
            except OSError as exc:  # the driver's errno passes through (ENOMEM)
                self.last_detail = str(exc.strerror or exc)
                return exc.errno or errno.EIO
            user_len = info.device_data_len
            copy = data[:user_len] + bytes(max(0, user_len - len(data)))
            if not self._write(info.out_device_data, copy):
                return errno.EFAULT
            info.device_data_len = len(data)
        info.out_device_type = self.driver.device_type
        return 0

    def _rpc(self, uctx: Any, rpc: Any) -> int:
        verdict = rules.core(rpc.scope, self.kernel.capable("CAP_SYS_RAWIO"), rpc.in_len,
                             rpc.out_len)
        if verdict.refusal is not None:
            return verdict.refusal.errno
        if verdict.taints:  # before the driver looks at the command
            self.kernel.taint_fwctl(self.name)
        scope = Scope(rpc.scope)
        if not self.kernel.allocate("rpc_in"):
            return errno.ENOMEM
        request = _read(getattr(rpc, "in"), rpc.in_len)
        if request is None:
            return errno.EFAULT
        outcome = self.driver.rpc(uctx, scope, request, rpc.out_len)
        if outcome.errno:
            self.last_detail = outcome.detail
            return outcome.errno
        if not self._write(rpc.out, outcome.output[: min(rpc.out_len, outcome.out_len)]):
            self.last_detail = "copying the reply to 'out' faulted; the command had already run"
            return errno.EFAULT
        rpc.out_len = outcome.out_len
        return 0

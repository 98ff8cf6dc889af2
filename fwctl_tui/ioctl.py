"""The fast ioctl layer: FwctlDevice(fd, ioctl_fn) -> info(), rpc().

Live and simulated devices share this code. The device owns one preallocated
`struct fwctl_rpc` and growable input/output buffers, so a steady stream of RPCs
allocates no buffers; the ioctl itself is an injected `ioctl_fn(fd, request, address)`
that returns 0 or an errno. Live: libc ioctl through ctypes (which releases the GIL, so a
slow firmware command never freezes the UI thread). Simulated: KernelEmulator.ioctl,
which reads and writes this process's memory at the given addresses exactly as the
kernel would, so every simulated RPC exercises this marshalling.
"""

from __future__ import annotations

import ctypes
import errno as _errno
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fwctl_tui.errors import Explanation, explain
from fwctl_tui.uapi import (
    FWCTL_INFO,
    FWCTL_RPC,
    INFO_STRUCTS,
    FwctlInfo,
    FwctlRpc,
    Scope,
    device_type_name,
    mlx5_uctx_cap_names,
)

IoctlFn = Callable[[int, int, int], int]
"""ioctl(fd, request, arg_address) -> 0 on success, else the errno value."""

INFO_BUFFER_LEN = 64  # larger than any driver's info struct; the kernel reports the real length
_INITIAL_CAPACITY = 4096

_libc = ctypes.CDLL(None, use_errno=True)
_libc_ioctl = _libc.ioctl
_libc_ioctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)
_libc_ioctl.restype = ctypes.c_int
_get_errno = ctypes.get_errno


def libc_ioctl(fd: int, request: int, address: int) -> int:
    """The real syscall: libc ioctl through ctypes, errno returned instead of raised."""
    if _libc_ioctl(fd, request, address) < 0:
        return _get_errno()
    return 0


class FwctlError(OSError):
    """An errno from open/FWCTL_INFO/FWCTL_RPC, with its plain-language explanation."""

    def __init__(self, err: int, operation: str, target: str = "") -> None:
        self.explanation: Explanation = explain(err)
        self.operation = operation
        self.target = target
        where = f" {target}" if target else ""
        super().__init__(err, f"{operation}{where} failed: {self.explanation}")


@dataclass(slots=True)
class RpcResult:
    """What one FWCTL_RPC returned.

    `output` is a view of the device's output buffer, valid until the next rpc() on the
    same device; call `data()` to keep a copy.
    """

    errno: int
    scope: Scope
    in_len: int
    out_cap: int
    out_len: int
    output: memoryview
    elapsed_ns: int

    @property
    def ok(self) -> bool:
        return self.errno == 0

    @property
    def truncated(self) -> bool:
        """The driver produced more than the buffer held (out_len > capacity)."""
        return self.errno == 0 and self.out_len > self.out_cap

    @property
    def explanation(self) -> Explanation | None:
        return explain(self.errno) if self.errno else None

    def data(self) -> bytes:
        return bytes(self.output)


@dataclass(frozen=True)
class DeviceInfo:
    """FWCTL_INFO decoded: device type plus the driver's info struct, named."""

    device_type: int
    device_data: bytes
    fields: dict[str, int] = field(default_factory=dict)

    @property
    def type_name(self) -> str:
        return device_type_name(self.device_type)

    @property
    def uctx_cap_names(self) -> list[str]:
        caps = self.fields.get("uctx_caps", 0)
        return mlx5_uctx_cap_names(caps) if self.type_name == "mlx5" else []

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = dict(self.fields)
        if "uctx_caps" in self.fields:
            out["uctx_cap_names"] = self.uctx_cap_names
        return out


class _Buffer:
    """A growable C buffer with a stable address between growths."""

    __slots__ = ("address", "capacity", "raw", "view")

    def __init__(self, capacity: int) -> None:
        self._allocate(capacity)

    def _allocate(self, capacity: int) -> None:
        self.raw = ctypes.create_string_buffer(max(capacity, 1))
        self.capacity = capacity
        self.address = ctypes.addressof(self.raw)
        self.view = memoryview(self.raw).cast("B")

    def ensure(self, needed: int) -> bool:
        """Grow (by doubling) to hold `needed` bytes; True when the address changed."""
        if needed <= self.capacity:
            return False
        capacity = self.capacity
        while capacity < needed:
            capacity *= 2
        self._allocate(capacity)
        return True


class FwctlDevice:
    """One open fwctl file descriptor and its preallocated RPC machinery."""

    def __init__(
        self,
        fd: int,
        ioctl_fn: IoctlFn = libc_ioctl,
        *,
        close_fn: Callable[[int], None] = os.close,
        name: str = "",
    ) -> None:
        self.fd = fd
        self.name = name
        self._ioctl = ioctl_fn
        self._close = close_fn
        self._closed = False
        self._rpc = FwctlRpc()
        self._rpc.size = ctypes.sizeof(FwctlRpc)
        self._rpc_address = ctypes.addressof(self._rpc)
        self._in = _Buffer(_INITIAL_CAPACITY)
        self._out = _Buffer(_INITIAL_CAPACITY)
        self._rpc.__setattr__("in", self._in.address)
        self._rpc.out = self._out.address

    @classmethod
    def open(cls, path: str, ioctl_fn: IoctlFn = libc_ioctl) -> FwctlDevice:
        """Open a device node; errors (EACCES, ENOENT, ENODEV...) come back explained."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except OSError as exc:
            raise FwctlError(exc.errno or _errno.EIO, "open", path) from None
        return cls(fd, ioctl_fn, name=path)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close(self.fd)

    def __enter__(self) -> FwctlDevice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def info(self) -> DeviceInfo:
        """FWCTL_INFO: the device type and the driver's info struct (mlx5: uid, uctx_caps)."""
        info = FwctlInfo()
        info.size = ctypes.sizeof(FwctlInfo)
        data = ctypes.create_string_buffer(INFO_BUFFER_LEN)
        info.device_data_len = INFO_BUFFER_LEN
        info.out_device_data = ctypes.addressof(data)
        err = self._ioctl(self.fd, FWCTL_INFO, ctypes.addressof(info))
        if err:
            raise FwctlError(err, "FWCTL_INFO", self.name)
        length = min(info.device_data_len, INFO_BUFFER_LEN)
        raw = data.raw[:length]
        fields: dict[str, int] = {}
        struct_type = INFO_STRUCTS.get(info.out_device_type)
        if struct_type is not None and length >= ctypes.sizeof(struct_type):
            parsed = struct_type.from_buffer_copy(raw)
            fields = {name: getattr(parsed, name) for name, _ in struct_type._fields_}
        return DeviceInfo(device_type=info.out_device_type, device_data=raw, fields=fields)

    def rpc(self, scope: Scope | int, request: bytes | bytearray | memoryview, out_cap: int) -> RpcResult:
        """FWCTL_RPC: send `request` at `scope` with an `out_cap`-byte response buffer."""
        n = len(request)
        rpc = self._rpc
        if self._in.ensure(n):
            rpc.__setattr__("in", self._in.address)
        if self._out.ensure(out_cap):
            rpc.out = self._out.address
        self._in.view[:n] = request
        rpc.scope = scope
        rpc.in_len = n
        rpc.out_len = out_cap
        start = time.perf_counter_ns()
        err = self._ioctl(self.fd, FWCTL_RPC, self._rpc_address)
        elapsed = time.perf_counter_ns() - start
        out_len = rpc.out_len if not err else 0
        return RpcResult(
            errno=err,
            scope=Scope(scope),
            in_len=n,
            out_cap=out_cap,
            out_len=out_len,
            output=self._out.view[: min(out_len, out_cap)],
            elapsed_ns=elapsed,
        )

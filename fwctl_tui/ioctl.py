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
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fwctl_tui.errors import Explanation, explain
from fwctl_tui.uapi import (
    FWCTL_INFO,
    FWCTL_RPC,
    INFO_STRUCTS,
    MAX_RPC_LEN,
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
U32_MAX = 2**32 - 1  # scope, in_len and out_len are __u32 in struct fwctl_rpc

_libc_ioctl = ctypes.CDLL(None, use_errno=True).ioctl  # variadic: no argtypes on purpose
_get_errno = ctypes.get_errno
_now = time.perf_counter_ns
_pointers: dict[int, ctypes.c_void_p] = {}
# scope, in_len, out_len: the three u32 fields after `size` (offsets checked by test_ioctl)
_pack_lengths = struct.Struct("<III").pack_into


def libc_ioctl(fd: int, request: int, address: int) -> int:
    """The real syscall: libc ioctl through ctypes, errno returned instead of raised.

    ctypes converts a ready c_void_p far faster than an int through argtypes, and an
    FwctlDevice's struct address never changes, so the pointer objects are cached.
    """
    pointer = _pointers.get(address)
    if pointer is None:
        if len(_pointers) > 256:
            _pointers.clear()
        pointer = _pointers[address] = ctypes.c_void_p(address)
    if _libc_ioctl(fd, request, pointer) < 0:
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


class RpcResult:
    """What the last FWCTL_RPC on a device returned.

    One instance per device, refilled by every rpc() (the layer allocates nothing per
    call in steady state): read it, or copy with `data()`, before the next call.
    """

    __slots__ = ("_buffer", "elapsed_ns", "errno", "in_len", "out_cap", "out_len", "scope")

    def __init__(self, buffer: memoryview) -> None:
        self._buffer = buffer
        self.errno = 0
        self.scope: Scope | int = 0
        self.in_len = 0
        self.out_cap = 0
        self.out_len = 0
        self.elapsed_ns = 0

    @property
    def output(self) -> memoryview:
        """The bytes the kernel wrote: min(out_len, out_cap); empty after an errno."""
        if self.errno:
            return self._buffer[:0]
        return self._buffer[: min(self.out_len, self.out_cap)]

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

    def ensure(self, needed: int) -> None:
        """Grow (by doubling) to hold `needed` bytes; the address changes."""
        capacity = self.capacity
        while capacity < needed:
            capacity *= 2
        self._allocate(capacity)


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
        self._rpc_view = memoryview(self._rpc).cast("B")
        self._in = _Buffer(_INITIAL_CAPACITY)
        self._out = _Buffer(_INITIAL_CAPACITY)
        setattr(self._rpc, "in", self._in.address)  # `in` is a Python keyword
        self._rpc.out = self._out.address
        self._result = RpcResult(self._out.view)

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
            fields = {f[0]: getattr(parsed, f[0]) for f in struct_type._fields_}
        return DeviceInfo(device_type=info.out_device_type, device_data=raw, fields=fields)

    def rpc(
        self, scope: Scope | int, request: bytes | bytearray | memoryview, out_cap: int
    ) -> RpcResult:
        """FWCTL_RPC: send `request` at `scope` with an `out_cap`-byte response buffer.

        scope, len(request) and out_cap must fit the struct's u32 fields (ValueError
        otherwise). Anything that fits goes to the kernel, even lengths it will refuse,
        so the caller sees the kernel's own answer (EMSGSIZE above 2 MiB). No buffer is
        allocated for an out_cap above MAX_RPC_LEN: `out` is passed as NULL, so a kernel
        that accepted such a length would fault (EFAULT) instead of writing past a buffer.
        """
        n = len(request)
        rpc = self._rpc
        try:
            _pack_lengths(self._rpc_view, 4, scope, n, out_cap)
        except struct.error:
            raise ValueError(_bad_rpc_arguments(scope, n, out_cap)) from None
        if n > self._in.capacity:
            self._in.ensure(n)
            setattr(rpc, "in", self._in.address)
        detached = False
        if out_cap > self._out.capacity:
            if out_cap > MAX_RPC_LEN:
                detached = True
                rpc.out = 0
            else:
                self._out.ensure(out_cap)
                rpc.out = self._out.address
                self._result._buffer = self._out.view
        self._in.view[:n] = request
        start = _now()
        err = self._ioctl(self.fd, FWCTL_RPC, self._rpc_address)
        end = _now()
        if detached:
            rpc.out = self._out.address
        result = self._result
        result.errno = err
        result.scope = scope
        result.in_len = n
        result.out_cap = out_cap
        result.out_len = 0 if err else rpc.out_len
        result.elapsed_ns = end - start
        return result


def _bad_rpc_arguments(scope: object, in_len: int, out_cap: object) -> str:
    """What is wrong with FWCTL_RPC arguments that do not fit struct fwctl_rpc."""
    for what, value in (("scope", scope), ("request length", in_len), ("out_cap", out_cap)):
        if not isinstance(value, int):
            return f"FWCTL_RPC {what} must be an integer, not {type(value).__name__}"
        if not 0 <= value <= U32_MAX:
            return (
                f"FWCTL_RPC {what} {value} does not fit struct fwctl_rpc: it must be "
                f"0..{U32_MAX} (a u32)"
            )
    return f"FWCTL_RPC arguments do not fit struct fwctl_rpc: {scope!r}, {in_len}, {out_cap!r}"

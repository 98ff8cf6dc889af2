"""The fast ioctl layer: FwctlDevice(fd, ioctl_fn) -> info(), rpc().

Live and simulated devices share this code. The device owns one preallocated
`struct fwctl_rpc` and growable input/output buffers, so a steady stream of RPCs
allocates nothing. Each RPC is one call into RpcCall, compiled from _fastrpc.c when
the package was built with a C compiler (marshal.py, its pure-Python twin, otherwise):
it copies the request, fills the struct, times the ioctl and keeps errno and out_len.
Live: ioctl(2) itself, with the GIL released, so a slow firmware command never freezes
the UI thread. Simulated: the injected `ioctl_fn(fd, request, address)`, here
KernelEmulator.ioctl, which reads and writes this process's memory at that address
exactly as the kernel would, so every simulated RPC exercises the same marshalling.
"""

from __future__ import annotations

import ctypes
import errno as _errno
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

from fwctl_tui import marshal
from fwctl_tui.clock import SYSTEM_CLOCK, Clock, SystemClock
from fwctl_tui.errors import Explanation, explain
from fwctl_tui.marshal import BAD_ARGUMENTS, libc_ioctl
from fwctl_tui.uapi import (
    FWCTL_INFO,
    FWCTL_RPC,
    INFO_STRUCTS,
    MAX_RPC_LEN,
    FwctlInfo,
    FwctlRpc,
    Scope,
    device_type_name,
    uctx_cap_names,
)

try:
    from fwctl_tui import _fastrpc
except ImportError:  # built without a C compiler: the twin does the same, more slowly
    _fastrpc = None  # type: ignore[assignment]

IoctlFn = Callable[[int, int, int], int]
"""ioctl(fd, request, arg_address) -> 0 on success, else the errno value."""
RpcCallType = type[marshal.RpcCall]

RPC_CALL: RpcCallType = _fastrpc.RpcCall if _fastrpc else marshal.RpcCall  # type: ignore[assignment]
"""The RpcCall implementation devices use unless given another (tests run both twins)."""
MARSHALLING = "compiled" if _fastrpc else "python"

INFO_BUFFER_LEN = 64  # larger than any driver's info struct; the kernel reports the real length
_INITIAL_CAPACITY = 4096
U32_MAX = 2**32 - 1  # scope, in_len and out_len are __u32 in struct fwctl_rpc
RPC_OFFSETS = tuple(
    getattr(FwctlRpc, name).offset for name in ("scope", "in_len", "out_len", "in", "out")
)
"""Where RpcCall writes scope, in_len, out_len, in and out (from the uAPI facts)."""


class FwctlError(OSError):
    """An errno from open/FWCTL_INFO/FWCTL_RPC, with its plain-language explanation."""

    def __init__(self, err: int, operation: str, target: str = "") -> None:
        self.explanation: Explanation = explain(err)
        self.operation = operation
        self.target = target
        where = f" {target}" if target else ""
        super().__init__(err, f"{operation}{where} failed: {self.explanation}")


class _Recorded:
    """A read-only RpcResult field: the same-named field of its RpcCall."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._get: Callable[[object], int] = attrgetter(f"_call.{name}")

    def __get__(self, result: object, owner: type | None = None) -> int:
        return self._get(result)


class RpcResult:
    """What the last FWCTL_RPC on a device returned.

    One instance per device, refilled by every rpc() (the layer allocates nothing per
    call in steady state): read it, or copy with `data()`, before the next call.
    """

    __slots__ = ("_buffer", "_call")

    def __init__(self, call: marshal.RpcCall, buffer: memoryview) -> None:
        self._call = call
        self._buffer = buffer

    # what the RpcCall recorded for the last call; scope is an int, and out_len is the
    # length the kernel reported (0 after an errno), which may exceed out_cap
    errno = _Recorded()
    scope = _Recorded()
    in_len = _Recorded()
    out_cap = _Recorded()
    out_len = _Recorded()
    elapsed_ns = _Recorded()

    @property
    def output(self) -> memoryview:
        """The bytes the kernel wrote: min(out_len, out_cap); empty after an errno, and
        when out_cap was past MAX_RPC_LEN (no buffer was passed, so nothing was written)."""
        call = self._call
        if call.errno or call.out_cap > self._buffer.nbytes:
            return self._buffer[:0]
        return self._buffer[: min(call.out_len, call.out_cap)]

    @property
    def ok(self) -> bool:
        return self._call.errno == 0

    @property
    def truncated(self) -> bool:
        """The driver produced more than the buffer held (out_len > capacity)."""
        return self._call.errno == 0 and self._call.out_len > self._call.out_cap

    @property
    def explanation(self) -> Explanation | None:
        return explain(self._call.errno) if self._call.errno else None

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
        return uctx_cap_names(self.type_name, self.fields.get("uctx_caps", 0))

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = dict(self.fields)
        if "uctx_caps" in self.fields:
            out["uctx_cap_names"] = self.uctx_cap_names
        return out


class _Buffer:
    """A growable C buffer; RpcCall is handed the new one after each growth."""

    __slots__ = ("capacity", "raw", "view")

    def __init__(self, capacity: int) -> None:
        self.raw = ctypes.create_string_buffer(max(capacity, 1))
        self.capacity = capacity
        self.view = memoryview(self.raw).cast("B")

    def grown(self, needed: int) -> _Buffer:
        """A buffer of at least `needed` bytes (capacity doubled until it fits)."""
        capacity = self.capacity
        while capacity < needed:
            capacity *= 2
        return _Buffer(capacity)


class FwctlDevice:
    """One open fwctl file descriptor and its preallocated RPC machinery."""

    def __init__(
        self,
        fd: int,
        ioctl_fn: IoctlFn = libc_ioctl,
        *,
        close_fn: Callable[[int], None] = os.close,
        name: str = "",
        clock: Clock = SYSTEM_CLOCK,
        rpc_call: RpcCallType = RPC_CALL,
    ) -> None:
        self.fd = fd
        self.name = name
        self.clock = clock  # RPC durations; the device's Session reads it too
        self._ioctl = ioctl_fn
        self._close = close_fn
        self._closed = False
        self._rpc = FwctlRpc()
        self._rpc.size = ctypes.sizeof(FwctlRpc)
        self._in = _Buffer(_INITIAL_CAPACITY)
        self._out = _Buffer(_INITIAL_CAPACITY)
        self._call = rpc_call(
            fd, FWCTL_RPC, self._rpc, RPC_OFFSETS, MAX_RPC_LEN,
            None if ioctl_fn is libc_ioctl else ioctl_fn,  # None: ioctl(2) itself
            None if isinstance(clock, SystemClock) else clock.monotonic_ns,  # None: native
        )
        self._call.set_buffers(self._in.raw, self._out.raw)
        self._result = RpcResult(self._call, self._out.view)

    @classmethod
    def open(cls, path: str, ioctl_fn: IoctlFn = libc_ioctl, *, clock: Clock = SYSTEM_CLOCK,
             rpc_call: RpcCallType = RPC_CALL) -> FwctlDevice:
        """Open a device node; errors (EACCES, ENOENT, ENODEV...) come back explained."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except OSError as exc:
            raise FwctlError(exc.errno or _errno.EIO, "open", path) from None
        return cls(fd, ioctl_fn, name=path, clock=clock, rpc_call=rpc_call)

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
        grown for a length above MAX_RPC_LEN: that pointer is passed as NULL, so a kernel
        that accepted such a length would fault (EFAULT) instead of overrunning a buffer.
        """
        code = self._call.call(scope, request, out_cap)
        if code < 0:
            self._retry(code, scope, request, out_cap)
        return self._result

    def _retry(self, code: int, scope: Scope | int,
               request: bytes | bytearray | memoryview, out_cap: int) -> None:
        """The slow path: bad arguments, or buffers to grow before calling again."""
        if code == BAD_ARGUMENTS:
            raise ValueError(_bad_rpc_arguments(scope, request, out_cap))
        needed = memoryview(request).nbytes  # GROW only comes for lengths up to MAX_RPC_LEN
        if needed > self._in.capacity:
            self._in = self._in.grown(needed)
        if out_cap > self._out.capacity:
            self._out = self._out.grown(out_cap)
            self._result._buffer = self._out.view
        self._call.set_buffers(self._in.raw, self._out.raw)
        code = self._call.call(scope, request, out_cap)
        if code < 0:  # the request changed under us (a bytearray resized by another thread)
            raise ValueError(f"FWCTL_RPC request changed while it was being sent (code {code})")


def _bad_rpc_arguments(scope: object, request: object, out_cap: object) -> str:
    """What is wrong with FWCTL_RPC arguments that do not fit struct fwctl_rpc."""
    try:
        in_len = memoryview(request).nbytes  # type: ignore[arg-type]
    except TypeError:
        return f"FWCTL_RPC request must be bytes-like, not {type(request).__name__}"
    for what, value in (("scope", scope), ("request length", in_len), ("out_cap", out_cap)):
        if not isinstance(value, int):
            return f"FWCTL_RPC {what} must be an integer, not {type(value).__name__}"
        if not 0 <= value <= U32_MAX:
            return (
                f"FWCTL_RPC {what} {value} does not fit struct fwctl_rpc: it must be "
                f"0..{U32_MAX} (a u32)"
            )
    return f"FWCTL_RPC request must be one contiguous block of bytes, not {request!r:.40}"

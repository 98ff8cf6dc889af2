"""The pure-Python twin of _fastrpc.c's RpcCall, used where the C file was not compiled.

Same constructor, methods, results and record of the last call, so FwctlDevice cannot
tell them apart; the tests run the ioctl layer and the kernel emulator's rule table on
both. This one costs about 1.4 µs more per RPC (BENCHMARKS.md).
"""

from __future__ import annotations

import ctypes
import struct
import time
from collections.abc import Callable
from functools import partial

GROW = -1
"""call(): the request, or an out_cap up to max_len, does not fit the buffers."""
BAD_ARGUMENTS = -2
"""call(): scope or out_cap is not a u32, or the request is not bytes-like."""

_U32 = struct.Struct("=I")  # native order: struct fwctl_rpc is the host's own
_U32_MAX = 0xFFFFFFFF
_libc = ctypes.CDLL(None, use_errno=True)
_libc_ioctl = _libc.ioctl  # variadic: no argtypes on purpose
_get_errno = ctypes.get_errno
_pointers: dict[int, ctypes.c_void_p] = {}


def libc_ioctl(fd: int, request: int, address: int) -> int:
    """The real syscall through ctypes (which releases the GIL), errno returned, not raised.

    ctypes converts a ready c_void_p far faster than an int through argtypes, and a
    device's struct address never changes, so the pointer objects are cached.
    """
    pointer = _pointers.get(address)
    if pointer is None:
        if len(_pointers) > 256:
            _pointers.clear()
        pointer = _pointers[address] = ctypes.c_void_p(address)
    if _libc_ioctl(fd, request, pointer) < 0:
        return _get_errno()
    return 0


class RpcCall:
    """One device's reusable FWCTL_RPC call and the record of the last one."""

    __slots__ = (
        "_clock", "_fd", "_in", "_in_address", "_in_call", "_ioctl", "_max_len", "_offsets",
        "_out",
        "_out_address", "_pack_fields", "_request_code", "_rpc", "_rpc_address", "elapsed_ns",
        "errno", "in_len", "out_cap", "out_len", "scope",
    )

    def __init__(
        self,
        fd: int,
        request_code: int,
        rpc: ctypes.Structure,
        offsets: tuple[int, int, int, int, int],
        max_len: int,
        ioctl: Callable[[int, int, int], int] | None,
        clock: Callable[[], int] | None,
    ) -> None:
        self._fd = fd
        self._request_code = request_code
        self._rpc = memoryview(rpc).cast("B")
        self._pack_fields = _fields_packer(offsets, self._rpc)
        self._rpc_address = ctypes.addressof(rpc)
        self._offsets = offsets
        self._max_len = max_len
        self._ioctl = libc_ioctl if ioctl is None else ioctl
        self._clock = time.perf_counter_ns if clock is None else clock
        self._in_call = False
        self._in: memoryview | None = None
        self._out: memoryview | None = None
        self._in_address = self._out_address = 0
        self.errno = self.scope = self.in_len = self.out_cap = self.out_len = 0
        self.elapsed_ns = 0

    def set_buffers(self, in_buffer: ctypes.Array[ctypes.c_char],
                    out_buffer: ctypes.Array[ctypes.c_char]) -> None:
        if self._in_call:
            raise RuntimeError("set_buffers() during call(): the kernel may be using the buffers")
        addresses = ctypes.addressof(in_buffer), ctypes.addressof(out_buffer)
        self._in = memoryview(in_buffer).cast("B")
        self._out = memoryview(out_buffer).cast("B")
        self._in_address, self._out_address = addresses

    def call(self, scope: int, request: bytes | bytearray | memoryview, out_cap: int) -> int:
        """errno (0 = ok), or GROW / BAD_ARGUMENTS without reaching the kernel.

        Past max_len no buffer is used: the kernel gets the length with a NULL pointer.
        """
        if self._in is None or self._out is None:
            raise RuntimeError("set_buffers() was never called")
        if self._in_call:
            raise RuntimeError("call() is already running on this RpcCall")
        if type(request) is not bytes:  # count bytes, not items, and refuse non-buffers
            try:
                request = memoryview(request).cast("B")
            except TypeError:
                return BAD_ARGUMENTS
        n = len(request)
        if n > _U32_MAX or not (_is_u32(scope) and _is_u32(out_cap)):
            return BAD_ARGUMENTS
        in_detached, out_detached = n > self._max_len, out_cap > self._max_len
        if (not in_detached and n > self._in.nbytes) or (
            not out_detached and out_cap > self._out.nbytes
        ):
            return GROW
        if not in_detached:
            self._in[:n] = request
        self._pack_fields(scope, n, out_cap, 0 if in_detached else self._in_address,
                          0 if out_detached else self._out_address)
        self._in_call = True  # a clock or an injected ioctl must not swap the buffers
        try:
            start = self._clock()
            err = self._ioctl(self._fd, self._request_code, self._rpc_address)
            end = self._clock()
        finally:
            self._in_call = False
        if not isinstance(err, int) or not 0 <= err <= 0x7FFFFFFF:
            raise ValueError(f"ioctl_fn returned {err!r}: it must return 0 or an errno value")
        self.errno = err
        self.scope = scope
        self.in_len = n
        self.out_cap = out_cap
        self.out_len = 0 if err else _U32.unpack_from(self._rpc, self._offsets[2])[0]
        self.elapsed_ns = end - start
        return err


def _is_u32(value: object) -> bool:
    return isinstance(value, int) and 0 <= value <= _U32_MAX


def _fields_packer(offsets: tuple[int, ...], rpc: memoryview) -> Callable[..., None]:
    """One pack_into for scope, in_len, out_len (u32) and in, out (u64) at `offsets`.

    The fields ascend in struct fwctl_rpc, so one format with pad bytes covers them.
    """
    layout, at, size = "=", offsets[0], rpc.nbytes
    for field, (offset, width) in enumerate(zip(offsets, (4, 4, 4, 8, 8), strict=True)):
        if not 0 <= offset <= size - width:
            raise ValueError(
                f"offset {offset} of field {field} lies outside the {size}-byte struct"
            )
        if offset < at:
            raise ValueError(f"offset {offset} of field {field} overlaps the field before it")
        layout += f"{offset - at}x" + ("I" if width == 4 else "Q")
        at = offset + width
    return partial(struct.Struct(layout).pack_into, rpc, offsets[0])

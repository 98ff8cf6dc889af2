"""Type stub for the compiled twin of fwctl_tui.marshal (see _fastrpc.c)."""

from collections.abc import Callable
from ctypes import Structure

GROW: int
BAD_ARGUMENTS: int
SOURCE_DIGEST: str

class RpcCall:
    errno: int
    scope: int
    in_len: int
    out_cap: int
    out_len: int
    elapsed_ns: int
    def __init__(
        self,
        fd: int,
        request_code: int,
        rpc: Structure,
        offsets: tuple[int, ...],
        max_len: int,
        ioctl: Callable[[int, int, int], int] | None,
        clock: Callable[[], int] | None,
    ) -> None: ...
    def set_buffers(self, in_buffer: object, out_buffer: object) -> None: ...
    def call(self, scope: int, request: object, out_cap: int) -> int: ...

"""The interface between the simulated mlx5 driver and a firmware model.

A model answers a command mailbox with an output mailbox (status and syndrome inside,
as real firmware does), or raises CommandLayerError when the command could not be
delivered at all (the mlx5 command layer's ETIMEDOUT/EIO, or a replay capture that
holds no matching request). Both the simulated ConnectX and the capture replayer
implement it, so they sit under the same kernel and driver rules.
"""

from __future__ import annotations

from typing import Protocol


class CommandLayerError(Exception):
    """The command never completed: the ioctl fails with `errno`; `detail` says why."""

    def __init__(self, errno: int, detail: str) -> None:
        super().__init__(detail)
        self.errno = errno
        self.detail = detail


class FirmwareModel(Protocol):
    """What the mlx5 driver needs from the device behind it."""

    @property
    def uctx_caps(self) -> int:
        """HCA capability uctx_cap bits; the driver asks for TOOLS_RESOURCES when offered."""
        ...

    def create_uctx(self, caps: int) -> int:
        """CREATE_UCTX at open(): returns the uid stamped into every later command."""
        ...

    def destroy_uctx(self, uid: int) -> None:
        """DESTROY_UCTX at close() or unplug."""
        ...

    def execute(self, mbox_in: bytes, out_len: int) -> bytes:
        """Run one command; return exactly `out_len` bytes of output mailbox."""
        ...

"""A simulated cxl_test machine: mock CXL memdevs, each with a fwctl node, one kernel.

Like the kernel's cxl_test, every memdev answers the Features mailbox from the same
profile, and all of them share one SimKernel (taint is system-wide).
"""

from __future__ import annotations

from fwctl_tui.sim.cxl.driver import CxlDriver
from fwctl_tui.sim.cxl.mock import CxlMockMemdev
from fwctl_tui.sim.emulator import KernelEmulator
from fwctl_tui.sim.kernel import SimKernel


class CxlTestHost:
    """`devices` mock memdevs behind /dev/fwctl/fwctl0..N-1."""

    def __init__(self, devices: int = 1, *, profile: str = "cxl_test",
                 kernel: SimKernel | None = None) -> None:
        self.kernel = kernel or SimKernel()
        self.memdevs = [CxlMockMemdev(profile) for _ in range(devices)]
        self.emulators = [
            KernelEmulator(self.kernel, CxlDriver(memdev), f"fwctl{index}")
            for index, memdev in enumerate(self.memdevs)
        ]

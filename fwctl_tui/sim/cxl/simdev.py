"""sim:cxl-mem: one simulated CXL memory expander (profile cxl_mem.json) for the CLI/TUI."""

from __future__ import annotations

from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.sim.cxl.driver import CxlDriver
from fwctl_tui.sim.cxl.mock import CxlMockMemdev
from fwctl_tui.sim.driver_host import DriverSimHost

PROFILE = "cxl-mem"


def build_host(*, persistent: bool = True) -> DriverSimHost:
    """The simulated memdev mem0 behind fwctl0; persistent: Set Feature survives the run."""
    memdev = CxlMockMemdev("cxl_mem")

    def entry(info: dict[str, object] | None) -> DeviceEntry:
        return DeviceEntry(
            name=f"sim:{PROFILE}", dev_node="/dev/fwctl/fwctl0", kind="simulated",
            major_minor="240:0", device_type="cxl", device_type_value=2,
            type_source="FWCTL_INFO", cxl_memdev="mem0",
            parent="/sys/devices/platform/cxl_mem.0/mem0", driver="cxl_mem",
            can_open=True, info=info, firmware_version="SIM-CXL 1.0",
            notes=("simulated CXL memory expander: features in fwctl_tui/sim/cxl/cxl_mem.json",),
        )

    return DriverSimHost(PROFILE, CxlDriver(memdev), memdev, entry, persistent=persistent)

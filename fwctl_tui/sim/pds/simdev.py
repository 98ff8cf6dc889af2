"""sim:pds: one simulated Pensando DSC for the CLI and TUI."""

from __future__ import annotations

from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.sim.driver_host import DriverSimHost
from fwctl_tui.sim.pds.driver import PdsDriver
from fwctl_tui.sim.pds.firmware import DscFirmware

PROFILE = "pds"
BDF = "0000:b5:00.0"


def build_host(*, persistent: bool = True) -> DriverSimHost:
    firmware = DscFirmware()

    def entry(info: dict[str, object] | None) -> DeviceEntry:
        return DeviceEntry(
            name=f"sim:{PROFILE}", dev_node="/dev/fwctl/fwctl0", kind="simulated",
            major_minor="240:0", device_type="pds", device_type_value=4,
            type_source="FWCTL_INFO", pci_bdf=BDF, pci_ids="1dd8:100c",
            parent=f"/sys/devices/pci0000:b0/{BDF}/pds_core.fwctl.0", driver="pds_fwctl",
            can_open=True, info=info, firmware_version=firmware.identity,
            notes=("simulated DSC: endpoints and operations in fwctl_tui/sim/pds/pds_dsc.json; "
                   "named for the user in sample_entries.json",),
        )

    return DriverSimHost(PROFILE, PdsDriver(firmware), firmware, entry, persistent=persistent)

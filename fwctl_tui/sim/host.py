"""A simulated host: one ConnectX-class adapter whose PCI functions each carry a fwctl device.

`sim:cx7` is function 0 of the cx7 profile, `sim:cx7.1` function 1, and so on, each with
its own fwctl index and PCI BDF, so the device list looks like a real dual-port host.
All functions share one SimKernel: taint is system-wide, as on a real machine.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from fwctl_tui.ioctl import FwctlDevice
from fwctl_tui.sim.connectx import ConnectXFirmware
from fwctl_tui.sim.emulator import KernelEmulator
from fwctl_tui.sim.kernel import SimKernel
from fwctl_tui.sim.mlx5_driver import Mlx5Driver
from fwctl_tui.sim.profile import PROFILES, Profile, load_profile

if TYPE_CHECKING:
    from fwctl_tui.discovery import DeviceEntry

DEFAULT_PROFILE = "cx7"
Clock = Callable[[], float]

__all__ = ["DEFAULT_PROFILE", "PROFILES", "SimFunction", "SimHost", "get_host", "split_name"]


def split_name(name: str) -> tuple[str, int]:
    """`sim:cx7.1` -> ("cx7", 1); `sim:cx7` or `cx7` -> ("cx7", 0)."""
    body = name.removeprefix("sim:") or DEFAULT_PROFILE
    profile, _, func = body.partition(".")
    if func and not func.isdigit():
        raise LookupError(f"bad simulated device name {name!r}: expected sim:PROFILE[.FUNCTION]")
    return profile, int(func or 0)


@dataclass
class SimFunction:
    """One PCI function of the simulated adapter and its fwctl device node."""

    host: SimHost
    func: int
    index: int
    firmware: ConnectXFirmware
    emulator: KernelEmulator

    @property
    def name(self) -> str:
        base = f"sim:{self.host.profile.name}"
        return base if self.func == 0 else f"{base}.{self.func}"

    @property
    def bdf(self) -> str:
        return self.host.profile.bdf(self.func)

    @property
    def plugged(self) -> bool:
        return not self.emulator.unplugged

    def open(self) -> FwctlDevice:
        """Open the simulated node; FwctlError(ENODEV) once unplugged."""
        return self.emulator.open_device(self.name)

    def unplug(self) -> None:
        self.emulator.unplug()

    def entry(self) -> DeviceEntry:
        """The device-list row, shaped exactly like a live one but kind='simulated'."""
        from fwctl_tui.discovery import DeviceEntry

        profile = self.host.profile
        info: dict[str, object] | None = None
        if self.plugged:
            with self.open() as dev:
                info = dev.info().as_dict()
        return DeviceEntry(
            name=self.name,
            dev_node=f"/dev/fwctl/fwctl{self.index}",
            kind="simulated",
            major_minor=f"240:{self.index}",
            device_type="mlx5",
            device_type_value=self.emulator.driver.device_type,
            type_source="FWCTL_INFO" if info is not None else "parent driver mlx5_core",
            pci_bdf=self.bdf,
            cxl_memdev=None,
            parent=f"/sys/devices/pci0000:00/{self.bdf}",
            driver="mlx5_core",
            netdevs=(profile.netdev(self.func),),
            rdma=(profile.rdma(self.func),),
            can_open=self.plugged,
            reason=None if self.plugged else "simulated device unplugged (fault injection)",
            info=info,
            firmware_version=profile.fw_version,
            board=profile.board,
            psid=profile.psid,
            pci_ids=f"{profile.pci_vendor}:{profile.pci_device}",
        )


class SimHost:
    """The simulated machine: a kernel plus one adapter's functions."""

    def __init__(
        self,
        profile: str | Profile = DEFAULT_PROFILE,
        *,
        seed: int | None = None,
        clock: Clock | None = None,
        kernel: SimKernel | None = None,
    ) -> None:
        self.profile = profile if isinstance(profile, Profile) else load_profile(profile)
        self.kernel = kernel or SimKernel()
        self.clock: Clock = clock or time.monotonic
        # Records answered by this machine compare with each other, not with another
        # instance's (each fwctl-tui run builds its own): Exchange.session
        self.instance_id = f"sim-{uuid.uuid4().hex[:16]}"
        self.functions: list[SimFunction] = []
        for func in range(self.profile.functions):
            firmware = ConnectXFirmware(self.profile, func, seed=seed, clock=self.clock)
            driver = Mlx5Driver(firmware, self.kernel)
            emulator = KernelEmulator(self.kernel, driver, f"fwctl{func}")
            self.functions.append(SimFunction(self, func, func, firmware, emulator))

    def function(self, name: str) -> SimFunction:
        profile, func = split_name(name)
        if profile != self.profile.name or not 0 <= func < len(self.functions):
            known = ", ".join(f.name for f in self.functions)
            raise LookupError(f"no simulated device {name!r}; this host has {known}")
        return self.functions[func]

    def entries(self) -> list[DeviceEntry]:
        """Rows for the device list: unplugged functions vanish, as from sysfs."""
        return [f.entry() for f in self.functions if f.plugged]


@cache
def get_host(profile: str = DEFAULT_PROFILE) -> SimHost:
    """The process-wide simulated host for a profile (so taint and unplug persist)."""
    return SimHost(profile)

"""A simulated host: one ConnectX-class adapter whose PCI functions each carry a fwctl device.

`sim:cx7` is function 0 of the cx7 profile, `sim:cx7.1` function 1, and so on, each with
its own fwctl index and PCI BDF, so the device list looks like a real dual-port host.
All functions share one SimKernel: taint is system-wide, as on a real machine.

`SimHost.persistent` gives the persistent host of a profile (each front end keeps one per
profile in its connect.SimHosts registry): its state lives in the user state directory
(sim/store.py, sim/state.py), every RPC loads what other processes changed and saves what
it changed, and its clock is wall time since the simulated boot, so counters
keep rising and an admin-down port stays down from one `fwctl-tui` run to the next.
Hosts built directly (tests) are seeded and clocked as given and keep nothing.
"""

from __future__ import annotations

import contextlib
import errno
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fwctl_tui.clock import SYSTEM_CLOCK, Clock
from fwctl_tui.ioctl import FwctlDevice
from fwctl_tui.sim.connectx import ConnectXFirmware
from fwctl_tui.sim.emulator import KernelEmulator
from fwctl_tui.sim.kernel import SimKernel
from fwctl_tui.sim.mlx5.scenarios import SCENARIOS
from fwctl_tui.sim.mlx5_driver import Mlx5Driver
from fwctl_tui.sim.profile import PROFILES, Profile, load_profile
from fwctl_tui.sim.state import StateError, host_state, restore_host
from fwctl_tui.sim.store import HostStore, StoreError

if TYPE_CHECKING:
    from fwctl_tui.discovery import DeviceEntry

DEFAULT_PROFILE = "cx7"
CardClock = Callable[[], float]
"""The simulated card's own time in seconds (its counters and uptime run on it)."""

__all__ = ["DEFAULT_PROFILE", "PROFILES", "SCENARIOS", "SimFunction", "SimHost", "StoreError",
           "split_name"]


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

    def open(self, clock: Clock = SYSTEM_CLOCK) -> FwctlDevice:
        """Open the simulated node, its RPCs timed on `clock`; FwctlError(ENODEV) once
        unplugged."""
        if self.host.store is None:
            return self.emulator.open_device(self.name, clock=clock)
        emulator = self.emulator
        return FwctlDevice(emulator.open(), self.host.synced(emulator),
                           close_fn=emulator.close, name=self.name, clock=clock)

    @property
    def scenario(self) -> str | None:
        running = self.firmware.device.scenario
        return running.name if running is not None else None

    def start_scenario(self, name: str | None) -> None:
        """Play a named fault story on this function's port from now (None: stop it);
        the same story already running goes on rather than restarting."""
        with self.host.transaction():
            if name != self.scenario:
                self.firmware.device.start_scenario(name)

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
        clock: CardClock | None = None,
        kernel: SimKernel | None = None,
        store: HostStore | None = None,
    ) -> None:
        self.profile = profile if isinstance(profile, Profile) else load_profile(profile)
        self.kernel = kernel or SimKernel()
        self.clock: CardClock = clock or time.monotonic
        self.seed = random.SystemRandom().randrange(1 << 32) if seed is None else seed
        self.store = store
        # Records answered by this machine compare with each other, not with another
        # instance's (each fwctl-tui run builds its own): Exchange.session
        self.instance_id = f"sim-{uuid.uuid4().hex[:16]}"
        self.functions: list[SimFunction] = []
        for func in range(self.profile.functions):
            firmware = ConnectXFirmware(self.profile, func, seed=self.seed, clock=self.clock)
            driver = Mlx5Driver(firmware, self.kernel)
            emulator = KernelEmulator(self.kernel, driver, f"fwctl{func}")
            self.functions.append(SimFunction(self, func, func, firmware, emulator))
        self.started_at = self.functions[0].firmware.device.epoch if self.functions else 0.0

    @classmethod
    def persistent(cls, profile: str, store: HostStore | None = None) -> SimHost:
        """The profile's saved host, or a new one saved at once (StoreError if unusable)."""
        store = store or HostStore(profile)
        with store.locked():
            doc = store.load()
            seed = doc.get("seed") if doc else None
            host = cls(profile, seed=seed if isinstance(seed, int) else None,
                       clock=time.time, store=store)
            if doc is None:
                store.save(host_state(host))
            else:
                host._restore(doc)
        return host

    def _restore(self, doc: dict[str, object]) -> None:
        started = doc.get("started_at")
        if not isinstance(started, int | float):
            raise StoreError(f"{self.store_path}: no started_at; `fwctl-tui sim reset "
                             f"{self.profile.name}` starts a new simulated host")
        self.started_at = float(started)
        for function in self.functions:
            function.firmware.device.epoch = self.started_at
        try:
            restore_host(self, doc)
        except StateError as err:
            raise StoreError(f"{self.store_path}: {err}; `fwctl-tui sim reset "
                             f"{self.profile.name}` starts a new simulated host") from None

    @property
    def store_path(self) -> str:
        return str(self.store.path) if self.store is not None else ""

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run with the saved state loaded before and saved after (persistent hosts)."""
        if self.store is None:
            yield
            return
        with self.store.locked():
            if self.store.changed():
                doc = self.store.load()
                if doc is not None:
                    self._restore(doc)
            yield
            self.store.save(host_state(self))

    def synced(self, emulator: KernelEmulator) -> Callable[[int, int, int], int]:
        """The emulator's ioctl inside a transaction: every RPC sees and leaves the shared
        state. A state file that cannot be used fails the call with EIO, saying why."""
        def call(fd: int, request: int, address: int) -> int:
            try:
                with self.transaction():
                    return emulator.ioctl(fd, request, address)
            except StoreError as err:
                emulator.last_detail = err.message
                return errno.EIO
        return call

    def function(self, name: str) -> SimFunction:
        profile, func = split_name(name)
        if profile != self.profile.name or not 0 <= func < len(self.functions):
            known = ", ".join(f.name for f in self.functions)
            raise LookupError(f"no simulated device {name!r}; this host has {known}")
        return self.functions[func]

    def entries(self) -> list[DeviceEntry]:
        """Rows for the device list: unplugged functions vanish, as from sysfs."""
        return [f.entry() for f in self.functions if f.plugged]


"""A simulated host for one non-mlx5 device (sim:cxl-mem, sim:pds), persisted between runs.

The same shape connect.py uses for the ConnectX host (function(name) -> an object with
name, emulator, open(), entry(); kernel; instance_id), so `send`, the TUI and captures
treat it alike. Each ioctl runs with the saved state loaded and saves it afterwards, so a
Set Feature in one `fwctl-tui send` shows in the next run's Get Feature.
"""

from __future__ import annotations

import errno
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from fwctl_tui.clock import SYSTEM_CLOCK, Clock
from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.ioctl import FwctlDevice
from fwctl_tui.sim.emulator import KernelEmulator, SimDriver
from fwctl_tui.sim.kernel import SimKernel
from fwctl_tui.sim.store import HostStore, StoreError, saved_profiles, state_dir

DRIVER_STATE_SUBDIR = "drivers"  # beside the ConnectX hosts, not among them (`sim status`)


def driver_store(profile: str) -> HostStore:
    """Where sim:`profile` (cxl-mem, pds) keeps its state; `sim status`/`sim reset` read it."""
    return HostStore(profile, state_dir() / DRIVER_STATE_SUBDIR)


def saved_driver_profiles() -> list[str]:
    """The plug-in simulators' profiles with a saved state file."""
    return saved_profiles(state_dir() / DRIVER_STATE_SUBDIR)


class Model(Protocol):
    """The firmware model's persistent state."""

    def state(self) -> dict[str, Any]: ...
    def restore(self, doc: dict[str, Any]) -> None: ...


@dataclass
class DriverSimFunction:
    """The one fwctl node of a DriverSimHost."""

    host: DriverSimHost
    emulator: KernelEmulator

    @property
    def name(self) -> str:
        return f"sim:{self.host.profile}"

    def open(self, clock: Clock = SYSTEM_CLOCK) -> FwctlDevice:
        emulator = self.emulator
        if self.host.store is None:
            return emulator.open_device(self.name, clock=clock)
        return FwctlDevice(emulator.open(), self.host.synced, close_fn=emulator.close,
                           name=self.name, clock=clock)

    def start_scenario(self, name: str | None) -> None:
        """Fault stories are the ConnectX port model's; a plug-in's device has none."""
        raise LookupError(f"{self.name} has no fault scenarios (sim:cx7 and the other "
                          "ConnectX profiles do)")

    def entry(self) -> DeviceEntry:
        info: dict[str, object] | None
        with self.open() as dev:
            info = dev.info().as_dict()
        return self.host.make_entry(info)


class DriverSimHost:
    """One simulated device of a plug-in's type, behind the kernel emulator."""

    def __init__(self, profile: str, driver: SimDriver, model: Model,
                 make_entry: Callable[[dict[str, object] | None], DeviceEntry], *,
                 persistent: bool = False) -> None:
        self.profile = profile
        self.kernel = SimKernel()
        self.model = model
        self.initial_state = model.state()  # a new device's, for `sim status` to compare
        self.make_entry = make_entry
        self.instance_id = f"sim-{uuid.uuid4().hex[:16]}"
        self.store = driver_store(profile) if persistent else None
        self.emulator = KernelEmulator(self.kernel, driver, "fwctl0")
        self.functions = [DriverSimFunction(self, self.emulator)]

    def function(self, name: str) -> DriverSimFunction:
        if name.removeprefix("sim:") != self.profile:
            raise LookupError(f"no simulated device {name!r}; this host has sim:{self.profile}")
        return self.functions[0]

    def entries(self) -> list[DeviceEntry]:
        return [self.functions[0].entry()]

    def _doc(self) -> dict[str, Any]:
        k = self.kernel
        return {"kernel": {"tainted": k.tainted, "log": k.log,
                           "taint_logged": k.fwctl_taint_logged},
                "model": self.model.state()}

    def _restore(self, doc: dict[str, Any]) -> None:
        try:
            kernel = doc["kernel"]
            self.kernel.tainted = int(kernel["tainted"])
            self.kernel.log = [str(line) for line in kernel["log"]]
            self.kernel.fwctl_taint_logged = bool(kernel["taint_logged"])
            self.model.restore(doc["model"])
        except (KeyError, TypeError, ValueError) as err:
            raise StoreError(f"{self.store.path if self.store else ''}: unusable state "
                             f"({err}); `fwctl-tui sim reset {self.profile}` starts a new "
                             "simulated device") from None

    def load_saved(self) -> bool:
        """Take on the saved state without an RPC (`sim status`); False when none is saved.
        StoreError for a file that cannot be used."""
        if self.store is None:
            return False
        with self.store.locked():
            doc = self.store.load()
            if doc is not None:
                self._restore(doc)
            return doc is not None

    def synced(self, fd: int, request: int, address: int) -> int:
        """The emulator's ioctl with the saved state loaded before and saved after."""
        assert self.store is not None
        try:
            with self.store.locked():
                if self.store.changed():  # another process wrote it (or first use)
                    doc = self.store.load()
                    if doc is not None:
                        self._restore(doc)
                code = self.emulator.ioctl(fd, request, address)
                self.store.save(self._doc())
                return code
        except StoreError as err:
            self.emulator.last_detail = err.message
            return errno.EIO

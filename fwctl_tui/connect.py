"""Turn a DEVICE argument into an open device: the one layer the CLI and the TUI share.

A DEVICE is `fwctlN`, `/dev/fwctl/fwctlN` or a PCI address (live), `sim:PROFILE[.FUNC]`
(simulated) or `replay:FILE` (a capture). Whatever the kind, the caller gets the same
Connection: an entry to show, a FwctlDevice to send through, and a kernel-state reader
for the consequence preview. Failures become DeviceOpenError with a message that says
what went wrong and what to do; UnknownDeviceError marks bad input (a name or profile
that does not exist) so the CLI can exit 2 instead of 1.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

from fwctl_tui.clock import SYSTEM_CLOCK, Clock
from fwctl_tui.discovery import (
    DeviceEntry,
    resolve,
    scan,
    sysfs_root,
    with_info,
)
from fwctl_tui.drivers.registry import SIM_DEVICES, TYPE_NAMES, simulator_profiles
from fwctl_tui.errors import Explanation, explain
from fwctl_tui.hoststate import read_host_state
from fwctl_tui.ioctl import FwctlDevice, FwctlError
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.session import Session

if TYPE_CHECKING:
    from fwctl_tui.capture_analysis.replay import CaptureFirmware
    from fwctl_tui.decoders.mlx5.status import SyndromeTable
    from fwctl_tui.sim.emulator import KernelEmulator
    from fwctl_tui.sim.kernel import SimKernel
    from fwctl_tui.sim.profile import Profile

SIM_PREFIX = "sim:"
REPLAY_PREFIX = "replay:"
SIM_MODULE = "fwctl_tui.sim.host"


class SimFunctionLike(Protocol):
    """One simulated fwctl node of a host: what opening `sim:PROFILE[.FUNC]` needs."""

    @property
    def name(self) -> str: ...

    @property
    def emulator(self) -> KernelEmulator: ...

    def open(self, clock: Clock = ...) -> FwctlDevice: ...

    def entry(self) -> DeviceEntry: ...

    def start_scenario(self, name: str | None) -> None:
        """Play a named fault story (None: stop it); LookupError where there are none."""
        ...


class SimHostLike(Protocol):
    """A simulated host (sim/host.py's ConnectX host, a plug-in's DriverSimHost) as the
    session layer uses it, without importing either (they load on first use)."""

    @property
    def profile(self) -> Profile | str: ...

    @property
    def kernel(self) -> SimKernel: ...

    @property
    def instance_id(self) -> str: ...

    def function(self, name: str) -> SimFunctionLike: ...

    def entries(self) -> list[DeviceEntry]: ...


class DeviceOpenError(Exception):
    """A device that exists (or should) but cannot be used; `errno` when the kernel said so."""

    def __init__(self, message: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errno = errno

    @property
    def explanation(self) -> Explanation | None:
        return explain(self.errno) if self.errno else None


class UnknownDeviceError(DeviceOpenError, LookupError):
    """The DEVICE name or simulation profile does not exist: bad input, not a device fault."""


@dataclass
class Connection:
    """An open device plus what the UI needs around it; close() when done."""

    entry: DeviceEntry
    device: FwctlDevice
    kernel: Callable[[], KernelState]
    # simulated and replayed devices: the emulator, so an errno carries the driver's why
    emulator: KernelEmulator | None = None
    # replayed devices: the capture's firmware, which says which record answered each RPC
    replay_firmware: CaptureFirmware | None = None
    # one counter clock: the host's boot (live) or the saved simulated card (sim)
    state_id: str = ""
    # who explains its syndromes: the simulator's table, or none (firmware's own)
    syndromes: SyndromeTable | None = None

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def kind(self) -> str:
        return self.entry.kind

    @property
    def simulated(self) -> bool:
        """True when RPCs cannot affect this host (simulated or replayed)."""
        return self.entry.kind != "live"

    def kernel_state(self) -> KernelState:
        """Fresh state every call: the taint bit can change between two RPCs."""
        return self.kernel()

    def session(self) -> Session:
        """A Session on this device; simulated and replay errnos carry the emulator's why."""
        emulator, firmware = self.emulator, self.replay_firmware
        detail = (lambda: emulator.last_detail) if emulator is not None else None
        answer = (lambda: firmware.answered) if firmware is not None else None
        return Session(self.device, self.name, detail_source=detail, answer_source=answer,
                       state_id=self.state_id)

    def close(self) -> None:
        self.device.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sim_profiles() -> tuple[str, ...]:
    """ConnectX profiles; the TUI's --simulate also takes sim:cxl-mem and sim:pds
    (drivers.registry.simulator_profiles())."""
    return tuple(_sim_module().PROFILES)


class SimHosts:
    """The simulated hosts of one front end (an App, one CLI run), by profile.

    A profile's host is built on first use (a ConnectX profile's from its saved state,
    sim/store.py; sim:cxl-mem's and sim:pds's by their plug-in's simulator) and every later
    device of that profile opens on it, as the functions of one machine share it. A new
    registry is a new `fwctl-tui` run: it reads the saved state afresh. Tests hand in
    seeded hosts (`SimHosts({"cx7": host})`), so nothing is cached between them.
    """

    def __init__(self, hosts: Mapping[str, SimHostLike] | None = None) -> None:
        self._hosts: dict[str, SimHostLike] = dict(hosts or {})
        self._lock = threading.Lock()  # the TUI opens devices from worker threads

    def get(self, profile: str) -> SimHostLike:
        """The profile's host; sim.store.StoreError when its state file cannot be used,
        LookupError for a profile no simulator has."""
        with self._lock:
            host = self._hosts.get(profile)
            if host is None:
                host = self._hosts[profile] = _build_host(profile)
            return host

    def forget(self, profile: str) -> None:
        """Drop the profile's host: its next use reads the saved state (`sim reset`)."""
        with self._lock:
            self._hosts.pop(profile, None)


def host_profile(host: SimHostLike) -> str:
    """The `sim:` profile a simulated host serves (a ConnectX host names it in its
    Profile, a plug-in simulator's host as text)."""
    profile = host.profile
    return profile if isinstance(profile, str) else str(profile.name)


def _build_host(profile: str) -> SimHostLike:
    host: SimHostLike
    if profile in SIM_DEVICES:
        host = importlib.import_module(SIM_DEVICES[profile]).build_host()
    else:
        host = _sim_module().SimHost.persistent(profile)
    return host


def list_devices(
    root: Path | str | None = None, simulate: bool | None = None, profile: str = "cx7",
    *, hosts: SimHosts | None = None,
) -> list[DeviceEntry]:
    """Live devices, then simulated ones if asked (or by default when none is live), from
    `hosts` (without one, from a registry of this call's own)."""
    entries = scan(root)
    if simulate or (simulate is None and not entries):
        hosts = hosts if hosts is not None else SimHosts()
        module = _sim_module()
        _check_profile(module, profile)
        entries += _host(hosts, profile).entries()
        if simulate:  # asked for: every type's simulated device (cxl-mem, pds) too
            for other in simulator_profiles():
                entries += hosts.get(other).entries()
    return entries


def open_device(
    name: str, root: Path | str | None = None, *, hosts: SimHosts | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Connection:
    """Open DEVICE (live, sim:PROFILE[.FUNC] or replay:FILE) and read FWCTL_INFO.

    A sim: device opens on its profile's host in `hosts`, the registry of the front end
    opening it (without one, a registry of this call's own: a host as a new run sees it).
    The device and its sessions time and date every RPC on `clock`.
    """
    text = name.strip()
    if text.startswith(SIM_PREFIX):
        return _open_simulated(text, hosts if hosts is not None else SimHosts(), clock)
    if text.startswith(REPLAY_PREFIX):
        return _open_replay(text.removeprefix(REPLAY_PREFIX), clock)
    return _open_live(text, root, clock)


def _open_live(name: str, root: Path | str | None, clock: Clock) -> Connection:
    base = sysfs_root(root)
    entries = scan(base, probe=False)
    try:
        entry = resolve(name, entries)
    except LookupError as err:
        raise UnknownDeviceError(f"{err}{_sim_hint(name, entries)}") from None
    if not entry.dev_node or entry.reason:
        raise DeviceOpenError(f"cannot open {entry.name}: {entry.reason}")
    try:
        device = FwctlDevice.open(entry.dev_node, clock=clock)
    except FwctlError as err:
        raise DeviceOpenError(f"cannot open {entry.name}: {err.strerror}", err.errno) from None
    entry = _with_device_info(entry, device)
    # counters and CLOCK_MONOTONIC run until reboot
    return Connection(entry=entry, device=device, kernel=lambda: read_host_state(base),
                      state_id=boot_id())


def _open_simulated(name: str, hosts: SimHosts, clock: Clock) -> Connection:
    from fwctl_tui.syndrome_source import syndromes_for  # the decoders load on first use

    module = _sim_module()
    if name == SIM_PREFIX:
        name += module.DEFAULT_PROFILE
    profile = name.removeprefix(SIM_PREFIX).split(".", 1)[0]
    if profile not in SIM_DEVICES:
        _check_profile(module, profile)
    host = _host(hosts, profile)
    try:
        function = host.function(name)
    except LookupError as err:
        raise UnknownDeviceError(str(err)) from None
    try:
        device = function.open(clock)
    except FwctlError as err:
        raise DeviceOpenError(f"cannot open {function.name}: {err.strerror}", err.errno) from None
    entry = _with_device_info(function.entry(), device)
    # one simulated card per saved host: its instance id is the counters' clock
    return Connection(entry=entry, device=device, kernel=host.kernel.state,
                      emulator=function.emulator, state_id=host.instance_id,
                      syndromes=syndromes_for(True))


def _open_replay(path: str, clock: Clock) -> Connection:
    if not path:
        raise UnknownDeviceError(
            "replay: needs a capture file, e.g. replay:captures/01-bring-up.jsonl"
        )
    from fwctl_tui.replay_device import build_replay

    try:
        entry, emulator, firmware, syndromes = build_replay(path)
        device = emulator.open_device(entry.name, clock=clock)
    except FileNotFoundError:
        raise UnknownDeviceError(f"capture file {path!r} does not exist") from None
    except IsADirectoryError:
        raise UnknownDeviceError(f"{path!r} is a directory, not a capture file") from None
    except FwctlError as err:
        raise DeviceOpenError(f"cannot replay {path}: {err.strerror}", err.errno) from None
    except OSError as err:  # unreadable: the file is there, the host refuses it
        raise DeviceOpenError(f"cannot read {path}: {err.strerror or err}", err.errno) from None
    except ValueError as err:  # CaptureError: not a capture this tool can read (bad input)
        raise UnknownDeviceError(f"cannot replay {path}: {err}") from None
    entry = _with_device_info(entry, device)
    # the emulator's detail says "not in this capture"; the firmware which record answered
    return Connection(entry=entry, device=device, kernel=emulator.kernel.state,
                      emulator=emulator, replay_firmware=firmware, syndromes=syndromes)


def not_mlx5(entry: DeviceEntry) -> str | None:
    """Why an mlx5 command must not go to this opened device: FWCTL_INFO says another type
    that sysfs did not show before opening (send dispatches known types beforehand)."""
    kind = entry.device_type
    if kind in ("mlx5", "unknown"):
        return None
    return (f"{entry.name} is a {kind} fwctl device (FWCTL_INFO), so the command was not "
            f"read as an mlx5 one: `fwctl-tui commands --type {kind}` lists its commands")


def device_type_hint(name: str, root: Path | str | None = None) -> str | None:
    """The device type of DEVICE before opening it (sim profile, or sysfs's parent driver);
    None when only FWCTL_INFO can tell (replay, unknown parent, unknown name)."""
    text = name.strip()
    if text.startswith(REPLAY_PREFIX):
        return _capture_type(text.removeprefix(REPLAY_PREFIX))
    if text.startswith(SIM_PREFIX):
        profile = text.removeprefix(SIM_PREFIX).split(".", 1)[0]
        return _DRIVER_SIM_TYPES.get(profile, "mlx5")
    try:
        kind = resolve(text, scan(sysfs_root(root), probe=False)).device_type
    except LookupError:
        return None
    return None if kind == "unknown" else kind


_DRIVER_SIM_TYPES = {"cxl-mem": "cxl", "pds": "pds"}


def _capture_type(path: str) -> str | None:
    """The device type a capture's header names, when it is one we have a plug-in for
    (None: unreadable or unknown; opening the capture says why)."""
    from fwctl_tui.captures.files import open_regular
    from fwctl_tui.captures.loader import read_header

    try:  # the header alone: the whole file is read once, when the device opens
        with open_regular(path) as stream:
            device = read_header(stream, path)[2].get("device")
    except (OSError, ValueError):
        return None
    kind = device.get("device_type") if isinstance(device, dict) else None
    return kind if kind in TYPE_NAMES else None  # a stranger's header names anything


def boot_id() -> str:
    """This boot's id: a live device's counters and the monotonic clock are continuous
    within one boot, so records with the same id can be timed against each other."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _with_device_info(entry: DeviceEntry, device: FwctlDevice) -> DeviceEntry:
    """FWCTL_INFO proves the node is a fwctl device; a failure closes it and says why."""
    try:
        info = device.info()
    except FwctlError as err:
        device.close()
        raise DeviceOpenError(f"{entry.name} is not usable: {err.strerror}", err.errno) from None
    return with_info(entry, info)


def _sim_module() -> ModuleType:
    """fwctl_tui.sim.host, imported on first use so live-only runs never load it."""
    return importlib.import_module(SIM_MODULE)


def _host(hosts: SimHosts, profile: str) -> SimHostLike:
    """The profile's simulated host; an unusable state file is a clear error."""
    from fwctl_tui.sim.store import StoreError

    try:
        return hosts.get(profile)
    except StoreError as err:
        raise DeviceOpenError(f"simulated host {profile}: {err.message}") from None


def _check_profile(module: ModuleType, profile: str) -> None:
    if profile not in module.PROFILES:
        choices = ", ".join((*module.PROFILES, *SIM_DEVICES))
        raise UnknownDeviceError(f"unknown simulation profile {profile!r}; choose one of "
                                 f"{choices} (sim:PROFILE, or sim:PROFILE.1 for its second "
                                 "function)")


def _sim_hint(name: str, entries: list[DeviceEntry]) -> str:
    """Point at the simulator when the name looks like a profile or nothing is live."""
    profiles = sim_profiles() + simulator_profiles()
    if name.split(".", 1)[0] in profiles:
        return f" Did you mean {SIM_PREFIX}{name}?"
    if entries:
        return ""
    return " Simulated devices: " + ", ".join(SIM_PREFIX + p for p in profiles) + "."

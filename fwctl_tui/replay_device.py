"""`replay:FILE`: a capture opened as a device, behind the same kernel and driver rules.

The capture's firmware answers (capture_analysis.replay.CaptureFirmware) sit under the simulated
mlx5 driver and kernel emulator, so a replayed session goes through FwctlDevice, the
fwctl core checks and the allow-list of the kernel release the capture was recorded on,
exactly like a live one. connect.open_device calls open_replay for `replay:FILE`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from fwctl_tui.capture_analysis.replay import CaptureFirmware
from fwctl_tui.captures.loader import load_capture
from fwctl_tui.decoders.mlx5.status import SyndromeTable
from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.drivers.replay import RecordedDriver
from fwctl_tui.ioctl import FwctlDevice
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.sim.emulator import KernelEmulator, SimDriver
from fwctl_tui.sim.kernel import DEFAULT_RELEASE, SimKernel
from fwctl_tui.sim.mlx5_driver import Mlx5Driver
from fwctl_tui.syndrome_source import syndromes_for
from fwctl_tui.uapi import DeviceType

REPLAY_PREFIX = "replay:"
RECORDED_TYPES = {"cxl": int(DeviceType.CXL), "pds": int(DeviceType.PDS)}


class Replay(NamedTuple):
    """A capture opened as a device: what connect.py wraps in a Connection."""

    entry: DeviceEntry
    emulator: KernelEmulator
    firmware: CaptureFirmware  # tests read its counters; sessions, which record answered
    syndromes: SyndromeTable | None  # the simulator's when the header says `simulated`


def build_replay(path: Path | str) -> Replay:
    """Entry, emulator, firmware and syndrome table for a capture."""
    with load_capture(path) as capture:
        header = capture.header
        syndromes = syndromes_for(capture.simulated)
        device = header.get("device") or {}
        kind = str(device.get("device_type") or "mlx5")
        if kind in RECORDED_TYPES:  # a cxl/pds capture: its driver plug-in's replay
            driver: SimDriver = RecordedDriver(RECORDED_TYPES[kind], capture.exchanges())
        answers = () if kind in RECORDED_TYPES else (
            (item.seq, item.exchange) for item in capture.iter_records()
            if item.exchange is not None)
        firmware = CaptureFirmware(answers, **_caps(header))
    kernel = SimKernel(release=str(header.get("kernel_release") or DEFAULT_RELEASE))
    name = f"{REPLAY_PREFIX}{path}"
    if kind not in RECORDED_TYPES:
        driver = Mlx5Driver(firmware, kernel)
    emulator = KernelEmulator(kernel, driver, str(device.get("fwctl") or ""))
    notes = [f"replay of {len(capture)} records recorded {header.get('created_at') or '?'}"]
    notes += [str(problem) for problem in capture.problems]
    entry = DeviceEntry(
        name=name,
        dev_node=None,
        kind="replay",
        device_type=str(device.get("device_type") or "mlx5"),
        device_type_value=driver.device_type,
        type_source="capture header",
        pci_bdf=device.get("pci_bdf"),
        pci_ids=device.get("pci_ids"),
        driver=device.get("driver"),
        netdevs=tuple(device.get("netdevs") or ()),
        can_open=True,
        firmware_version=device.get("firmware_version"),
        board=device.get("board"),
        psid=device.get("psid"),
        notes=tuple(notes),
    )
    return Replay(entry, emulator, firmware, syndromes)


def _caps(header: dict[str, object]) -> dict[str, int]:
    device = header.get("device")
    info = device.get("info") if isinstance(device, dict) else None
    caps = info.get("uctx_caps") if isinstance(info, dict) else None
    return {"uctx_caps": caps} if isinstance(caps, int) else {}


def open_replay(path: Path | str) -> tuple[DeviceEntry, FwctlDevice, KernelState]:
    """Open a capture as a device; FileNotFoundError or CaptureError (a ValueError) on failure."""
    replay = build_replay(path)
    device = replay.emulator.open_device(replay.entry.name)
    return replay.entry, device, replay.emulator.kernel.state()

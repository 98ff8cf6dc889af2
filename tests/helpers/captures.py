"""Shared helpers for the capture tests: a tiny counting firmware and a recorded session.

Not a test module of its own (pytest collects nothing here); the capture tests import it
so they do not depend on how complete the ConnectX simulator is.
"""

from __future__ import annotations

from pathlib import Path

from fwctl_tui.captures import open_recorder
from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.session import Session
from fwctl_tui.sim.emulator import KernelEmulator
from fwctl_tui.sim.kernel import SimKernel
from fwctl_tui.sim.mlx5_driver import Mlx5Driver
from fwctl_tui.uapi import Scope

QUERY_HCA_CAP = 0x100
ACCESS_REG = 0x805
MAC = 0xB8CEF6123456
PPCNT_BYTES = 256  # the PPCNT register layout: a reply of 16 + 256 bytes is a whole one
PPCNT_REPLY = 16 + PPCNT_BYTES


class CountingFirmware:
    """ACCESS_REG reads echo the register with dword 4 counting up; other commands fail."""

    uctx_caps = 0x4

    def __init__(self) -> None:
        self.calls = 0

    def create_uctx(self, caps: int) -> int:
        return 0x33

    def destroy_uctx(self, uid: int) -> None:
        pass

    def execute(self, mbox_in: bytes, out_len: int) -> bytes:
        self.calls += 1
        opcode = int.from_bytes(mbox_in[:2], "big")
        if opcode != ACCESS_REG:
            head = bytes([0x02, 0, 0, 0]) + (0x1234ABCD).to_bytes(4, "big") + bytes(8)
            return head[:out_len].ljust(out_len, b"\0")
        data = bytearray(mbox_in[16:])
        if len(data) >= 20:
            data[16:20] = (self.calls * 100).to_bytes(4, "big")
        return (bytes(16) + bytes(data))[:out_len].ljust(out_len, b"\0")


def access_reg(register_id: int, body: bytes = bytes(PPCNT_BYTES), op_mod: int = 1) -> bytes:
    head = ACCESS_REG.to_bytes(2, "big") + bytes(4) + op_mod.to_bytes(2, "big")
    return head + bytes(2) + register_id.to_bytes(2, "big") + bytes(4) + body


def hca_cap(op_mod: int = 1) -> bytes:
    return QUERY_HCA_CAP.to_bytes(2, "big") + bytes(4) + op_mod.to_bytes(2, "big") + bytes(8)


def entry(name: str = "sim:test") -> DeviceEntry:
    return DeviceEntry(
        name=name,
        kind="simulated",
        device_type="mlx5",
        pci_bdf="0000:3b:00.0",
        pci_ids="15b3:1021",
        firmware_version="28.39.1002",
        board="MCX75310AAS-NEAT",
        psid="MT_0000000838",  # discovery's sysfs board_id: FWCTL_INFO has no PSID
        netdevs=("ens1f0np0",),
        info={"uid": 0x33, "uctx_caps": 4, "mac": "b8:ce:f6:12:34:56"},
    )


def session(firmware: CountingFirmware | None = None) -> tuple[Session, SimKernel]:
    kernel = SimKernel()
    emulator = KernelEmulator(kernel, Mlx5Driver(firmware or CountingFirmware(), kernel))
    return Session(emulator.open_device("sim:test"), "sim:test"), kernel


def record_sample(path: Path, polls: int = 3, *, head_start: int = 0) -> Session:
    """A capture with `polls` PPCNT-style reads, one failing QUERY_HCA_CAP and one EBADMSG.

    `head_start` advances the firmware's counter first, as if the port had been busy.
    """
    firmware = CountingFirmware()
    firmware.calls = head_start
    sess, kernel = session(firmware)
    recorder = open_recorder(path, entry(), kernel.state(), host="lab-host-7")
    sess.listeners.append(recorder)
    for _ in range(polls):
        sess.send("ACCESS_REG:PPCNT", Scope.DEBUG_READ_ONLY, access_reg(0x5008), PPCNT_REPLY)
    sess.send("QUERY_HCA_CAP", Scope.CONFIGURATION, hca_cap(), 32)
    sess.send("ACCESS_REG:PPCNT", Scope.CONFIGURATION, access_reg(0x5008), PPCNT_REPLY)  # EBADMSG
    recorder.close()
    return sess

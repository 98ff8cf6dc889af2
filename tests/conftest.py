"""Shared fixtures: a fake sysfs//dev tree builder and an FWCTL_INFO stub for it."""

from __future__ import annotations

import ctypes
import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fwctl_tui import marshal
from fwctl_tui.ioctl import FwctlDevice, RpcCallType
from fwctl_tui.uapi import FWCTL_INFO, DeviceType, FwctlInfo, FwctlInfoMlx5

try:
    from fwctl_tui import _fastrpc
except ImportError:  # the build had no C compiler; test_fastrpc says whether it should have
    _fastrpc = None  # type: ignore[assignment]

STUB_UID = 0x11
STUB_UCTX_CAPS = 0x4


def _link(at: Path, target: Path) -> None:
    """A relative symlink, like sysfs's, so the tree works wherever tmp_path is."""
    at.parent.mkdir(parents=True, exist_ok=True)
    at.symlink_to(os.path.relpath(target, at.parent))


@dataclass
class FakeSysfs:
    """Builds root/sys and root/dev shaped like a real host's fwctl layout."""

    root: Path

    def pci_function(
        self,
        bdf: str,
        *,
        driver: str | None = "mlx5_core",
        vendor: str = "0x15b3",
        device: str = "0x1021",
        net: Iterable[str] = (),
        rdma: Iterable[str] = (),
        fw_ver: str | None = None,
        board_id: str | None = None,
    ) -> Path:
        path = self.root / "sys/devices/pci0000:00/0000:00:02.0" / bdf
        path.mkdir(parents=True, exist_ok=True)
        (path / "vendor").write_text(vendor + "\n")
        (path / "device").write_text(device + "\n")
        if driver:
            drv = self.root / "sys/bus/pci/drivers" / driver
            drv.mkdir(parents=True, exist_ok=True)
            _link(path / "driver", drv)
        for name in net:
            (path / "net" / name).mkdir(parents=True)
        for name in rdma:
            ib = path / "infiniband" / name
            ib.mkdir(parents=True)
            if fw_ver:
                (ib / "fw_ver").write_text(fw_ver + "\n")
            if board_id:
                (ib / "board_id").write_text(board_id + "\n")
        return path

    def cxl_memdev(
        self, name: str = "mem0", *, bdf: str = "0000:35:00.0", firmware_version: str = "1.2"
    ) -> Path:
        pci = self.pci_function(bdf, driver="cxl_pci", vendor="0x8086", device="0x0d93")
        mem = pci / name
        mem.mkdir()
        drv = self.root / "sys/bus/cxl/drivers/cxl_mem"
        drv.mkdir(parents=True, exist_ok=True)
        _link(mem / "driver", drv)
        (mem / "firmware_version").write_text(firmware_version + "\n")
        return mem

    def fwctl(
        self, name: str, parent: Path | None, *, dev: str = "511:0", node: bool = True
    ) -> Path:
        """A class entry (device dir under its parent) and, with `node`, a /dev stand-in.

        A `parent` that does not exist leaves the `device` link dangling.
        """
        virtual = self.root / "sys/devices/virtual"
        where = parent if parent is not None and parent.exists() else virtual
        devdir = where / "fwctl" / name
        devdir.mkdir(parents=True)
        (devdir / "dev").write_text(dev + "\n")
        (devdir / "uevent").write_text(f"MAJOR={dev.split(':')[0]}\nDEVNAME=fwctl/{name}\n")
        if parent is not None:
            _link(devdir / "device", parent)
        _link(self.root / "sys/class/fwctl" / name, devdir)
        if node:
            self.dev_node(name)
        return devdir

    def dev_node(self, name: str) -> Path:
        """A regular file standing in for /dev/fwctl/NAME (opens fine, ioctl gives ENOTTY)."""
        path = self.root / "dev/fwctl" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
        return path

    def mlx5_dual_port(self) -> None:
        """A ConnectX-7 with two PCI functions, each with a netdev, an RDMA device and fwctl."""
        for func in (0, 1):
            parent = self.pci_function(
                f"0000:3b:00.{func}",
                net=[f"ens1f{func}np{func}"],
                rdma=[f"mlx5_{func}"],
                fw_ver="28.39.1002",
                board_id="MT_0000000838",
            )
            self.fwctl(f"fwctl{func}", parent, dev=f"511:{func}")


@pytest.fixture
def fake_sysfs(tmp_path: Path) -> FakeSysfs:
    return FakeSysfs(tmp_path / "root")


def _mlx5_info_ioctl(fd: int, request: int, address: int) -> int:
    """FWCTL_INFO as the mlx5 driver answers it; anything else is not ours (ENOTTY)."""
    if request != FWCTL_INFO:
        return errno.ENOTTY
    info = FwctlInfo.from_address(address)
    info.out_device_type = DeviceType.MLX5
    data = FwctlInfoMlx5(uid=STUB_UID, uctx_caps=STUB_UCTX_CAPS)
    size = min(ctypes.sizeof(data), info.device_data_len)
    ctypes.memmove(info.out_device_data, ctypes.addressof(data), size)
    info.device_data_len = ctypes.sizeof(data)
    return 0


@pytest.fixture
def stub_fwctl_info(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regular-file stand-ins answer FWCTL_INFO like an mlx5 device (uid 0x11, caps 0x4)."""
    real_open = FwctlDevice.open

    def fake_open(path: str, ioctl_fn: object = None, **options: Any) -> FwctlDevice:
        device = real_open(path, **options)
        if stat.S_ISREG(os.fstat(device.fd).st_mode):
            return FwctlDevice(device.fd, _mlx5_info_ioctl, name=path, **options)
        return device

    monkeypatch.setattr(FwctlDevice, "open", staticmethod(fake_open))


@pytest.fixture(params=["compiled", "python"])
def both_marshallings(request: pytest.FixtureRequest) -> RpcCallType:
    """_fastrpc.RpcCall, then its twin in marshal.py: a test passes it as `rpc_call` to
    every device it opens, so it runs once with each."""
    if request.param == "python":
        return marshal.RpcCall
    if _fastrpc is None:
        pytest.skip("fwctl_tui._fastrpc was not built (no C compiler at install time)")
    return _fastrpc.RpcCall  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def sim_state_dir(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> Path:
    """Persistent simulated hosts (sim/store.py) save under a per-test directory, never in
    the user's real state directory."""
    path = tmp_path_factory.mktemp("sim-state")
    monkeypatch.setenv("FWCTL_TUI_STATE_DIR", str(path))
    return path

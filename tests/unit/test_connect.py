"""connect.py: DEVICE names to open connections, and the real open/ioctl syscall path."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from helpers.clocks import TickingClock

from fwctl_tui.connect import (
    Connection,
    DeviceOpenError,
    SimHosts,
    UnknownDeviceError,
    list_devices,
    open_device,
)
from fwctl_tui.ioctl import FwctlDevice, FwctlError
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.sim.host import SimHost
from fwctl_tui.uapi import TAINT_FWCTL_MASK, Scope

SAMPLE = Path(__file__).resolve().parents[2] / "captures" / "01-bring-up.jsonl"

# --- the real syscall path -------------------------------------------------------------


def test_fwctl_info_on_dev_null_is_enotty_explained() -> None:
    with FwctlDevice.open("/dev/null") as device, pytest.raises(FwctlError) as info:
        device.info()
    err = info.value
    assert err.errno == errno.ENOTTY
    assert err.operation == "FWCTL_INFO"
    assert err.explanation.name == "ENOTTY"
    assert "/dev/fwctl/fwctlN" in err.explanation.action


def test_open_missing_path_is_enoent_explained(tmp_path: Path) -> None:
    with pytest.raises(FwctlError) as info:
        FwctlDevice.open(str(tmp_path / "fwctl9"))
    assert info.value.errno == errno.ENOENT
    assert info.value.explanation.name == "ENOENT"
    assert info.value.explanation.action


# --- live devices ----------------------------------------------------------------------


def test_open_live_device(fake_sysfs, stub_fwctl_info) -> None:
    fake_sysfs.mlx5_dual_port()
    with open_device("fwctl1", root=fake_sysfs.root) as connection:
        assert isinstance(connection, Connection)
        assert (connection.name, connection.kind, connection.simulated) == ("fwctl1", "live", False)
        entry = connection.entry
        assert entry.can_open is True and entry.device_type == "mlx5"
        assert entry.info is not None and entry.info["uid"] == 0x11
        assert entry.pci_bdf == "0000:3b:00.1"
        assert connection.device.info().type_name == "mlx5"


def test_open_live_device_by_bdf(fake_sysfs, stub_fwctl_info) -> None:
    fake_sysfs.mlx5_dual_port()
    with open_device("3b:00.1", root=fake_sysfs.root) as connection:
        assert connection.name == "fwctl1"


def test_live_kernel_state_is_read_fresh(fake_sysfs, stub_fwctl_info) -> None:
    fake_sysfs.mlx5_dual_port()
    tainted = fake_sysfs.root / "proc/sys/kernel/tainted"
    tainted.parent.mkdir(parents=True)
    tainted.write_text("0\n")
    with open_device("fwctl0", root=fake_sysfs.root) as connection:
        assert connection.kernel_state().fwctl_tainted is False
        tainted.write_text(f"{TAINT_FWCTL_MASK}\n")
        state = connection.kernel_state()
        assert isinstance(state, KernelState) and state.fwctl_tainted is True
        assert state.simulated is False


def test_open_unknown_name_lists_known(fake_sysfs) -> None:
    fake_sysfs.mlx5_dual_port()
    with pytest.raises(UnknownDeviceError) as info:
        open_device("fwctl7", root=fake_sysfs.root)
    assert isinstance(info.value, LookupError)
    assert "fwctl0, fwctl1" in info.value.message


def test_open_not_a_fwctl_node_is_device_error(fake_sysfs) -> None:
    fake_sysfs.mlx5_dual_port()
    with pytest.raises(DeviceOpenError) as info:
        open_device("fwctl0", root=fake_sysfs.root)
    assert not isinstance(info.value, UnknownDeviceError)
    assert info.value.errno == errno.ENOTTY
    assert info.value.explanation is not None and info.value.explanation.name == "ENOTTY"


def test_open_permission_denied(fake_sysfs, monkeypatch) -> None:
    fake_sysfs.mlx5_dual_port()

    def denied(path: str, *args: object, **options: object) -> FwctlDevice:
        raise FwctlError(errno.EACCES, "open", path)

    monkeypatch.setattr(FwctlDevice, "open", staticmethod(denied))
    with pytest.raises(DeviceOpenError) as info:
        open_device("fwctl0", root=fake_sysfs.root)
    assert info.value.errno == errno.EACCES
    assert "udev rule" in info.value.message


def test_open_missing_node_says_why(fake_sysfs) -> None:
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    fake_sysfs.fwctl("fwctl0", parent, node=False)
    with pytest.raises(DeviceOpenError, match="missing"):
        open_device("fwctl0", root=fake_sysfs.root)


def test_list_devices_live_only(fake_sysfs) -> None:
    fake_sysfs.mlx5_dual_port()
    assert [e.name for e in list_devices(fake_sysfs.root)] == ["fwctl0", "fwctl1"]
    assert [e.name for e in list_devices(fake_sysfs.root, simulate=False)] == ["fwctl0", "fwctl1"]


def test_list_devices_none_and_no_simulation(tmp_path: Path) -> None:
    assert list_devices(tmp_path, simulate=False) == []


# --- replay (provided by fwctl_tui.replay_device) --------------------------------------


def test_replay_needs_a_file() -> None:
    with pytest.raises(UnknownDeviceError, match="capture file"):
        open_device("replay:")


def test_replay_opens_a_capture_as_a_device() -> None:
    with open_device(f"replay:{SAMPLE}") as connection:
        assert connection.kind == "replay" and connection.simulated
        assert connection.entry.info is not None
        assert connection.kernel_state().simulated
        assert connection.emulator is not None


def test_replay_missing_file(tmp_path) -> None:
    with pytest.raises(UnknownDeviceError, match="does not exist"):
        open_device(f"replay:{tmp_path / 'nope.jsonl'}")


def test_replay_of_a_broken_file_is_a_clear_device_error(tmp_path) -> None:
    junk = tmp_path / "junk.jsonl"
    junk.write_bytes(b"\x00\xff not a capture")
    with pytest.raises(DeviceOpenError, match="cannot replay"):
        open_device(f"replay:{junk}")


# --- simulated -------------------------------------------------------------------------


def test_open_simulated_device() -> None:
    with open_device("sim:cx7") as connection:
        assert connection.kind == "simulated" and connection.simulated
        assert connection.entry.device_type == "mlx5"
        assert connection.entry.info is not None and "uid" in connection.entry.info
        assert connection.kernel_state().simulated is True
    with open_device("sim:cx7.1") as connection:
        assert connection.name == "sim:cx7.1"


@pytest.mark.parametrize("name", ["sim:nope", "sim:cx7.9", "sim:cx7.x"])
def test_open_unknown_simulated_device(name: str) -> None:
    with pytest.raises(UnknownDeviceError):
        open_device(name)


def test_list_devices_adds_simulated(fake_sysfs, tmp_path: Path) -> None:
    fake_sysfs.mlx5_dual_port()
    names = [e.name for e in list_devices(fake_sysfs.root, simulate=True, profile="cx7")]
    assert names[:2] == ["fwctl0", "fwctl1"] and "sim:cx7" in names
    by_default = list_devices(tmp_path / "empty")  # nothing live: simulated by default
    assert by_default and all(e.kind == "simulated" for e in by_default)
    with pytest.raises(UnknownDeviceError, match="profile"):
        list_devices(tmp_path, simulate=True, profile="cx99")


def test_a_registry_keeps_one_host_per_profile_and_a_new_one_reads_the_saved_state() -> None:
    seeded = SimHost("cx7", seed=11, clock=lambda: 1.0)
    hosts = SimHosts({"cx7": seeded})
    with open_device("sim:cx7.1", hosts=hosts) as connection:
        sent = connection.session().send("QUERY_ISSI", Scope.DEBUG_READ_ONLY, _query_issi(), 64)
    assert sent.errno == 0 and sent.session == seeded.instance_id  # answered by the seeded card
    assert hosts.get("cx7") is seeded
    pds = hosts.get("pds")  # a plug-in's host is built on first use, then kept
    assert hosts.get("pds") is pds
    bf3 = hosts.get("bf3")  # a ConnectX profile's: the persistent one, saved at once
    assert bf3.store is not None and bf3.seed == SimHosts().get("bf3").seed
    hosts.forget("bf3")  # `sim reset`: the next use builds it again
    assert hosts.get("bf3") is not bf3
    with pytest.raises(LookupError):
        SimHosts().get("cx99")


def test_one_clock_times_and_dates_every_rpc() -> None:
    clock = TickingClock(250_000, wall=1_700_000_000.0)
    host = SimHost("cx7", seed=11, clock=lambda: 1.0)
    with open_device("sim:cx7", hosts=SimHosts({"cx7": host}), clock=clock) as connection:
        session = connection.session()
        first = session.send("QUERY_ISSI", Scope.DEBUG_READ_ONLY, _query_issi(), 64)
        second = session.send("QUERY_ISSI", Scope.DEBUG_READ_ONLY, _query_issi(), 64)
    assert first.errno == 0 and first.duration_ns == second.duration_ns == 250_000
    assert first.wall_time == second.wall_time == 1_700_000_000.0
    assert first.mono_ns < second.mono_ns  # the session reads the device's clock too


def _query_issi() -> bytes:
    return (0x10A).to_bytes(2, "big") + bytes(14)


def test_unknown_live_name_hints_simulation(tmp_path: Path) -> None:
    with pytest.raises(UnknownDeviceError, match="sim:cx7"):
        open_device("cx7", root=tmp_path)


"""`fwctl-tui devices` and `fwctl-tui info`: JSON shapes, human tables and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.cli import EXIT_DEVICE, EXIT_OK, EXIT_USAGE
from fwctl_tui.connect import SimHosts


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich reads COLUMNS: wide enough that no value is folded across lines."""
    monkeypatch.setenv("COLUMNS", "250")


def run(capsys: pytest.CaptureFixture[str], *argv: str,
        hosts: SimHosts | None = None) -> tuple[int, str, str]:
    code = main(list(argv), hosts=hosts)
    out, err = capsys.readouterr()
    return code, out, err


def test_devices_json(fake_sysfs, capsys) -> None:
    fake_sysfs.mlx5_dual_port()
    code, out, _ = run(capsys, "--root", str(fake_sysfs.root), "devices", "--json")
    assert code == EXIT_OK
    records = json.loads(out)
    assert [r["name"] for r in records] == ["fwctl0", "fwctl1"]
    first = records[0]
    for key in (
        "dev_node",
        "kind",
        "device_type",
        "device_type_value",
        "pci_bdf",
        "cxl_memdev",
        "driver",
        "netdevs",
        "rdma",
        "can_open",
        "reason",
        "info",
        "firmware_version",
    ):
        assert key in first
    assert first["kind"] == "live"
    assert first["pci_bdf"] == "0000:3b:00.0"
    assert first["netdevs"] == ["ens1f0np0"] and first["rdma"] == ["mlx5_0"]
    assert first["can_open"] is False and "ENOTTY" in first["reason"]


def test_devices_human(fake_sysfs, capsys) -> None:
    fake_sysfs.mlx5_dual_port()
    code, out, _ = run(capsys, "--root", str(fake_sysfs.root), "devices")
    assert code == EXIT_OK
    for text in ("fwctl0", "fwctl1", "LIVE", "0000:3b:00.1", "mlx5_core", "mlx5?", "ENOTTY"):
        assert text in out


def test_devices_human_shows_brackets_literally(fake_sysfs, capsys) -> None:
    fake_sysfs.pci_function("0000:3b:00.0", net=["eth[red]0"])
    fake_sysfs.fwctl("fwctl0", fake_sysfs.root / "sys/devices/pci0000:00/0000:00:02.0/0000:3b:00.0")
    code, out, _ = run(capsys, "--root", str(fake_sysfs.root), "devices")
    assert code == EXIT_OK
    assert "eth[red]0" in out


def test_devices_empty_human(tmp_path: Path, capsys) -> None:
    hosts = SimHosts()
    for function in hosts.get("cx7").functions:  # nothing live, every simulated port gone
        function.unplug()
    code, out, _ = run(capsys, "--root", str(tmp_path), "devices", hosts=hosts)
    assert code == EXIT_OK
    assert "No fwctl devices found" in out and "--simulate" in out


def test_info_json_live(fake_sysfs, stub_fwctl_info, capsys) -> None:
    fake_sysfs.mlx5_dual_port()
    code, out, _ = run(capsys, "--root", str(fake_sysfs.root), "info", "fwctl0", "--json")
    assert code == EXIT_OK
    doc = json.loads(out)
    assert doc["name"] == "fwctl0"
    assert doc["kind"] == "live" and doc["label"] == "LIVE"
    assert doc["device_type"] == "mlx5" and doc["device_type_value"] == 1
    assert doc["info"]["uid"] == 0x11 and doc["info"]["uctx_caps"] == 0x4
    assert doc["info"]["uctx_cap_names"] == ["MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES"]
    assert doc["pci_bdf"] == "0000:3b:00.0" and doc["netdevs"] == ["ens1f0np0"]
    assert set(doc["kernel"]) >= {"release", "tainted", "fwctl_tainted", "has_cap_sys_rawio"}


def test_info_by_bdf_human(fake_sysfs, stub_fwctl_info, capsys) -> None:
    fake_sysfs.mlx5_dual_port()
    code, out, _ = run(capsys, "--root", str(fake_sysfs.root), "info", "3b:00.1")
    assert code == EXIT_OK
    for text in ("fwctl1", "LIVE", "info.uid", "TOOLS_RESOURCES", "28.39.1002", "0x11"):
        assert text in out


def test_info_unknown_device_is_usage_error(fake_sysfs, capsys) -> None:
    fake_sysfs.mlx5_dual_port()
    code, out, err = run(capsys, "--root", str(fake_sysfs.root), "info", "fwctl9")
    assert code == EXIT_USAGE
    assert out == ""
    assert "unknown device 'fwctl9'" in err and "fwctl0, fwctl1" in err
    assert "Traceback" not in err


def test_info_unknown_device_json(fake_sysfs, capsys) -> None:
    fake_sysfs.mlx5_dual_port()
    code, out, _ = run(capsys, "--root", str(fake_sysfs.root), "info", "fwctl9", "--json")
    assert code == EXIT_USAGE
    doc = json.loads(out)
    assert "fwctl9" in doc["error"] and doc["device"] == "fwctl9"


def test_info_device_error_exit_1(fake_sysfs, capsys) -> None:
    fake_sysfs.mlx5_dual_port()  # regular-file nodes: FWCTL_INFO gives ENOTTY
    code, out, _ = run(capsys, "--root", str(fake_sysfs.root), "info", "fwctl0", "--json")
    assert code == EXIT_DEVICE
    doc = json.loads(out)
    assert doc["errno"] == "ENOTTY" and "ENOTTY" in doc["error"]


def test_info_missing_argument_is_usage_error(capsys) -> None:
    assert main(["info"]) == EXIT_USAGE
    assert "required: DEVICE" in capsys.readouterr().err


# --- simulated -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("devices", "--simulate", "cx7", "--json"),
        ("--simulate", "cx7", "devices", "--json"),
        ("devices", "--simulate", "--json"),
    ],
)
def test_devices_simulate_json(fake_sysfs, capsys, argv: tuple[str, ...]) -> None:
    fake_sysfs.mlx5_dual_port()
    code, out, _ = run(capsys, "--root", str(fake_sysfs.root), *argv)
    assert code == EXIT_OK
    records = json.loads(out)
    names = [r["name"] for r in records]
    assert names[:2] == ["fwctl0", "fwctl1"] and "sim:cx7" in names
    simulated = next(r for r in records if r["name"] == "sim:cx7")
    assert simulated["kind"] == "simulated" and simulated["device_type"] == "mlx5"
    assert simulated["type_source"] == "FWCTL_INFO"  # as `info` says: the type was asked


def test_devices_simulate_human_is_labelled(capsys) -> None:
    code, out, _ = run(capsys, "devices", "--simulate", "cx7")
    assert code == EXIT_OK
    assert "SIMULATED" in out and "sim:cx7" in out


def test_devices_unknown_profile_is_usage_error(capsys) -> None:
    code, _, err = run(capsys, "devices", "--simulate", "cx99")
    assert code == EXIT_USAGE
    assert "cx99" in err and "cx7" in err


def test_info_simulated_json(capsys) -> None:
    code, out, _ = run(capsys, "info", "sim:cx7", "--json")
    assert code == EXIT_OK
    doc = json.loads(out)
    assert doc["name"] == "sim:cx7" and doc["kind"] == "simulated"
    assert doc["label"] == "SIMULATED"
    assert doc["device_type"] == "mlx5" and doc["device_type_value"] == 1
    assert {"uid", "uctx_caps", "uctx_cap_names"} <= set(doc["info"])
    assert doc["kernel"]["simulated"] is True


def test_info_simulated_human(capsys) -> None:
    code, out, _ = run(capsys, "info", "sim:cx7.1")
    assert code == EXIT_OK
    assert "SIMULATED" in out and "sim:cx7.1" in out


@pytest.mark.parametrize(("make", "fragment"), [
    (lambda p: p.mkdir(), "is a directory, not a capture file"),
    (lambda p: p.write_text(""), "cannot replay"),
    (lambda p: p.write_bytes(b"\x00\x01binary"), "cannot replay"),
])
def test_a_replay_device_that_is_not_a_capture_is_bad_input(
    tmp_path, capsys, make, fragment: str
) -> None:
    path = tmp_path / "thing.jsonl"
    make(path)
    code, out, err = run(capsys, "info", f"replay:{path}")
    assert code == 2 and fragment in err and "Errno" not in err and not out

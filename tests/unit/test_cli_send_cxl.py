"""`send` on a CXL device goes to the CXL plug-in: the command is never read as mlx5."""

from __future__ import annotations

import json

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.cli import EXIT_DEVICE, EXIT_USAGE
from fwctl_tui.connect import not_mlx5
from fwctl_tui.discovery import DeviceEntry


@pytest.mark.parametrize("command", ["GET_SUPPORTED_FEATURES", "0x0500"])
def test_send_on_cxl_memdev_uses_the_cxl_command_set(fake_sysfs, capsys, command) -> None:
    """The fake node is no fwctl device: opening it fails, after the CXL build chose it."""
    fake_sysfs.fwctl("fwctl0", fake_sysfs.cxl_memdev("mem0"), dev="511:0")
    code = main(["--root", str(fake_sysfs.root), "send", "fwctl0", command, "--json"])
    out, _ = capsys.readouterr()
    assert code == EXIT_DEVICE
    error = json.loads(out)["error"]
    assert "fwctl0 is not usable" in error
    assert "mlx5" not in error and "CREATE_QP" not in error


def test_cxl_input_errors_come_from_the_cxl_plugin(capsys) -> None:
    code = main(["send", "sim:cxl-mem", "GET_FEATURE", "feature=nonsense", "--json"])
    out, _ = capsys.readouterr()
    assert code == EXIT_USAGE
    doc = json.loads(out)
    assert doc["field"] == "feature" and "neither a UUID nor a known feature" in doc["error"]


def test_an_opened_device_of_another_type_refuses_mlx5_commands() -> None:
    entry = DeviceEntry(name="fwctl3", device_type="cxl")
    assert "commands --type cxl" in (not_mlx5(entry) or "")
    assert not_mlx5(DeviceEntry(name="fwctl0", device_type="mlx5")) is None

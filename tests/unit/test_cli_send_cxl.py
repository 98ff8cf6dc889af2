"""`send` on a CXL device refuses clearly instead of reading the command as an mlx5 one."""

from __future__ import annotations

import json

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.cli import EXIT_DEVICE


def test_send_on_cxl_memdev_refuses_before_reading_the_command(fake_sysfs, capsys) -> None:
    fake_sysfs.fwctl("fwctl0", fake_sysfs.cxl_memdev("mem0"), dev="511:0")
    code = main(["--root", str(fake_sysfs.root), "send", "fwctl0", "0x0500"])
    _, err = capsys.readouterr()
    assert code == EXIT_DEVICE
    assert "cxl commands are not supported yet" in err
    assert "mlx5 fwctl allow-list" not in err and "CREATE_QP" not in err


@pytest.mark.parametrize("command", ["GET_SUPPORTED_FEATURES", "0x0500"])
def test_send_on_cxl_json_error(fake_sysfs, capsys, command: str) -> None:
    fake_sysfs.fwctl("fwctl0", fake_sysfs.cxl_memdev("mem0"), dev="511:0")
    code = main(["--root", str(fake_sysfs.root), "send", "fwctl0", command, "--json"])
    out, _ = capsys.readouterr()
    assert code == EXIT_DEVICE
    assert json.loads(out)["error"].startswith("cxl commands are not supported yet: fwctl0")

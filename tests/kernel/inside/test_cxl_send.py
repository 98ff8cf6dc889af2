"""The CXL plug-in on the real kernel: one request list sent to a real cxl_test device and
to the simulated one (sim/cxl, cxl_test profile); errno and decoded replies must match.
Then the CLI: Get Supported Features, Set Feature refused at scope 0 (EINVAL explained),
accepted at DEBUG_WRITE (taints), Get Feature shows the change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.cli import EXIT_DEVICE, EXIT_OK, EXIT_USAGE
from fwctl_tui.drivers import plugin_for
from fwctl_tui.ioctl import FwctlDevice
from fwctl_tui.sim.cxl.host import CxlTestHost
from fwctl_tui.uapi import Scope

MOCK = "ffffffff-ffff-ffff-ffff-ffffffffffff"
TAINT_FWCTL = 1 << 19
PLUGIN = plugin_for("cxl")
# (command, values, scope or None for the plug-in's least scope); a fresh device each side
SHARED = [
    ("GET_SUPPORTED_FEATURES", {}, None),
    ("GET_SUPPORTED_FEATURES", {"start": "5"}, None),
    ("GET_FEATURE", {"feature": MOCK, "count": "4"}, None),
    ("GET_FEATURE", {"feature": MOCK, "count": "2", "offset": "2"}, None),
    ("GET_FEATURE", {"feature": MOCK, "count": "8"}, None),
    ("SET_FEATURE", {"feature": MOCK, "data": "0a0b0c0d"}, Scope.CONFIGURATION),
    ("SET_FEATURE", {"feature": "patrol_scrub", "data": "0c01"}, Scope.DEBUG_WRITE),
    ("SET_FEATURE", {"feature": MOCK, "data": "0a0b0c0d"}, Scope.DEBUG_WRITE),
    ("GET_FEATURE", {"feature": MOCK, "count": "4"}, None),
]


def _answers(device: FwctlDevice) -> list[tuple[int, dict | None]]:
    out = []
    for command, values, scope in SHARED:
        built = PLUGIN.build(command, values)
        result = device.rpc(built.scope if scope is None else scope, built.request,
                            built.out_len)
        out.append((result.errno, PLUGIN.decode(built, result.output) if not result.errno
                     else None))
    return out


# Two devices on purpose: one boot runs every file here, and a mock memdev keeps what Set
# Feature wrote until the reboot. test_core_rules' scenarios write fwctl0's feature, the
# shared list (compared with a new simulated device) writes fwctl1's, so the CLI test takes
# fwctl2, whose feature still holds the mock's own efbeadde. cxl_test makes 11 memdevs
# (../shared/realkernel/README.md).


def test_shared_list_same_on_real_and_simulated() -> None:
    with FwctlDevice.open("/dev/fwctl/fwctl1") as real:
        observed = _answers(real)
    with CxlTestHost().emulators[0].open_device() as simulated:
        expected = _answers(simulated)
    assert observed == expected


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_cli_lists_reads_refuses_and_sets(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run(capsys, "send", "fwctl2", "GET_SUPPORTED_FEATURES")
    assert code == EXIT_OK and doc["device_type"] == "cxl"
    [entry] = doc["reply"]["features"]
    assert entry["uuid"] == MOCK and entry["set_feature_scope"] == "DEBUG_WRITE"
    code, doc = run(capsys, "send", "fwctl2", "GET_FEATURE", f"feature={MOCK}")
    assert code == EXIT_OK and doc["reply"]["data"]["hex"] == "efbeadde"
    code, doc = run(capsys, "send", "fwctl2", "SET_FEATURE", f"feature={MOCK}",
                    "data=01020304", "--scope", "0")
    assert code == EXIT_USAGE and "changes the device; not sent" in doc["error"]  # no --yes
    code, doc = run(capsys, "send", "fwctl2", "SET_FEATURE", f"feature={MOCK}",
                    "data=01020304", "--scope", "0", "--yes")
    assert code == EXIT_DEVICE and doc["errno"] == 22
    assert "reset-only effects need DEBUG_WRITE" in doc["error"]
    code, doc = run(capsys, "send", "fwctl2", "SET_FEATURE", f"feature={MOCK}",
                    "data=01020304", "--yes")
    assert code == EXIT_OK and doc["scope"] == "DEBUG_WRITE"
    assert int(Path("/proc/sys/kernel/tainted").read_text()) & TAINT_FWCTL
    code, doc = run(capsys, "send", "fwctl2", "GET_FEATURE", f"feature={MOCK}")
    assert doc["reply"]["data"]["hex"] == "01020304"

"""The CLI on cxl and pds simulated devices: devices, commands --type, describe, send,
pds-entries; exit codes and errno explanations. `send`'s preview states the kernel's
verdict (accepted, verdict), and sending then meets exactly that answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.cli import EXIT_DEVICE, EXIT_OK, EXIT_USAGE

VENDOR = "0b5e55ed-c0de-4a11-8000-000000000001"
PATROL_SCRUB = "96dad7d6-fde8-482b-a733-75774e06db8a"  # kernel-exclusive, immediate effects
SAMPLE = Path(__file__).parents[2] / "fwctl_tui/sim/pds/sample_entries.json"


@pytest.fixture(autouse=True)
def entries_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FWCTL_TUI_PDS_ENTRIES_DIR", str(tmp_path / "entries"))


def run(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def test_devices_simulate_lists_every_type(capsys) -> None:
    code, rows = run(capsys, "devices", "--simulate")
    assert code == EXIT_OK
    types = {row["name"]: row["device_type"] for row in rows}
    assert types["sim:cxl-mem"] == "cxl" and types["sim:pds"] == "pds"
    assert "mlx5" in types.values()
    cxl = next(r for r in rows if r["name"] == "sim:cxl-mem")
    assert cxl["device_type_value"] == 2 and cxl["type_source"] == "FWCTL_INFO"


@pytest.mark.parametrize(("kind", "names"), [
    ("cxl", ["GET_SUPPORTED_FEATURES", "GET_FEATURE", "SET_FEATURE"]),
    ("pds", ["RPC"]), ("bnxt", ["RAW"])])
def test_commands_by_type(capsys, kind, names) -> None:
    code, rows = run(capsys, "commands", "--type", kind)
    assert code == EXIT_OK and [r["name"] for r in rows] == names


def test_describe_cxl_set_feature(capsys) -> None:
    code, doc = run(capsys, "describe", "--type", "cxl", "0x0502")
    assert code == EXIT_OK and doc["name"] == "SET_FEATURE" and doc["taints"]
    assert "kernel keeps for itself is EPERM" in doc["scope_rule"]


def test_cxl_supported_features_are_named(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cxl-mem", "GET_SUPPORTED_FEATURES")
    assert code == EXIT_OK and doc["device_type"] == "cxl"
    names = {f["name"] for f in doc["reply"]["features"]}
    assert {"Patrol Scrub Control", "DDR5 Error Check Scrub (ECS)"} <= names


def test_cxl_set_then_get_and_refusal_below_scope(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cxl-mem", "SET_FEATURE", f"feature={VENDOR}",
                    "data=0900000000000000", "--scope", "DEBUG_WRITE", "--yes")
    assert code == EXIT_DEVICE and doc["errno"] == 22
    assert "immediate-change effect needs DEBUG_WRITE_FULL" in doc["error"]
    code, doc = run(capsys, "send", "sim:cxl-mem", "SET_FEATURE", f"feature={VENDOR}",
                    "data=0900000000000000")
    assert code == EXIT_USAGE and doc["preview"]["scope"] == "DEBUG_WRITE_FULL"
    code, doc = run(capsys, "send", "sim:cxl-mem", "SET_FEATURE", f"feature={VENDOR}",
                    "data=0900000000000000", "--yes")
    assert code == EXIT_OK and doc["reply"]["retval_name"] == "SUCCESS"
    code, doc = run(capsys, "send", "sim:cxl-mem", "GET_FEATURE", f"feature={VENDOR}")
    assert doc["reply"]["data"]["hex"] == "0900000000000000"


def test_cxl_return_code_exits_1(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cxl-mem", "GET_FEATURE", f"feature={VENDOR}",
                    "selection=saved")
    assert code == EXIT_DEVICE and doc["reply"]["retval_name"] == "FEATURESELVALUE"


def test_pds_by_ids_and_eperm_above_scope(capsys) -> None:
    code, doc = run(capsys, "send", "sim:pds", "RPC", "ep=1", "op=1", "response_len=32")
    assert code == EXIT_OK
    assert bytes.fromhex(doc["reply"]["response"]).startswith(b"SIM-DSC")
    code, doc = run(capsys, "send", "sim:pds", "RPC", "ep=1", "op=2")
    assert code == EXIT_DEVICE and doc["errno"] == 1 and "not EBADMSG" in doc["error"]


def test_pds_entries_import_then_send_by_name(capsys) -> None:
    code, doc = run(capsys, "pds-entries", "sim:pds", "--import", str(SAMPLE))
    assert code == EXIT_OK and len(doc["entries"]) == 6
    code, doc = run(capsys, "send", "sim:pds", "config-get")
    assert code == EXIT_OK and doc["preview"]["entry"] == "config-get"


def test_pds_entries_bad_file(capsys, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"entries": [{"name": "x", "endpoint": "one", "operation": 1}]}')
    code, doc = run(capsys, "pds-entries", "sim:pds", "--import", str(bad))
    assert code == EXIT_USAGE and "entries[0] (x).endpoint" in doc["error"]


def test_cxl_set_feature_dry_run_previews_and_sends_nothing(capsys) -> None:
    before = run(capsys, "send", "sim:cxl-mem", "GET_FEATURE", f"feature={VENDOR}")[1]
    code, doc = run(capsys, "send", "sim:cxl-mem", "SET_FEATURE", f"feature={VENDOR}",
                    "data=0700000000000000", "--dry-run")
    assert code == EXIT_OK and doc["dry_run"] is True
    assert doc["preview"]["scope"] == "DEBUG_WRITE_FULL" and doc["preview"]["taints"] is True
    after = run(capsys, "send", "sim:cxl-mem", "GET_FEATURE", f"feature={VENDOR}")[1]
    assert after["reply"]["data"]["hex"] == before["reply"]["data"]["hex"]


@pytest.mark.parametrize(("scope", "errno_value", "words"), [
    ("DEBUG_WRITE", 22, "refused: EINVAL: Set Feature of this feature needs DEBUG_WRITE_FULL, "
                        "sent at DEBUG_WRITE"),
    ("DEBUG_WRITE_FULL", 1, "refused: EPERM: the kernel owns this feature"),
])
def test_cxl_preview_names_the_refusal_the_send_meets(capsys, scope, errno_value,
                                                      words) -> None:
    args = ("send", "sim:cxl-mem", "SET_FEATURE", f"feature={PATROL_SCRUB}", "data=0c01",
            "--scope", scope)
    code, dry = run(capsys, *args, "--dry-run")
    assert code == EXIT_OK
    assert dry["preview"]["accepted"] is False and dry["preview"]["verdict"] == words
    assert dry["preview"]["taints"] is True  # the core taints before the driver refuses
    code, sent = run(capsys, *args, "--yes")
    assert code == EXIT_DEVICE and sent["errno"] == errno_value


def test_pds_preview_from_saved_entries(capsys) -> None:
    assert run(capsys, "pds-entries", "sim:pds", "--import", str(SAMPLE))[0] == EXIT_OK
    code, dry = run(capsys, "send", "sim:pds", "log-level", "--scope", "DEBUG_READ_ONLY",
                    "--dry-run")
    assert code == EXIT_OK and dry["preview"]["accepted"] is False
    assert dry["preview"]["verdict"] == ("refused: EPERM: operation 0x3 needs DEBUG_WRITE, "
                                         "sent at DEBUG_READ_ONLY")
    code, sent = run(capsys, "send", "sim:pds", "log-level", "--scope", "DEBUG_READ_ONLY")
    assert code == EXIT_DEVICE and sent["errno"] == 1
    code, dry = run(capsys, "send", "sim:pds", "identity", "--dry-run")
    assert dry["preview"]["accepted"] is True and dry["preview"]["verdict"] == "accepted"


def test_pds_operation_outside_the_entries_is_not_predicted(capsys) -> None:
    code, dry = run(capsys, "send", "sim:pds", "RPC", "ep=9", "op=1", "--dry-run")
    assert code == EXIT_OK and dry["preview"]["accepted"] is None
    assert dry["preview"]["verdict"].startswith("not predicted: endpoint 0x9 operation 0x1")

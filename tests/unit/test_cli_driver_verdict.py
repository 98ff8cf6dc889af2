"""`send` on cxl and pds devices: the preview states the kernel's verdict (accepted,
verdict), and sending then meets exactly that answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.cli import EXIT_DEVICE, EXIT_OK

PATROL_SCRUB = "96dad7d6-fde8-482b-a733-75774e06db8a"  # kernel-exclusive, immediate effects
SAMPLE = Path(__file__).parents[2] / "fwctl_tui/sim/pds/sample_entries.json"


@pytest.fixture(autouse=True)
def entries_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FWCTL_TUI_PDS_ENTRIES_DIR", str(tmp_path / "entries"))


def run(capsys, *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


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

"""A capture's header names its device type; a stranger's capture may name anything.

`send replay:FILE` picks the plug-in from that name before opening the capture: a name
we have no plug-in for (empty, unknown, control characters) must give a clear error
through the mlx5 path, never a LookupError traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.cli import EXIT_USAGE
from fwctl_tui.connect import device_type_hint

SAMPLE = Path(__file__).parents[2] / "captures" / "07-cxl-features.jsonl"


def _with_type(tmp_path: Path, device_type: object) -> Path:
    header, *records = SAMPLE.read_text().splitlines()
    head = json.loads(header)
    head["device"]["device_type"] = device_type
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join([json.dumps(head), *records]) + "\n")
    return path


@pytest.mark.parametrize("device_type", ["", "evil\x1b[31m", "mlx5 ", 7, None])
def test_unknown_capture_type_is_a_clear_error(tmp_path, capsys, device_type) -> None:
    path = _with_type(tmp_path, device_type)
    assert device_type_hint(f"replay:{path}") is None
    code = main(["send", f"replay:{path}", "GET_SUPPORTED_FEATURES", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == EXIT_USAGE
    assert "unknown command 'GET_SUPPORTED_FEATURES'" in out["error"]


def test_known_capture_type_picks_its_plugin(tmp_path) -> None:
    assert device_type_hint(f"replay:{_with_type(tmp_path, 'cxl')}") == "cxl"

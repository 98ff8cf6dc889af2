"""Simulator syndromes are explained where the device or capture says it is simulated.

No global registry: the decoders explain a syndrome with the table they are handed, and
the table is chosen where a device is opened (sim:, replay:) or a capture is loaded,
by the capture header's `simulated` flag. Capture storage never imports the simulator.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fwctl_tui.connect import SimHosts, open_device
from fwctl_tui.decoders.mlx5.status import explain_syndrome
from fwctl_tui.sim.host import SimHost
from fwctl_tui.sim.mlx5.syndromes import ErrorKind, syndrome
from fwctl_tui.syndrome_source import syndromes_for

SAMPLE = Path(__file__).resolve().parents[2] / "captures" / "05-firmware-error.jsonl"
SIMULATED = syndrome(0x100, ErrorKind.BAD_OP_MOD)


def _with_simulated_flag(tmp_path: Path, simulated: bool) -> Path:
    header, *records = SAMPLE.read_text().splitlines()
    fields = json.loads(header)
    fields["simulated"] = simulated
    path = tmp_path / f"simulated-{simulated}.jsonl"
    path.write_text("\n".join([json.dumps(fields), *records]) + "\n")
    return path


def test_loading_a_simulated_capture_does_not_import_the_simulator() -> None:
    code = ("import sys; from fwctl_tui.captures import load_capture;"
            f" c = load_capture({str(SAMPLE)!r}); assert c.simulated; c.close();"
            " assert not [m for m in sys.modules if m.startswith('fwctl_tui.sim')]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_only_the_table_handed_in_explains_a_simulator_syndrome() -> None:
    with_table = explain_syndrome(SIMULATED, 0x100, syndromes_for(True)) or ""
    assert "defined by the fwctl-tui simulator" in with_table and "BAD_OP_MOD" in with_table
    # the simulator is imported by now: nothing it registered changes the answer
    assert syndromes_for(False) is None
    assert "not publicly documented" in (explain_syndrome(SIMULATED, 0x100) or "")


def test_a_simulated_device_carries_the_simulator_table() -> None:
    with open_device("sim:cx7", hosts=SimHosts({"cx7": SimHost("cx7", seed=1)})) as conn:
        assert conn.syndromes == syndromes_for(True)
        assert conn.syndromes is not None and SIMULATED in conn.syndromes.meanings


@pytest.mark.parametrize("simulated", [True, False])
def test_a_replay_takes_the_table_from_the_capture_header(
    tmp_path: Path, simulated: bool
) -> None:
    path = _with_simulated_flag(tmp_path, simulated)
    with open_device(f"replay:{path}") as conn:
        assert (conn.syndromes is not None) is simulated

"""A reader that leaves early (`fwctl-tui diff ... --json | head`) ends the CLI quietly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.capture_bench import generate


def test_diff_into_a_closed_pipe_exits_0_without_a_traceback(tmp_path: Path) -> None:
    capture = tmp_path / "big.jsonl"
    generate(capture, 3000)  # its diff is megabytes of JSON: far more than a pipe holds
    proc = subprocess.Popen(
        [sys.executable, "-m", "fwctl_tui", "diff", str(capture), str(capture), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(64).startswith(b"{")
    proc.stdout.close()  # the reader leaves while the writer still has most to write
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert "Traceback" not in stderr and "Broken pipe" not in stderr, stderr

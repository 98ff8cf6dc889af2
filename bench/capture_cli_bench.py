"""CLI over a 100k-record capture: `replay` (table), `replay --json` and `diff`, each in a
fresh process with its output going to /dev/null, timed with its peak RSS.

Targets (issue 11): the `replay` table of 100k records in <= 10 s and <= 300 MB. JSON and
diff have no number in the issue; they are reported next to it (both stream or hold
only what they must, see docs/capture-format.md).

    .venv/bin/python -m bench capture_cli_bench        # or: python bench/capture_cli_bench.py [N]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.capture_bench import generate

_PROBE = """
import json, os, resource, sys, time
sys.stdout = open(os.devnull, "w")
start = time.perf_counter()
from fwctl_tui.__main__ import main
code = main(sys.argv[1:])
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"code": code, "s": elapsed, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024}), file=sys.stderr)
"""

TARGETS = {"replay_table_s": ("<=", 10.0), "replay_table_rss_mb": ("<=", 300.0)}


def _measure(argv: list[str]) -> dict[str, Any]:
    """Seconds (interpreter start excluded, imports included), CPU seconds (what a shared
    machine's load does not inflate) and peak RSS of one run."""
    proc = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True,
                          text=True, check=True)
    result: dict[str, Any] = json.loads(proc.stderr.strip().splitlines()[-1])
    return result


def run(records: int = 100_000) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="capture-cli-bench-") as tmp:
        a, b = Path(tmp) / "a.jsonl", Path(tmp) / "b.jsonl"
        generate(a, records)
        generate(b, records, first_step=7)  # same questions, other counter values
        result: dict[str, Any] = {"records": records}
        for name, argv in (("replay_table", ["replay", str(a)]),
                           ("replay_json", ["replay", "--json", str(a)]),
                           ("diff", ["diff", str(a), str(b)])):
            started = time.perf_counter()
            measured = _measure(argv)
            result[f"{name}_s"] = round(measured["s"], 2)
            result[f"{name}_cpu_s"] = round(measured["cpu_s"], 2)
            result[f"{name}_rss_mb"] = round(measured["rss_mb"], 1)
            result[f"{name}_process_s"] = round(time.perf_counter() - started, 2)
    _print_table(result)
    return result


def _print_table(result: dict[str, Any]) -> None:
    print(f"   {'metric':<24} {'value':>10}  target")
    for key, value in result.items():
        target = TARGETS.get(key)
        verdict = ""
        if target is not None:
            op, limit = target
            ok = value <= limit if op == "<=" else value >= limit
            verdict = f"{op} {limit:g}  {'ok' if ok else 'MISSED'}"
        print(f"   {key:<24} {value:>10}  {verdict}")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

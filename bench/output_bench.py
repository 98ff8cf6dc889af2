"""Human output of very large replies: bounded and fast.

Run `python -m bench.output_bench` (or `python -m bench output_bench`). Measures:
- the whole CLI, `fwctl-tui send sim:cx7 QUERY_DIAGNOSTIC_COUNTERS --out-len 2097152`,
  as a fresh process (interpreter start included; the simulated firmware refuses it,
  so its reply is a failed status with 2 MiB of buffer behind it);
- the table alone (`print_tree`) for a 2 MiB QUERY_DIAGNOSTIC_COUNTERS reply whose status
  is OK and whose 131k counters are all valid (all 0xff), as when diagnostics are on;
- the table of a 4 KB reply of all 0xff bytes (status 0xff: a failed reply), and of a
  4 KB QUERY_HCA_CAP reply with status OK and every capability bit set.
Each is the best of three runs; the peak RSS of the CLI run is reported too.
"""

from __future__ import annotations

import contextlib
import io
import resource
import subprocess
import sys
import time
from typing import Any

from fwctl_tui.cli.reply_table import print_tree
from fwctl_tui.decoders import catalogue, decode_output

TWO_MIB = 2 * 1024 * 1024
CLI = [sys.executable, "-m", "fwctl_tui", "send", "sim:cx7", "QUERY_DIAGNOSTIC_COUNTERS",
       "--out-len", str(TWO_MIB)]


def _cli_run() -> tuple[float, int, int]:
    """(seconds, lines printed, peak RSS in KB) of one CLI process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(CLI, capture_output=True, text=True, check=False)
    spent = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return spent, done.stdout.count("\n"), max(rss, before)


def _table(command: str, data: bytes) -> tuple[float, int]:
    """(best seconds, lines) to decode and print `data` as `command`'s reply table."""
    cmd = catalogue.find(command)
    best, lines = float("inf"), 0
    for _ in range(3):
        sink = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(sink):
            print_tree(decode_output(cmd, data), cmd, is_reply=True)
        best = min(best, time.perf_counter() - start)
        lines = sink.getvalue().count("\n")
    return best, lines


def run(quiet: bool = False) -> dict[str, Any]:
    runs = [_cli_run() for _ in range(3)]
    cli_s, cli_lines, cli_rss = min(runs)
    ok_2m = bytes(16) + b"\xff" * (TWO_MIB - 16)
    results = {
        "cli_2mib_s": cli_s, "cli_2mib_lines": cli_lines, "cli_2mib_rss_kb": cli_rss,
        "table_2mib_ok": _table("QUERY_DIAGNOSTIC_COUNTERS", ok_2m),
        "table_4k_ff": _table("QUERY_HCA_CAP", b"\xff" * 4096),
        "table_4k_hca_ok_ff": _table("QUERY_HCA_CAP", bytes(16) + b"\xff" * 4096),
    }
    if not quiet:
        print(f"{'what':58} {'time':>9} {'lines':>6}")
        print(f"{'send QUERY_DIAGNOSTIC_COUNTERS --out-len 2097152 (CLI)':58} "
              f"{cli_s:8.2f}s {cli_lines:6}   peak RSS {cli_rss / 1024:.0f} MB")
        for key, label in (("table_2mib_ok", "2 MiB reply, status OK, 131k counters (table)"),
                           ("table_4k_ff", "4 KB reply, all 0xff (failed status) (table)"),
                           ("table_4k_hca_ok_ff", "4 KB QUERY_HCA_CAP, OK, all bits set (table)")):
            seconds, lines = results[key]
            print(f"{label:58} {seconds:8.3f}s {lines:6}")
    return results


def main() -> None:
    run()


if __name__ == "__main__":
    main()

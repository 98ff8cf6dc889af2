"""Run every benchmark in one process and print their tables (`make bench`)."""

from __future__ import annotations

import importlib
import sys
import time

BENCHES = ("bench.ioctl_bench", "bench.decode_bench", "bench.capture_bench",
           "bench.capture_cli_bench", "bench.tui_bench", "bench.output_bench", "bench.watch_bench",
           "bench.terminal_latency")


def main() -> int:
    only = set(sys.argv[1:])
    for name in BENCHES:
        if only and name.rsplit(".", 1)[-1] not in only:
            continue
        module = importlib.import_module(name)
        started = time.perf_counter()
        print(f"== {name} ==", flush=True)
        (getattr(module, "main", None) or module.run)()  # main() prints a table, run() not
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

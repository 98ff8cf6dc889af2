"""TUI benchmarks: start-up against a bare Textual app, and catalogue filtering per keystroke.

Targets (issue 5): reaching the first interactive screen (the device list, filled) from a
fresh interpreter takes at most 1.5x what a bare Textual app needs to show one widget,
both measured in the same run, and one
keystroke of catalogue filtering over the full catalogue costs at most 16 ms (one frame
at 60 Hz; judged on the 95th percentile, search plus swapping the list's options, painting
excluded). "Interactive" is the device screen mounted and taking keys; the time until
the background scan has filled it is reported beside it. Headless, median of
interleaved runs; never asserted in tests.

    .venv/bin/python -m bench.tui_bench
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static

STARTUP_RUNS = 5
QUERIES = ("query_hca_cap", "admin_status", "0x5006", "ppcnt", "diagnostic", "port counters",
           "module temperature")
STARTUP_TARGET = 1.5
FILTER_TARGET_MS = 16.0
POLL_S = 0.002


class BareApp(App[None]):
    """The yardstick: a Textual app that shows one widget and nothing else."""

    def compose(self) -> ComposeResult:
        yield Static("ready")


async def _probe(kind: str, data_dir: Path) -> None:
    """Child side: start one app headless, print READY once it is interactive, quit."""
    if kind == "bare":
        app: App[Any] = BareApp()
        async with app.run_test(size=(120, 36)):
            await asyncio.sleep(POLL_S)
            print("READY", flush=True)
        return
    from fwctl_tui.app import FwctlApp
    from fwctl_tui.config import Config
    from fwctl_tui.screens.devices import DevicesScreen

    app = FwctlApp(profile="cx7", config=Config(recording=False), recording=False,
                   data_dir=data_dir)
    async with app.run_test(size=(120, 36)):
        # Poll with a real sleep: a busy loop here would hold the GIL and starve the
        # scan worker, which an idle app never does.
        while not (isinstance(app.screen, DevicesScreen) and app.screen.is_mounted):
            await asyncio.sleep(POLL_S)
        print("READY", flush=True)  # interactive: keys, help and palette work
        while not app.screen.query_one(DataTable).row_count:
            await asyncio.sleep(POLL_S)
        print("LISTED", flush=True)  # the background scan has filled the list


def _startup(kind: str, data_dir: Path) -> dict[str, float]:
    """Seconds from launching a fresh interpreter to each milestone the child prints."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.tui_bench", "--probe", kind, str(data_dir)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1],
    )
    assert child.stdout is not None
    marks = {line.strip(): time.perf_counter() - start for line in child.stdout}
    child.wait(timeout=60)
    if "READY" not in marks:
        raise RuntimeError(f"{kind} app never became ready")
    return marks


async def _filter_timings(data_dir: Path) -> list[float]:
    """Milliseconds per keystroke: search + swapping the OptionList's options."""
    from fwctl_tui.app import FwctlApp
    from fwctl_tui.config import Config
    from fwctl_tui.screens.catalogue import CatalogueScreen

    app = FwctlApp(profile="cx7", config=Config(recording=False), recording=False,
                   data_dir=data_dir)
    timings: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await app.push_screen(CatalogueScreen())
        await pilot.pause()
        # the index is built while the user reads the device list (warm_catalogue):
        # keystrokes are timed against a built index, as a user types against one
        await app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        for query in QUERIES:
            for end in range(1, len(query) + 1):
                start = time.perf_counter()
                screen.apply_filter(query[:end])
                timings.append((time.perf_counter() - start) * 1000)
                await pilot.pause(0)
            screen.apply_filter("")
    return timings


def run() -> dict[str, Any]:
    """Run both benchmarks; the dict is what `make bench` prints and compares."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        bare: list[dict[str, float]] = []
        ours: list[dict[str, float]] = []
        for _ in range(STARTUP_RUNS):  # interleaved, so machine load hits both alike
            bare.append(_startup("bare", data_dir))
            ours.append(_startup("fwctl", data_dir))
        filters = asyncio.run(_filter_timings(data_dir))
    from fwctl_tui.workbench import catalogue_model

    def median_ms(runs: list[dict[str, float]], mark: str) -> float:
        return statistics.median(run[mark] for run in runs) * 1000

    bare_ms, ours_ms = median_ms(bare, "READY"), median_ms(ours, "READY")
    p95 = statistics.quantiles(filters, n=20)[-1]
    ratio = ours_ms / bare_ms
    return {
        "bare_textual_startup_ms": round(bare_ms, 1),
        "fwctl_tui_interactive_ms": round(ours_ms, 1),
        "fwctl_tui_devices_listed_ms": round(median_ms(ours, "LISTED"), 1),
        "startup_ratio": round(ratio, 2),
        "startup_target_ratio": STARTUP_TARGET,
        "startup_ok": ratio <= STARTUP_TARGET,
        "catalogue_entries": len(catalogue_model.rows()),
        "filter_keystrokes": len(filters),
        "filter_ms_median": round(statistics.median(filters), 2),
        "filter_ms_p95": round(p95, 2),
        "filter_ms_max": round(max(filters), 2),
        "filter_target_ms": FILTER_TARGET_MS,
        "filter_ok": p95 <= FILTER_TARGET_MS,
    }


def main() -> None:
    from bench import tui_responsiveness

    results = {**run(), **tui_responsiveness.run()}
    width = max(len(key) for key in results)
    print(f"{'metric':<{width}}  value")
    print(f"{'-' * width}  -----")
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--probe":
        asyncio.run(_probe(sys.argv[2], Path(sys.argv[3])))
    else:
        main()

"""Responsiveness (issue 13): the real app driven by Pilot, at 120x36 and 80x24.

Each number is wall time from the user's action to the screen having handled it and
repainted (Pilot's `pause()`: the app's queues idle and a refresh processed):

- keypress in the catalogue search and in a command form's field (p95 <= 50 ms);
- opening a command form from the palette's hit (<= 150 ms);
- opening a simulated device from the device list (<= 300 ms);
- opening a 100k-record capture until its findings summary shows (<= 1.5 s), and until
  the browser is on screen (`capture_shown`: the file is read in a worker);
- opening a dropdown (a form's enum Select) (<= 50 ms).

`bare_textual_key_median` is the same keypress measured on a Textual app with one Input
and nothing else: the floor of the method (Pilot's press and pause, two idle waits of at
least 20 ms each), to read the others against. Beside each wall time, `..._cpu` is the
process CPU time of the same interval (the work done, workers included): on a loaded
machine it moves far less than the wall time, and without Pilot's idle waits it is what
a keypress costs. `palette_to_form_shown` is the time until the form is on screen with
its first fields (the rest of a long form is mounted right after that paint);
`palette_to_form` lasts until all of it is mounted and the app is idle. Headless;
measured in one process after a warm-up of each path (the first opening of a screen
imports its modules; that cost belongs to start-up, measured in tui_bench).

    .venv/bin/python -m bench.tui_responsiveness [RECORDS]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Select

SIZES = ((120, 36), (80, 24))
TARGETS_MS = {"catalogue_key_p95": 50.0, "form_key_p95": 50.0, "palette_to_form": 150.0,
              "palette_to_form_shown": 150.0, "open_device": 300.0,
              "capture_findings": 1500.0, "dropdown_open": 50.0,
              "capture_shown": 300.0}  # the browser's first paint: the device-open target
TYPED = "query_hca"
DIGITS = "12345"
RUNS = 3


def _app(data_dir: Path) -> Any:
    from fwctl_tui.app import FwctlApp
    from fwctl_tui.config import Config

    return FwctlApp(profile="cx7", config=Config(recording=False), recording=False,
                    data_dir=data_dir)


async def _wait(pilot: Any, done: Any, limit_s: float = 60.0) -> None:
    """Pause until `done()`; the loop yields to workers, never sleeps a fixed time."""
    end = time.perf_counter() + limit_s
    while not done():
        if time.perf_counter() > end:
            raise RuntimeError("the app never reached the state")
        await pilot.pause(0.01)  # a busier poll would steal the GIL from the workers
    await pilot.pause()


class _Clock:
    """Wall and process CPU time since `start()`, kept per metric when `keep`."""

    def __init__(self, out: dict[str, list[float]], cpu: dict[str, list[float]]) -> None:
        self.out, self.cpu = out, cpu
        self.wall0 = self.cpu0 = 0.0

    def start(self) -> None:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()

    def stop(self, key: str, keep: bool) -> None:
        if keep:
            self.out[key].append(time.perf_counter() - self.wall0)
            self.cpu[key].append(time.process_time() - self.cpu0)


async def _shown(done: Any, limit_s: float = 60.0) -> None:
    """Until `done()`, polled every 2 ms without Pilot's idle wait (a first paint)."""
    end = time.perf_counter() + limit_s
    while not done():
        if time.perf_counter() > end:
            raise RuntimeError("the app never reached the state")
        await asyncio.sleep(0.002)


async def _measure(size: tuple[int, int], capture: Path, data_dir: Path) -> dict[str, Any]:
    from fwctl_tui.screens.capture_browser import CaptureBrowserScreen
    from fwctl_tui.screens.catalogue import CatalogueScreen
    from fwctl_tui.screens.command import CommandScreen
    from fwctl_tui.screens.devices import DevicesScreen
    from fwctl_tui.screens.palette import CatalogueCommands

    app = _app(data_dir)
    out: dict[str, list[float]] = {key: [] for key in TARGETS_MS}
    cpu: dict[str, list[float]] = {key: [] for key in TARGETS_MS}
    clock = _Clock(out, cpu)
    async with app.run_test(size=size) as pilot:
        await _wait(pilot, lambda: isinstance(app.screen, DevicesScreen)
                    and app.screen.query_one(DataTable).row_count)
        for run in range(RUNS + 1):  # run 0 warms every path up
            keep = run > 0
            clock.start()
            await pilot.press("enter")
            await _wait(pilot, lambda: isinstance(app.screen, CatalogueScreen))
            clock.stop("open_device", keep)
            screen = app.screen
            await pilot.press("slash")
            await pilot.pause()
            for key in TYPED:
                clock.start()
                await pilot.press(key)
                await pilot.pause()
                clock.stop("catalogue_key_p95", keep)
            await pilot.press("escape")
            await pilot.pause()

            provider = CatalogueCommands(screen)
            hits = [hit async for hit in provider.search("ACCESS_REG:PAOS")]
            best = max(hits, key=lambda hit: hit.score)
            clock.start()
            best.command()
            await _shown(lambda: isinstance(app.screen, CommandScreen)
                         and any(editor.region for editor in app.screen.query(Input)))
            clock.stop("palette_to_form_shown", keep)
            await _wait(pilot, lambda: isinstance(app.screen, CommandScreen))
            clock.stop("palette_to_form", keep)
            form = app.screen
            field = next(w for w in form.query(Input) if w.id and "local_port" in w.id)
            form.set_focus(field)
            await pilot.pause()
            for key in DIGITS:
                clock.start()
                await pilot.press(key)
                await pilot.pause()
                clock.stop("form_key_p95", keep)
            select = form.query(Select).first()
            form.set_focus(select)
            await pilot.pause()
            clock.start()
            await pilot.press("enter")
            await _wait(pilot, lambda s=select: s.expanded)
            clock.stop("dropdown_open", keep)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("escape")  # the form
            await _wait(pilot, lambda: isinstance(app.screen, CatalogueScreen))

            clock.start()
            browser = CaptureBrowserScreen(capture)
            await app.push_screen(browser)
            await _shown(lambda b=browser: b.is_current
                         and b.query_one("#capture-header").region.height > 0)
            clock.stop("capture_shown", keep)
            await _wait(pilot, lambda b=browser: b.findings is not None)
            clock.stop("capture_findings", keep)
            app.pop_screen()
            await pilot.pause()
            app.pop_screen()  # back to the device list
            await _wait(pilot, lambda: isinstance(app.screen, DevicesScreen))
    return _summarise(out, cpu)


class _BareInput(App[None]):
    """The yardstick: one Input and nothing else, typed into the same way."""

    def compose(self) -> ComposeResult:
        yield Input()


async def _bare_key_ms() -> tuple[float, float]:
    """Median ms per key (wall, CPU) of a bare Textual app by the same method: Pilot's
    own floor."""
    app = _BareInput()
    times, cpu = [], []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in "abcdefghijkl":
            start, start_cpu = time.perf_counter(), time.process_time()
            await pilot.press(key)
            await pilot.pause()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    return round(statistics.median(times), 1), round(statistics.median(cpu), 1)


def _summarise(samples: dict[str, list[float]],
               cpu: dict[str, list[float]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, values in samples.items():
        ms = [value * 1000 for value in values]
        value = _statistic(key, ms)
        result[key] = round(value, 1)
        if key.endswith("p95"):
            result[key.replace("p95", "median")] = round(statistics.median(ms), 1)
        result[f"{key}_ok"] = value <= TARGETS_MS[key]
        result[f"{key}_cpu"] = round(_statistic(key, [v * 1000 for v in cpu[key]]), 1)
    return result


def _statistic(key: str, ms: list[float]) -> float:
    """p95 for the keypress metrics, else the median."""
    if key.endswith("p95") and len(ms) > 1:
        return statistics.quantiles(ms, n=20)[-1]
    return statistics.median(ms)


def run(records: int = 100_000) -> dict[str, Any]:
    from bench.capture_bench import generate

    with tempfile.TemporaryDirectory() as tmp:
        capture = Path(tmp) / "big.jsonl"
        generate(capture, records)
        bare_wall, bare_cpu = asyncio.run(_bare_key_ms())
        results: dict[str, Any] = {"load_average_1m": round(os.getloadavg()[0], 2),
                                   "capture_records": records,
                                   "bare_textual_key_median": bare_wall,
                                   "bare_textual_key_median_cpu": bare_cpu}
        for width, height in SIZES:
            measured = asyncio.run(_measure((width, height), capture, Path(tmp)))
            results.update({f"{width}x{height} {key}": value for key, value in measured.items()})
        results["load_average_1m_after"] = round(os.getloadavg()[0], 2)
    return results


def main() -> None:
    results = run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    width = max(len(key) for key in results)
    print(f"{'metric (ms)':<{width}}  value")
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()

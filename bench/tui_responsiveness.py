"""Responsiveness (issue 13): the real app driven by Pilot, at 120x36 and 80x24.

Each number is wall time from the user's action to the screen having handled it and
repainted (Pilot's `pause()`: the app's queues idle and a refresh processed):

- keypress in the catalogue search and in a command form's field (p95 <= 50 ms);
- opening a command form from the palette's hit (<= 150 ms);
- opening a simulated device from the device list (<= 300 ms);
- opening a 100k-record capture until its findings summary shows (<= 1.5 s);
- opening a dropdown (a form's enum Select) (<= 50 ms).

`bare_textual_key_median` is the same keypress measured on a Textual app with one Input
and nothing else: the floor of the method (Pilot's press and pause), to read the others
against. Headless; measured in one process after a warm-up of each path (the first opening of a
screen imports its modules; that cost belongs to start-up, measured in tui_bench).

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
from textual.widgets import Input, Select

SIZES = ((120, 36), (80, 24))
TARGETS_MS = {"catalogue_key_p95": 50.0, "form_key_p95": 50.0, "palette_to_form": 150.0,
              "open_device": 300.0, "capture_findings": 1500.0, "dropdown_open": 50.0}
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


async def _measure(size: tuple[int, int], capture: Path, data_dir: Path) -> dict[str, Any]:
    from fwctl_tui.screens.capture_browser import CaptureBrowserScreen
    from fwctl_tui.screens.catalogue import CatalogueScreen
    from fwctl_tui.screens.command import CommandScreen
    from fwctl_tui.screens.devices import DevicesScreen
    from fwctl_tui.screens.palette import CatalogueCommands

    app = _app(data_dir)
    out: dict[str, list[float]] = {key: [] for key in TARGETS_MS}
    async with app.run_test(size=size) as pilot:
        await _wait(pilot, lambda: isinstance(app.screen, DevicesScreen)
                    and app.screen.query_one("DataTable").row_count)
        for run in range(RUNS + 1):  # run 0 warms every path up
            keep = run > 0
            start = time.perf_counter()
            await pilot.press("enter")
            await _wait(pilot, lambda: isinstance(app.screen, CatalogueScreen))
            if keep:
                out["open_device"].append(time.perf_counter() - start)
            screen = app.screen
            await pilot.press("slash")
            await pilot.pause()
            for key in TYPED:
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                if keep:
                    out["catalogue_key_p95"].append(time.perf_counter() - start)
            await pilot.press("escape")
            await pilot.pause()

            provider = CatalogueCommands(screen)
            hits = [hit async for hit in provider.search("ACCESS_REG:PAOS")]
            best = max(hits, key=lambda hit: hit.score)
            start = time.perf_counter()
            best.command()
            await _wait(pilot, lambda: isinstance(app.screen, CommandScreen))
            if keep:
                out["palette_to_form"].append(time.perf_counter() - start)
            form = app.screen
            field = next(w for w in form.query(Input) if w.id and "local_port" in w.id)
            form.set_focus(field)
            await pilot.pause()
            for key in DIGITS:
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                if keep:
                    out["form_key_p95"].append(time.perf_counter() - start)
            select = form.query(Select).first()
            form.set_focus(select)
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("enter")
            await _wait(pilot, lambda s=select: s.expanded)
            if keep:
                out["dropdown_open"].append(time.perf_counter() - start)
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("escape")  # the form
            await _wait(pilot, lambda: isinstance(app.screen, CatalogueScreen))

            start = time.perf_counter()
            browser = CaptureBrowserScreen(capture)
            await app.push_screen(browser)
            await _wait(pilot, lambda b=browser: b.findings is not None)
            if keep:
                out["capture_findings"].append(time.perf_counter() - start)
            app.pop_screen()
            await pilot.pause()
            app.pop_screen()  # back to the device list
            await _wait(pilot, lambda: isinstance(app.screen, DevicesScreen))
    return _summarise(out)


class _BareInput(App[None]):
    """The yardstick: one Input and nothing else, typed into the same way."""

    def compose(self) -> ComposeResult:
        yield Input()


async def _bare_key_ms() -> float:
    """Median ms per key of a bare Textual app by the same method: Pilot's own floor."""
    app = _BareInput()
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in "abcdefghijkl":
            start = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def _summarise(samples: dict[str, list[float]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, values in samples.items():
        ms = [value * 1000 for value in values]
        value = (statistics.quantiles(ms, n=20)[-1] if key.endswith("p95") and len(ms) > 1
                 else statistics.median(ms))
        result[key] = round(value, 1)
        if key.endswith("p95"):
            result[key.replace("p95", "median")] = round(statistics.median(ms), 1)
        result[f"{key}_ok"] = value <= TARGETS_MS[key]
    return result


def run(records: int = 100_000) -> dict[str, Any]:
    from bench.capture_bench import generate

    with tempfile.TemporaryDirectory() as tmp:
        capture = Path(tmp) / "big.jsonl"
        generate(capture, records)
        results: dict[str, Any] = {"load_average_1m": round(os.getloadavg()[0], 2),
                                   "capture_records": records,
                                   "bare_textual_key_median": asyncio.run(_bare_key_ms())}
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

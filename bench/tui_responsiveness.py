"""Responsiveness (issue 13): the real app driven by Pilot, at 120x36 and 80x24.

Each number is the wall time from the user's action (the key event Pilot posts) to the
first repaint that shows its effect:

- keypress in the catalogue search and in a command form's field (p95 <= 50 ms);
- Enter on the command palette's hit to the command form with its first fields
  (<= 150 ms); Enter on the catalogue list's row, for comparison;
- Enter on the device list to the simulated device's catalogue with its rows (<= 300 ms);
- pushing the capture browser on a 100k-record capture until its findings summary shows
  (<= 1.5 s), and until the browser is on screen (`capture_shown`, <= 300 ms);
- Enter on a form's enum dropdown until its list shows (<= 50 ms).

How a repaint is seen: the app runs with `TerminalDriver`, a headless driver that tells
the app it is a terminal, so each display is rendered to escape sequences and written to
it (a display held back by `App.delay_update`, or with nothing to draw, writes
nothing). At each write the action's expected state is checked; the first
write where it holds is the repaint. Pilot's own waits (its press and pause idle twice
for at least 20 ms each) come after that and are not counted: they are why timing to
Pilot's return could not go below 83 ms a key. Only the terminal's own work is left out
(bench/terminal_latency.py measures that too, with the app in tmux).

Beside each wall time, `..._cpu` is the process CPU time of the same interval. Measured
in one process after a warm-up of each path (a screen's first opening imports its
modules: that cost belongs to start-up, measured in tui_bench).

    .venv/bin/python -m bench.tui_responsiveness [RECORDS]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.command import CommandList, CommandPalette
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import DataTable, Input, OptionList, Select

from fwctl_tui.app import FwctlApp
from fwctl_tui.config import Config

SIZES = ((120, 36), (80, 24))
TARGETS_MS = {"catalogue_key_p95": 50.0, "form_key_p95": 50.0, "palette_to_form": 150.0,
              "catalogue_to_form": 150.0, "open_device": 300.0, "capture_shown": 300.0,
              "capture_findings": 1500.0, "dropdown_open": 50.0}
TYPED = "query_hca"
# keys typed into PAOS's local_port (it starts at 1, selected: 2 replaces it) and the
# field after each: every key changes the request, which stays valid (8 bits)
FORM_KEYS = (("2", "2"), ("5", "25"), ("backspace", "2"), ("4", "24"), ("backspace", "2"))
PALETTE_QUERY = "access_reg:paos"
RUNS = 5
LIMIT_S = 60.0


class TerminalDriver(HeadlessDriver):
    """Headless input, but the app renders for a terminal: every display is turned into
    escape sequences and written here, as to a tty (a display held back by
    `delay_update`, or with nothing to draw, writes nothing). Each write is a repaint:
    the first after an action at which the app's probe holds is the one timed."""

    def __init__(self, app: Any, **options: Any) -> None:
        super().__init__(app, **options)
        assert isinstance(app, PaintedApp)
        self.painted_app = app

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.painted_app.painted_now()


class PaintedApp(FwctlApp):
    """The app, noting the first repaint after an action at which a probe holds."""

    CSS_PATH = str(Path(sys.modules[FwctlApp.__module__].__file__ or "").parent
                   / str(FwctlApp.CSS_PATH))

    def __init__(self, data_dir: Path) -> None:
        super().__init__(profile="cx7", config=Config(recording=False), recording=False,
                         data_dir=data_dir)
        self.probes: dict[str, Callable[[], bool]] = {}  # metric -> the state it waits for
        self.painted: dict[str, tuple[float, float]] = {}  # metric -> (wall, CPU) when a
        # repaint first showed it

    def get_driver_class(self) -> Any:
        return TerminalDriver  # run_test(headless=False) starts this one

    def painted_now(self) -> None:
        for key, probe in list(self.probes.items()):
            if probe():
                self.painted[key] = time.perf_counter(), time.process_time()
                del self.probes[key]


class Timing:
    """Wall and CPU ms from an action to the repaint `app.probe` waits for, per metric."""

    def __init__(self, app: PaintedApp, pilot: Any) -> None:
        self.app, self.pilot = app, pilot
        self.wall: dict[str, list[float]] = {key: [] for key in TARGETS_MS}
        self.cpu: dict[str, list[float]] = {key: [] for key in TARGETS_MS}
        self.keep = False

    async def repaint(self, act: Callable[[], Any], **probes: Callable[[], bool]) -> None:
        """Run `act` (a coroutine function, or a plain call), then wait for the repaint
        each metric's probe waits for."""
        self.app.probes.update(probes)
        wall, cpu = time.perf_counter(), time.process_time()
        done = act()
        if asyncio.iscoroutine(done):
            await done
        for key in probes:
            await until(self.pilot, lambda k=key: k not in self.app.probes)
            if self.keep:
                painted_wall, painted_cpu = self.app.painted[key]
                self.wall[key].append((painted_wall - wall) * 1000)
                self.cpu[key].append((painted_cpu - cpu) * 1000)

    async def press(self, key: str, metric: str, probe: Callable[[], bool]) -> None:
        await self.repaint(lambda: self.pilot.press(key), **{metric: probe})


async def until(pilot: Any, done: Callable[[], Any]) -> None:
    """Pause until `done()`, polling; the loop yields to workers, never a fixed wait."""
    end = time.perf_counter() + LIMIT_S
    while not done():
        if time.perf_counter() > end:
            raise RuntimeError("the app never reached the state")
        await pilot.pause(0.01)  # a busier poll would steal the GIL from the workers
    await pilot.pause()


def shown(widget: Any) -> bool:
    """On screen: mounted, laid out with a size."""
    return bool(widget.is_mounted and widget.region)


async def _measure(size: tuple[int, int], capture: Path, data_dir: Path) -> dict[str, Any]:
    from fwctl_tui.screens.capture_browser import CaptureBrowserScreen
    from fwctl_tui.screens.catalogue import CatalogueScreen
    from fwctl_tui.screens.command import CommandScreen
    from fwctl_tui.screens.devices import DevicesScreen

    app = PaintedApp(data_dir)

    def form_shown() -> bool:
        screen = app.screen
        return isinstance(screen, CommandScreen) and any(shown(w) for w in screen.query(Input))

    def catalogue_shown() -> bool:
        screen = app.screen
        return (isinstance(screen, CatalogueScreen)
                and any(shown(w) and w.option_count
                        for w in screen.query("#catalogue-list").results(OptionList)))

    async with app.run_test(size=size, headless=False) as pilot:
        timing = Timing(app, pilot)
        await until(pilot, lambda: isinstance(app.screen, DevicesScreen)
                    and app.screen.query_one(DataTable).row_count)
        for run in range(RUNS + 1):  # run 0 warms every path up
            timing.keep = run > 0
            await timing.press("enter", "open_device", catalogue_shown)
            await until(pilot, lambda: isinstance(app.screen, CatalogueScreen))
            catalogue = app.screen
            await pilot.press("slash")
            await pilot.pause()
            search = app.focused
            assert isinstance(search, Input)
            for n in range(1, len(TYPED) + 1):
                # repainted with the key echoed and the list filtered by it
                await timing.press(TYPED[n - 1], "catalogue_key_p95",
                                   lambda s=search, t=TYPED[:n], c=catalogue, old=catalogue.found:
                                   s.value == t and c.found is not old)

            # the catalogue list's row, Enter: the same form without the palette
            await pilot.press("ctrl+u", *"paos")  # the search box emptied, then PAOS
            await until(pilot, lambda s=search: s.value == "paos")
            await pilot.press("down")  # from the search box into the list
            await pilot.pause()
            await timing.press("enter", "catalogue_to_form", form_shown)
            await until(pilot, lambda: isinstance(app.screen, CommandScreen))
            await pilot.press("escape")
            await until(pilot, lambda c=catalogue: app.screen is c)

            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette))
            for char in PALETTE_QUERY:
                await pilot.press(char)
            await until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
            await timing.press("enter", "palette_to_form", form_shown)
            await until(pilot, lambda: isinstance(app.screen, CommandScreen))
            form = app.screen
            field = next(w for w in form.query(Input) if w.id and "local_port" in w.id)
            form.set_focus(field)
            await pilot.pause()
            for key, typed in FORM_KEYS:  # the field as typed and the request re-encoded
                await timing.press(key, "form_key_p95",
                                   lambda f=field, t=typed, c=form, old=form.request:
                                   f.value == t and c.request != old)
            select = form.query(Select).first()
            form.set_focus(select)
            await pilot.pause()
            await timing.press("enter", "dropdown_open", lambda s=select: s.expanded and any(
                shown(w) for w in s.query(OptionList)))
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("escape")  # the form
            await until(pilot, lambda c=catalogue: app.screen is c)

            browser = CaptureBrowserScreen(capture)
            await timing.repaint(
                lambda b=browser: app.push_screen(b),
                capture_shown=lambda b=browser: b.is_current and shown(
                    b.query_one("#capture-header")),
                capture_findings=lambda b=browser: b.findings is not None)
            app.pop_screen()
            await pilot.pause()
            app.pop_screen()  # back to the device list
            await until(pilot, lambda: isinstance(app.screen, DevicesScreen))
    return _summarise(timing.wall, timing.cpu)


def _summarise(wall: dict[str, list[float]], cpu: dict[str, list[float]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, ms in wall.items():
        value = _statistic(key, ms)
        result[key] = round(value, 1)
        if key.endswith("p95"):
            result[key.replace("p95", "median")] = round(statistics.median(ms), 1)
        result[f"{key}_ok"] = value <= TARGETS_MS[key]
        result[f"{key}_cpu"] = round(_statistic(key, cpu[key]), 1)
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
        results: dict[str, Any] = {"load_average_1m": round(os.getloadavg()[0], 2),
                                   "capture_records": records}
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

"""Shared pieces of the UI tests: a deterministic app and the few key sequences they drive.

The app gets a seeded SimHost with a fixed clock, recording off, a fixed theme and a
data directory in tmp, and its one clock (fwctl_tui.clock) pins RPC timing and wall time,
so border titles and the history are identical on every run (snapshots depend on it).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.clocks import TickingClock
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, OptionList, Select

from fwctl_tui.app import FwctlApp
from fwctl_tui.config import Config
from fwctl_tui.screens.capture_browser import CaptureBrowserScreen
from fwctl_tui.screens.command import CommandScreen
from fwctl_tui.screens.preview import PreviewScreen
from fwctl_tui.sim.host import SimHost

FIXED_WALL = 1_767_268_800.0  # 2026-01-01 12:00:00 UTC
SEED = 7
RPC_NS = 400_000  # every simulated RPC "takes" 0.4 ms
STATE_TIMEOUT_S = 60.0  # the longest a test waits for a screen state (a loaded machine)
NOTIFICATION_S = 600  # toasts stay while a test reads them, however loaded the machine


class FixedClock:
    """The simulator's clock: frozen, so counters and timestamps never drift."""

    def __call__(self) -> float:
        return 1000.0


def pinned_clock() -> TickingClock:
    """The App's clock in tests: wall time FIXED_WALL, every RPC RPC_NS long."""
    return TickingClock(RPC_NS, wall=FIXED_WALL)


def make_host() -> SimHost:
    return SimHost("cx7", seed=SEED, clock=FixedClock())


def make_app(
    tmp_path: Path, host: SimHost | None = None, capture: Path | None = None,
    device: str | None = None, **config: Any
) -> FwctlApp:
    """Recording is off unless a capture path is given (then it goes there, not ~)."""
    app = FwctlApp(
        host=host if host is not None else make_host(),
        config=Config(**{"theme": "textual-dark", **config}),
        recording=capture is not None,
        capture=capture,
        clock=pinned_clock(),
        data_dir=tmp_path / "exports",
        device=device,
    )
    app.NOTIFICATION_TIMEOUT = NOTIFICATION_S
    return app


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the messages they posted be handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def wait_until(pilot: Pilot[Any], state: Callable[[], bool], what: str) -> None:
    """Let the app run until `state()` holds (a state, never a fixed time); fail after
    STATE_TIMEOUT_S saying `what` was awaited."""
    deadline = time.monotonic() + STATE_TIMEOUT_S
    while not state():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause()  # until the app is idle: a worker's messages are handled


async def open_first_device(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def open_command(pilot: Pilot[Any], query: str, name: str) -> None:
    """From the catalogue: search `query`, highlight `name`, open its form."""
    await pilot.press("slash")
    await pilot.press(*query)
    await pilot.pause()
    option_list = pilot.app.screen.query_one(OptionList)
    option_list.highlighted = option_list.get_option_index(name)
    option_list.focus()
    await pilot.press("enter")
    await settle(pilot)


async def open_preview(pilot: Pilot[Any], query: str, name: str) -> Any:
    """From the device list: open the first device, `name`'s form, then its preview."""
    await open_first_device(pilot)
    await open_command(pilot, query, name)
    await pilot.press("ctrl+j")
    await pilot.pause()
    preview = pilot.app.screen
    assert isinstance(preview, PreviewScreen)
    return preview


async def open_result(pilot: Pilot[Any], query: str, name: str) -> Any:
    """From the device list: open the first device, send `name` from its preview, and
    return the screen that answers (the result, or an error modal)."""
    await open_preview(pilot, query, name)
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen


async def send_from_form(pilot: Pilot[Any]) -> Any:
    """From an open form: preview it (ctrl+j), send it (Enter) and return the screen that
    answers (the result, or an error modal)."""
    await pilot.press("ctrl+j")
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen


def stop_blinking(pilot: Pilot[Any]) -> None:
    """Snapshots: a blinking cursor would make two runs differ."""
    for screen in pilot.app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False


def messages(app: Any) -> list[str]:
    """The notifications on screen now (title and message of each toast), as text: the
    app must run with `run_test(..., notifications=True)` (Pilot hides toasts by default).

    Read from the toasts the screen shows ("Toast" is a CSS type selector and render()
    is public), not from the App's private notification list.
    """
    return [str(toast.render()) for toast in app.screen.query("Toast")]


class ScreenHost(App[None]):
    """A bare app that opens one screen (a capture browser, a diff) over an empty base."""

    def __init__(self, screen_factory: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.screen_factory = screen_factory

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory())


async def browser_ready(pilot: Pilot[Any]) -> CaptureBrowserScreen:
    """The capture browser once its file is read and analysed (its workers done)."""
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CaptureBrowserScreen)
    return screen


def browser_app(path: Path) -> ScreenHost:
    """A ScreenHost showing the capture browser on `path`."""
    return ScreenHost(lambda: CaptureBrowserScreen(path))


async def select_prompts(pilot: Pilot[Any], select: Select[Any]) -> list[str]:
    """The entries a Select offers, as its opened list shows them (public API only)."""
    select.expanded = True
    await pilot.pause()
    shown = select.query_one(OptionList)
    prompts = [str(shown.get_option_at_index(i).prompt) for i in range(shown.option_count)]
    select.expanded = False
    await pilot.pause()
    return prompts


async def pick(pilot: Pilot[Any], select: Select[Any], words: str) -> None:
    """Choose the Select's first entry containing `words`, with the keyboard."""
    select.focus()
    select.expanded = True
    await pilot.pause()
    shown = select.query_one(OptionList)
    shown.highlighted = next(i for i in range(shown.option_count)
                             if words in str(shown.get_option_at_index(i).prompt))
    await pilot.press("enter")
    await settle(pilot)


_SVG_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
                       r'clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>')


def screen_text(app: Any) -> list[str]:
    """The terminal as the user sees it, one string per row.

    Built from App.export_screenshot() (public API: the SVG a user can save), placing
    each text run at its column, so nothing relies on Textual's private compositor.
    """
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for x, length, line, escaped in _SVG_TEXT.findall(app.export_screenshot()):
        text = html.unescape(escaped).replace("\xa0", " ")
        column = round(float(x) * len(text) / float(length))
        row = rows[int(line)]
        for i, char in enumerate(text[: max(width - column, 0)]):
            row[column + i] = char
    return ["".join(row) for row in rows]


def shown(app: Any) -> str:
    """The whole screen as one string (rows joined by newlines)."""
    return "\n".join(screen_text(app))


async def paos_write_form(pilot: Pilot[Any], port: str) -> CommandScreen:
    """From the device list: the PAOS form set to write, on `port`."""
    await open_first_device(pilot)
    await open_command(pilot, "paos", "ACCESS_REG:PAOS")
    form = pilot.app.screen
    assert isinstance(form, CommandScreen)
    form.query_one("#command-opmod", Select).value = 0  # write
    await settle(pilot)
    form.query_one("#f-register_data_local_port").value = port
    await settle(pilot)
    return form


async def read_current(pilot: Pilot[Any]) -> None:
    """On a register form: "Read current" (ctrl+r) and send the read from its preview."""
    await pilot.press("ctrl+r")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PreviewScreen)
    await pilot.press("enter")
    await settle(pilot)


_FRAME = " │┃▐▌▊▋▍▎▏▕▁▂▃▄▅▆▇█▔╹╻"  # borders and scrollbars right of a dialog's text


def _cell(text: str) -> str:
    """A table cell's text: up to its padding (a sentence holds no 3 spaces in a row),
    without the dialog's border or scrollbar, nor the screen behind a modal."""
    return re.split(r" {3,}", text.rstrip(_FRAME), maxsplit=1)[0].strip(_FRAME)


def fact_shown(app: Any, label: str) -> str:
    """The sentence a preview shows beside `label`, its wrapped rows joined by spaces, so
    one fact reads the same whatever width its column has on this screen."""
    rows = screen_text(app)
    pattern = re.compile(rf"(?:^|[\s│┃])({re.escape(label)}) {{2,}}(\S)")
    hits = [(number, found) for number, row in enumerate(rows)
            if (found := pattern.search(row)) is not None]
    if not hits:
        raise AssertionError(f"no {label!r} row on screen:\n" + "\n".join(rows))
    number, found = hits[0]
    start, column = found.start(1), found.start(2)
    parts = [_cell(rows[number][column:])]
    for row in rows[number + 1:]:
        if row[start:column].strip() or not _cell(row[column:]):
            break
        parts.append(_cell(row[column:]))
    return " ".join(parts)

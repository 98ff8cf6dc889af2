"""The port dashboard: one port's link, module, errors and traffic, refreshed as you watch.

A thread worker polls the port's registers (monitor/link.PortReader, every read an
ordinary RPC of the session, so it is recorded like any other) and posts each sample as a
message; the screen never waits on the device. A sample that takes longer than
SLOW_SAMPLE_S is shown as slow while it runs, a failed one as failed with why. Counters
show value, delta and rate, highlighted when they changed; any row can be plotted (its
rate, or its value) over the session. Space pauses, `n` takes one sample (also while
paused), `i` changes the interval, `b` clears the baseline, `o` picks another port.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from fwctl_tui.kernelstate import KernelState
from fwctl_tui.monitor.link import COUNTERS, PortReader, PortSample
from fwctl_tui.monitor.series import SLOW_SAMPLE_S, DashboardView, PortDashboard
from fwctl_tui.session import Session
from fwctl_tui.textsafe import printable
from fwctl_tui.widgets.key_footer import KeyFooter
from fwctl_tui.widgets.series_plot import SeriesPlot
from fwctl_tui.workbench.dashboard_view import (
    counters_title,
    link_text,
    module_text,
    status_text,
)

DEFAULT_INTERVAL_S = 1.0
MIN_INTERVAL_S = 0.05
MIN_PAINT_S = 1 / 3  # the screen shows at most 3 samples a second
CHANGED = "bold yellow"
COLUMNS = (("section", 8), ("counter", 26), ("value", 26), ("delta", 18), ("rate/s", 20))


class PortSampled(Message):
    """The poller read the port once (`at`: the dashboard clock when it started)."""

    def __init__(self, sample: PortSample, at: float) -> None:
        super().__init__()
        self.sample, self.at = sample, at


class PortSampleFailed(Message):
    """The poller's read raised (the device vanished, a decode failed)."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class DashboardScreen(Screen[None]):
    """Poll one port and show it (see module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="dashboard_back", tooltip="Stop polling, go back"),
        Binding("space", "pause", "Pause/resume", id="dashboard_pause",
                tooltip="Stop or restart polling (the samples so far are kept)"),
        Binding("n", "sample_now", "Sample now", id="dashboard_sample",
                tooltip="Take one sample now, also while paused"),
        Binding("i", "interval", "Interval", id="dashboard_interval",
                tooltip="Change the seconds between samples"),
        Binding("b", "baseline", "Clear baseline", id="dashboard_baseline",
                tooltip="Start deltas and rates afresh from the next sample"),
        Binding("p", "plot('rate')", "Plot rate", id="dashboard_plot_rate",
                tooltip="Plot the selected counter's rate over the session"),
        Binding("v", "plot('value')", "Plot value", id="dashboard_plot_value",
                tooltip="Plot the selected counter's value over the session"),
        Binding("o", "pick_port", "Port", id="dashboard_port",
                tooltip="Watch another local port of this device"),
    ]
    HELP = ("Port dashboard\n\nThe port's link, module, errors and traffic, read every "
            "interval in the background. Changed counters are highlighted; select a row and "
            "press p (rate) or v (value) to plot it. Every read is an ordinary RPC of the "
            "session, so the capture holds the whole watch.")

    def __init__(self, session: Session | None, state: KernelState | None, *, port: int = 1,
                 interval: float = DEFAULT_INTERVAL_S, paused: bool = False,
                 clock: Callable[[], float] = time.monotonic,
                 offline: PortDashboard | None = None) -> None:
        """Polls `session`'s device; with `offline` (a model rebuilt from a capture) it
        shows that instead and polls nothing."""
        super().__init__()
        self.session, self.state, self.port = session, state, port
        self.interval, self.paused, self.clock = interval, paused, clock
        self.offline = offline is not None
        self.model = offline or PortDashboard(session.device_name if session else "", port)
        self.last_view: DashboardView | None = None
        self.failure: str | None = None
        self.in_flight_since: float | None = None
        self.plotted: tuple[str, str] | None = None  # (counter label, "rate" | "value")
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._step = False
        self._shown: dict[object, Text] = {}  # what each panel and cell shows now
        self._pending = False  # a sample came in that the screen does not show yet
        self._painted_at = float("-inf")

    def compose(self) -> ComposeResult:
        yield Static(id="dash-status")
        with Horizontal(id="dash-panels"):
            yield Static(id="dash-link")
            yield Static(id="dash-module")
        yield DataTable(id="dash-counters", cursor_type="row", zebra_stripes=True)
        yield SeriesPlot(id="dash-plot")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, width in COLUMNS:  # fixed: values grow, the columns must not cut them
            table.add_column(key, key=key, width=width)
        for section, label, _probe, _path in COUNTERS:
            table.add_row(section, label, "…", "", "", key=label)
        table.focus()
        self.query_one(SeriesPlot).display = False
        if self.offline:
            self.paused = True
            if self.model.last is not None:
                self._show_view(self.model.last)
            self._show_status()
            return
        self.set_interval(MIN_PAINT_S, self._paint_pending)
        self._show_status()
        self._poll()

    def on_unmount(self) -> None:
        self._stop.set()
        self._wake.set()

    # -- the poller (a thread: the UI never waits on the device) ---------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard")
    def _poll(self) -> None:
        worker = get_current_worker()
        assert self.session is not None and self.state is not None
        try:
            reader = PortReader(self.session, self.state, self.port, clock=self.clock)
        except Exception as err:  # a device that cannot even be asked: say so, stop
            self.post_message(PortSampleFailed(f"{type(err).__name__}: {err}"))
            return
        while not (self._stop.is_set() or worker.is_cancelled):
            if self.paused and not self._step:
                self._wake.wait()
                self._wake.clear()
                continue
            self._step = False
            started = self.clock()
            self.in_flight_since = started
            try:
                sample = reader.read()
            except Exception as err:
                self.post_message(PortSampleFailed(f"{type(err).__name__}: {err}"))
            else:
                self.post_message(PortSampled(sample, started))
            finally:
                self.in_flight_since = None
            if not self.paused:
                self._wake.wait(max(0.0, self.interval - (self.clock() - started)))
                self._wake.clear()

    # -- samples in ------------------------------------------------------------------------
    @on(PortSampled)
    def _sampled(self, message: PortSampled) -> None:
        """Every sample goes into the model (rates, plots); the screen is repainted at
        most every MIN_PAINT_S: faster than the eye reads, slower than 10 Hz polling, so
        the polling rate does not set the repaint cost. Paused, every sample shows."""
        self.failure = None
        if self.paused or time.monotonic() - self._painted_at >= MIN_PAINT_S:
            view = self.model.feed(message.sample, message.at)
            assert view is not None
            self._pending = False
            self._show_view(view)
        else:
            self.model.feed(message.sample, message.at, view=False)
            self._pending = True

    def _paint_pending(self) -> None:
        if self._pending:
            self._pending = False
            view = self.model.view()
            if view is not None:
                self._show_view(view)
        self._show_status()

    def _show_view(self, view: DashboardView) -> None:
        """Panels and cells are only touched where their text changed, and a value is
        highlighted when it differs from what the screen showed before (a change in a
        sample that was not painted still shows). All in one batch: one repaint."""
        with self.app.batch_update():
            self._paint(view)

    def _paint(self, view: DashboardView) -> None:
        self._painted_at = time.monotonic()
        self.last_view = view
        for selector, panel in (("#dash-link", link_text(view)),
                                ("#dash-module", module_text(view))):
            if self._shown.get(selector) != panel:
                self._shown[selector] = panel
                self.query_one(selector, Static).update(panel)
        table = self.query_one(DataTable)
        table.border_title = counters_title(self.model.samples, view)
        for label, change in view.changes.items():
            before = self._shown.get((label, "value"))
            moved = before is not None and before.plain != f"{change.value:,}"
            style = CHANGED if change.changed or moved else ""
            delta = "reset" if change.reset else ("" if change.delta is None else
                                                   f"+{change.delta:,}")
            rate = "" if change.rate is None else f"{change.rate:,.1f}"
            for column, plain in (("value", f"{change.value:,}"), ("delta", delta),
                                  ("rate/s", rate)):
                cell = Text(plain, style=style)
                if self._shown.get((label, column)) != cell:
                    self._shown[(label, column)] = cell
                    table.update_cell(label, column, cell)
        if self.plotted is not None:
            self._draw_plot()
        self._show_status()

    @on(PortSampleFailed)
    def _failed(self, message: PortSampleFailed) -> None:
        self.failure = message.error
        self._show_status()

    def _show_status(self) -> None:
        running = None
        if self.in_flight_since is not None:
            running = self.clock() - self.in_flight_since
            running = running if running > SLOW_SAMPLE_S else None
        status = status_text(self.model.device, self.port, self.interval, self.paused,
                             self.last_view, running, self.failure, offline=self.offline)
        if self._shown.get("#dash-status") != status:
            self._shown["#dash-status"] = status
            self.query_one("#dash-status", Static).update(status)

    # -- keys ------------------------------------------------------------------------------
    def _offline_says_so(self) -> bool:
        if self.offline:
            self.notify("A recorded session: nothing to poll (plots work).", severity="warning")
        return self.offline

    def action_back(self) -> None:
        self.dismiss(None)

    def action_pause(self) -> None:
        if self._offline_says_so():
            return
        self.paused = not self.paused
        self._wake.set()
        self._show_status()

    def action_sample_now(self) -> None:
        if self._offline_says_so():
            return
        self._step = True
        self._wake.set()

    def action_baseline(self) -> None:
        if self._offline_says_so():
            return
        self.model.clear_baseline()
        self.notify("Baseline cleared: deltas and rates start from the next sample.")

    def action_interval(self) -> None:
        if self._offline_says_so():
            return
        from fwctl_tui.screens.prompt import PathPrompt, ask_interval

        def accept(seconds: float) -> None:
            self.interval = seconds
            self._wake.set()
            self._show_status()

        prompt = PathPrompt("Sampling interval", f"{self.interval:g}",
                            "Seconds between two samples of the port.",
                            hint="Seconds between samples; Enter accepts.")
        ask_interval(self, prompt, MIN_INTERVAL_S, accept)

    def action_pick_port(self) -> None:
        if self._offline_says_so():
            return
        from fwctl_tui.screens.prompt import PathPrompt

        def chosen(text: str | None) -> None:
            if text is None:
                return
            if not text.isdigit() or not 0 < int(text) < 1024:
                self.notify(f"Port {printable(text)!r}: give a local port 1..1023.",
                            severity="error")
                return
            self.dismiss(None)
            self.app.push_screen(DashboardScreen(self.session, self.state, port=int(text),
                                                 interval=self.interval, clock=self.clock))

        self.app.push_screen(PathPrompt("Local port", str(self.port),
                                        "The local port number to watch (1: this "
                                        "function's own port).",
                                        hint="Local port number; Enter accepts."), chosen)

    def action_plot(self, kind: str) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        label = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        self.plotted = (label, kind)
        self.query_one(SeriesPlot).display = True
        self._draw_plot()

    def _draw_plot(self) -> None:
        assert self.plotted is not None
        label, kind = self.plotted
        series = self.model.series.get(label)
        xs, ys = series.points(kind) if series is not None else ([], [])
        title = f"{label} ({'per second' if kind == 'rate' else 'value'})"
        self.query_one(SeriesPlot).show(title, xs, ys)

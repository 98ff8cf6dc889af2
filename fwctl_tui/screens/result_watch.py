"""Watching a result: its command re-sent every N seconds, the same screen updated in place.

The result screen's `w` asks for an interval and starts a ResultWatch; `w` again (or
leaving the screen) stops it. Only commands that change nothing are watched (no write,
no clear-on-read, no tainting scope). Each re-send runs in a thread worker through the
session (recorded like any RPC); the reply is posted back as a message and the screen
shows it in the same tree with each field's delta and rate (64-bit counters joined),
instead of stacking a new result screen per re-send. A failed re-send is said in the
status line and the watch goes on.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.css.query import NoMatches
from textual.message import Message
from textual.worker import get_current_worker

from fwctl_tui.decoders import Node, changes_device_state
from fwctl_tui.exchange import Exchange
from fwctl_tui.monitor.sampling import FieldChange, RateTracker, failure_text, numeric_fields
from fwctl_tui.workbench import catalogue_model

if TYPE_CHECKING:
    from fwctl_tui.app import FwctlApp
    from fwctl_tui.screens.result import ResultScreen

MIN_INTERVAL_S = 0.1


class WatchedReply(Message):
    """One re-send of the watched command came back (or failed: see the exchange)."""

    def __init__(self, exchange: Exchange, at: float) -> None:
        super().__init__()
        self.exchange, self.at = exchange, at


def why_not_watchable(screen: ResultScreen) -> str | None:
    """None when the result's command can be re-sent on a timer, else why not."""
    exchange, command = screen.exchange, screen.command
    app = cast("FwctlApp", screen.app)
    if command is None:
        return f"{exchange.command} is not in the catalogue: it cannot be decoded"
    if app.workspace.session is None or app.workspace.connection is None:
        return "no device is open"
    if app.workspace.connection.name != exchange.device:
        return f"this result came from {exchange.device}, not the open device"
    if changes_device_state(command, exchange.request):
        return f"{exchange.command} changes the device (a write or a clear-on-read)"

    plan = screen.plan or catalogue_model.plan_from_exchange(exchange)
    if app.workspace.preview(plan, exchange.scope).taints:
        return f"scope {exchange.scope.name} taints the kernel"
    return None


class ResultWatch:
    """The re-send loop of one result screen (started and stopped by the screen)."""

    def __init__(self, screen: ResultScreen, interval: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.screen, self.interval, self.clock = screen, interval, clock
        self.tracker = RateTracker()
        self.samples = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        first = screen.exchange
        if screen.root is not None:
            self.tracker.update(numeric_fields(screen.root), clock())
            self.samples = 1
        self.request, self.scope, self.out_cap = first.request, first.scope, first.out_cap

    def stop(self) -> None:
        self._stop.set()

    @property
    def running(self) -> bool:
        return not self._stop.is_set()

    def loop(self) -> None:
        """Runs in a thread worker: re-send, post, wait; until stopped."""
        worker = get_current_worker()
        app = cast("FwctlApp", self.screen.app)
        session = app.workspace.session
        assert session is not None  # why_not_watchable: no watch starts without one
        command = self.screen.exchange.command
        while not (self._stop.wait(self.interval) or worker.is_cancelled):
            at = self.clock()
            exchange = session.send(command, self.scope, self.request, self.out_cap)
            self.screen.post_message(WatchedReply(exchange, at))

    def take(self, message: WatchedReply) -> tuple[Node, dict[str, FieldChange]] | None:
        """The decoded reply and changes of a re-send (None when it failed)."""
        exchange, command = message.exchange, self.screen.command
        self.last_error = failure_text(exchange)
        if self.last_error is not None or exchange.reply is None or command is None:
            return None
        root = catalogue_model.decode_reply(command, exchange.reply, exchange.request)
        self.samples += 1
        return root, self.tracker.update(numeric_fields(root), message.at)


def toggle(screen: ResultScreen) -> None:
    """`w`: stop a running watch, else ask for the interval and start one."""
    running: ResultWatch | None = getattr(screen, "result_watch", None)
    if running is not None and running.running:
        stop(screen)
        screen.notify(f"Stopped watching {screen.exchange.command} after "
                      f"{running.samples} samples.")
        return
    problem = why_not_watchable(screen)
    if problem is not None:
        screen.notify(f"Cannot watch: {problem}.", severity="warning")
        return
    from fwctl_tui.screens.prompt import PathPrompt, ask_interval

    prompt = PathPrompt("Watch: re-send every", "1",
                        "Seconds between two re-sends of this command.",
                        hint="Seconds between re-sends; Enter starts, w stops.")
    ask_interval(screen, prompt, MIN_INTERVAL_S, lambda seconds: start(screen, seconds))


def start(screen: ResultScreen, interval: float) -> ResultWatch:
    watch = ResultWatch(screen, interval)
    screen.result_watch = watch
    screen.run_worker(watch.loop, thread=True, exclusive=True, exit_on_error=False,
                      group="result-watch")
    _say(screen, watch)
    return watch


def stop(screen: ResultScreen) -> None:
    watch: ResultWatch | None = getattr(screen, "result_watch", None)
    if watch is not None:
        watch.stop()
        with contextlib.suppress(NoMatches):  # the screen may be coming down already
            _say(screen, watch)


def show(screen: ResultScreen, message: WatchedReply) -> None:
    """A re-send came back: same tree, newer values, each field's change."""
    from fwctl_tui.widgets.hex_view import HexView
    from fwctl_tui.widgets.watched_tree import WatchedTree

    watch: ResultWatch | None = getattr(screen, "result_watch", None)
    if watch is None or not watch.running:
        return
    taken = watch.take(message)
    if taken is not None:
        root, changes = taken
        screen.root, screen.exchange = root, message.exchange
        screen.query_one(WatchedTree).update_values(root, changes)
        screen.query_one(HexView).set_data(message.exchange.reply or b"")
    _say(screen, watch)


def _say(screen: ResultScreen, watch: ResultWatch) -> None:
    from textual.widgets import Static

    body = screen.query_one("#result-body")
    state = (f"watching every {watch.interval:g} s" if watch.running else "watch stopped")
    body.border_subtitle = f"{state} · {watch.samples} samples" + (
        f" · last re-send FAILED: {watch.last_error}" if watch.last_error else "")
    if watch.last_error:
        screen.query_one("#result-status", Static).update(f"re-send failed: {watch.last_error}")

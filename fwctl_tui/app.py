"""The fwctl-tui App: screens, global keys, the one RPC worker and its error handler.

Everything that touches a device goes through the "device" worker group (opening a
device, and each RPC in a daemon thread so quitting never waits for a hung command),
results come back as Messages, and one Worker.StateChanged handler turns any exception
into an error modal, so a firmware hang or a vanished device never freezes or crashes
the UI. Every send passes the consequence preview first: screens can
only *ask* for an RPC (RpcRequested); the App shows the preview and runs the worker.
"""

from __future__ import annotations

import argparse
import errno
import gc
import importlib
import pkgutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.message_pump import MessagePump
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from fwctl_tui.clock import SYSTEM_CLOCK, Clock
from fwctl_tui.config import Config, load_config
from fwctl_tui.connect import DeviceOpenError, SimHosts, UnknownDeviceError
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange
from fwctl_tui.screens.devices import DevicesScreen
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.keys import checked_keymap, defined_bindings, key_of
from fwctl_tui.screens.learn_actions import LearnActions
from fwctl_tui.screens.messages import (
    DeviceOpened,
    DevicesScanned,
    OpenDeviceRequested,
    PlanPrepared,
    ReadBack,
    RpcFinished,
    RpcRequested,
    ShowExchange,
)
from fwctl_tui.textsafe import printable
from fwctl_tui.uapi import Scope
from fwctl_tui.workbench.capture_controller import CaptureController
from fwctl_tui.workbench.detached import run_detached
from fwctl_tui.workbench.workspace import DeviceSource, PlannedRpc, Workspace

if TYPE_CHECKING:
    from fwctl_tui.screens.confirm import ConfirmScreen
    from fwctl_tui.sim.host import SimHost

if TYPE_CHECKING:
    from fwctl_tui.decoders.mlx5.status import SyndromeTable


def every_binding() -> dict[str, str]:
    """binding id -> default keys of the app and every screen and widget, for the keymap
    check: imports every module of screens/ and widgets/ first (most are imported only
    when first shown), so that keys.py, which they all use, never imports them."""
    for package in ("fwctl_tui.screens", "fwctl_tui.widgets"):
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
            importlib.import_module(f"{package}.{module.name}")
    return defined_bindings()


def _catalogue_commands() -> type[Provider]:
    from fwctl_tui.screens.palette import CatalogueCommands

    return CatalogueCommands


def _device_commands() -> type[Provider]:
    from fwctl_tui.screens.palette import DeviceCommands

    return DeviceCommands


def _dashboard_commands() -> type[Provider]:
    from fwctl_tui.screens.palette import DashboardCommands

    return DashboardCommands


def _learn_commands() -> type[Provider]:
    from fwctl_tui.screens.learn_palette import LearnCommands

    return LearnCommands


# Young collections between two full ones while the app runs (Python's default: 10). A
# full collection walks every live object: 100-275 ms with a device open, landing on a
# random keystroke (the keys' p95). At 1000 one comes every few minutes of busy use
# instead of every few seconds, so memory held by cycles stays bounded.
FULL_COLLECTION_EVERY = 1000


class FwctlApp(LearnActions):
    """Devices -> catalogue -> form -> preview -> result, with history and captures."""

    CSS_PATH = "app.tcss"
    TITLE = "fwctl-tui"
    # Screens get -narrow below 110 columns, -wide from there: hex panes widen to 16 B/line.
    # (Textual declares this ClassVar in a way mypy reads as an instance variable.)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012
    # Screens beyond the device list are imported on first use: start-up stays close to
    # a bare Textual app (bench/tui_bench.py measures it).
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {
        _catalogue_commands, _device_commands, _dashboard_commands, _learn_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True,
                tooltip="Quit fwctl-tui (the capture file is kept)"),
        # priority: dialogs (preview, error, prompts) block the App's ordinary bindings
        Binding("f1", "help", "Help", id="help", priority=True,
                tooltip="Explain the focused widget and the keys that work here"),
        Binding("f2", "history", "History", id="history",
                tooltip="Every RPC of this session: re-open or re-send one"),
        Binding("f3", "devices", "Devices", id="devices",
                tooltip="Back to the device list (closes nothing until you open another)"),
        Binding("f4", "toggle_recording", "Rec", id="toggle_recording",
                tooltip="Turn recording of this session to a capture file on or off"),
        Binding("ctrl+s", "save_capture", "Save capture", id="save_capture",
                tooltip="Copy the session's capture file to a path you choose"),
        Binding("ctrl+o", "open_capture", "Open capture", id="open_capture",
                tooltip="Browse a capture file recorded earlier"),
        Binding("f6", "dashboard", "Dashboard", id="dashboard",
                tooltip="Watch the open device's port live: link, module, errors, rates"),
        Binding("f7", "lesson_answer", "Answer", id="lesson_answer", show=False,
                tooltip="Type the answer to the lesson panel's question"),
    ]

    device_kind: reactive[str] = reactive("")
    device_name: reactive[str] = reactive("")
    busy: reactive[bool] = reactive(False)
    recording_label: reactive[str] = reactive("")

    def __init__(
        self,
        *,
        host: SimHost | None = None,
        hosts: SimHosts | None = None,
        root: str | Path | None = None,
        profile: str | None = None,
        capture: str | Path | None = None,
        config: Config | None = None,
        recording: bool | None = None,
        clock: Clock = SYSTEM_CLOCK,
        data_dir: Path | None = None,
        device: str | None = None,
        learn_dir: Path | None = None,
        first_start_tour: bool = False,
        open_lessons: bool = False,
    ) -> None:
        super().__init__()
        self.setup_learning(learn_dir)  # lessons' progress; None: the user data dir
        self._learn_start = (first_start_tour, open_lessons)
        self.start_device = device  # --device NAME: opened as soon as the app starts
        self.dashboard_clock: Callable[[], float] = time.monotonic  # tests pin the card's
        self.dashboard_after_open = False  # f6 on the device list opens, then watches
        self.rpc_in_flight: str | None = None  # the command an RPC worker waits for
        self._quit_question: ConfirmScreen | None = None  # "Quit while ... in flight?"
        self.keymap_in_use: dict[str, str] = {}
        self._theme_problem: str | None = None
        self._collector_was = gc.get_threshold()  # restored when the app ends
        # Once the first catalogue is up, what exists (the app, the PRM layouts, the
        # catalogue and its search index: they live as long as the app) is moved out of
        # the cyclic collector's way (gc.freeze). Profiled: each full collection walked
        # them for 130-150 ms, landing on a random keystroke. Once per app: a screen
        # frozen with them is not collected after it closes. Undone when the app ends.
        self._frozen = False
        self.config = config if config is not None else load_config()
        self.data_dir = data_dir
        self.workspace = Workspace(
            DeviceSource(root=root, profile=profile, host=host, hosts=hosts, clock=clock),
            recording=self.config.recording if recording is None else recording,
            capture_path=capture,
        )
        self.captures = CaptureController(self.workspace, self)  # f4, ctrl+s, ctrl+o
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        else:
            self._theme_problem = f"unknown theme {self.config.theme!r} in the config file"

    # --- start-up ------------------------------------------------------------------

    def on_mount(self) -> None:
        gc.set_threshold(self._collector_was[0], self._collector_was[1], FULL_COLLECTION_EVERY)
        problems = [*self.config.problems, *filter(None, [self._theme_problem])]
        if self.config.keymap:
            self.keymap_in_use, typos = checked_keymap(self.config.keymap, every_binding())
            self.set_keymap(self.keymap_in_use)
            problems += typos
        for problem in problems:
            self.notify(problem, title="config", severity="warning", timeout=10)
        self.push_screen(DevicesScreen())
        self.start_learning(first_start_tour=self._learn_start[0],
                            open_lessons=self._learn_start[1])
        if self.start_device:
            self.busy = True
            self._open_worker(self.start_device)

    def on_unmount(self) -> None:
        gc.set_threshold(*self._collector_was)  # the process outlives the app (tests)
        gc.unfreeze()

    def delay_update(self, delay: float = 0.05) -> None:
        """Never hold the display back. Textual's command palette holds it for `delay`
        as it closes, to hide the screen under it until the chosen command has run. Here
        the commands open a screen, which takes longer than that to build (a form: about
        80 ms), and the timer that ends the hold waits for the loop, so the form reached
        the terminal 90 ms after it was ready (bench/tui_responsiveness.py: palette to
        form 185 -> 91 ms at 120x36). Now the palette goes at once, and the form follows."""

    async def action_quit(self) -> None:
        """Quit; while a command is in flight, first say what becomes of it."""
        if self.rpc_in_flight is None:
            self.exit()
            return
        if self._quit_question is not None:
            return

        def answered(quit_now: bool | None) -> None:
            self._quit_question = None
            if quit_now:
                self.exit()

        from fwctl_tui.screens.confirm import ConfirmScreen

        self._quit_question = ConfirmScreen(
            "Quit while a command is in flight?",
            f"{self.rpc_in_flight} was sent to {self.device_name} and has not answered yet. "
            "Quitting now does not stop it: the command finishes on the device, and its "
            "reply is neither shown nor recorded. Everything recorded so far is kept.",
            "Quit anyway",
        )
        self.push_screen(self._quit_question, answered)

    def _withdraw_quit_question(self) -> None:
        """The command answered while the quit question was open: the question is moot."""
        question = self._quit_question
        if question is not None and question.is_current:
            question.dismiss(False)
            self.notify("The command answered; nothing is in flight now.", title="quit")

    # --- device workers (the only place RPCs and opens run) ------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="scan")
    def scan_devices(self, target: MessagePump) -> None:
        """List devices (live ones are probed with FWCTL_INFO) and post them to `target`."""
        target.post_message(DevicesScanned(self.workspace.source.entries()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="warm")
    def warm_catalogue(self) -> None:
        """Build the catalogue and its search index while the user reads the device list."""
        from fwctl_tui.workbench import catalogue_model

        catalogue_model.warm()

    @work(thread=True, exclusive=True, exit_on_error=False, group="device")
    def _open_worker(self, name: str) -> None:
        self.post_message(DeviceOpened(self.workspace.open(name)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="device")
    def _prepare_worker(self, plan: PlannedRpc, origin: MessagePump | None) -> None:
        """Read the register now and build the form's write over it (workspace.prepare)."""
        self.post_message(PlanPrepared(self.workspace.prepare(plan), origin))

    @work(exclusive=True, exit_on_error=False, group="device")
    async def _rpc_worker(self, plan: PlannedRpc, scope: Scope,
                          origin: MessagePump | None) -> None:
        self.rpc_in_flight = plan.label
        exchange = await run_detached("fwctl-rpc", self.workspace.send, plan, scope)
        self.post_message(RpcFinished(plan, exchange, origin))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one failure handler: any worker exception becomes an error modal."""
        if event.worker.group not in ("device", "scan", "warm"):
            return
        finished = event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)
        if event.worker.group == "device" and finished:
            self.busy = False
            self.rpc_in_flight = None
        if event.state is WorkerState.ERROR:
            self.show_failure(event.worker.error)

    def show_failure(self, error: BaseException | None) -> None:
        self.dashboard_after_open = False  # f6's open failed: no dashboard later
        if isinstance(error, DeviceOpenError):
            why = error.explanation
            if isinstance(error, UnknownDeviceError):  # a name that names nothing
                todo = (f"Check the name, then open a device from the list or type another "
                        f"name ({key_of(self, 'open_by_name')} on the device list).")
            else:
                todo = why.action if why else (f"Refresh the device list "
                                               f"({key_of(self, 'refresh_devices')}) and check "
                                               "the reason shown.")
            self.push_screen(ErrorScreen("The device could not be opened", error.message, todo))
            return
        self.push_screen(ErrorScreen(
            "Something failed while talking to the device",
            f"{type(error).__name__}: {error}",
            "The session is still usable. If this repeats, report it with the capture file.",
        ))

    # --- devices -------------------------------------------------------------------

    def on_open_device_requested(self, message: OpenDeviceRequested) -> None:
        if not self.busy:
            self.busy = True
            self._open_worker(message.name)

    def on_device_opened(self, message: DeviceOpened) -> None:
        connection = message.connection
        self.device_kind, self.device_name = connection.kind, connection.name
        self.captures.update_label()
        self.captures.announce()
        from fwctl_tui.screens.driver_catalogue import catalogue_for

        self.push_screen(catalogue_for(connection))  # the device type's own commands
        if not self._frozen:
            self._frozen = True
            self.call_after_refresh(gc.freeze)
        if self.dashboard_after_open:
            self.dashboard_after_open = False
            self.action_dashboard()

    # --- the send path: preview first, always ---------------------------------------

    def on_rpc_requested(self, message: RpcRequested) -> None:
        if self.busy:
            self.notify("An RPC is still in flight; wait for it.", severity="warning")
            return
        if self.workspace.connection is None:
            self.notify(f"Open a device first ({key_of(self, 'devices')}).", severity="warning")
            return
        if self._not_mlx5():  # an mlx5 plan (palette, history re-send) on a cxl/pds device
            return
        if message.plan.form_write is not None:  # a register write: read the device first
            self.busy = True
            self._prepare_worker(message.plan, message.origin)
            return
        self._show_preview(message.plan, message.origin)

    def on_plan_prepared(self, message: PlanPrepared) -> None:
        self._show_preview(message.plan, message.origin)

    def _show_preview(self, plan: PlannedRpc, origin: MessagePump | None) -> None:
        """The preview; it answers a scope to send at, None (cancelled) or REREAD."""
        from fwctl_tui.screens.preview import CANCELLED, REREAD, PreviewScreen

        assert self.workspace.connection is not None

        def confirmed(answer: Scope | str | None) -> None:
            if answer == REREAD:
                self.post_message(RpcRequested(plan, origin))
            elif isinstance(answer, Scope):
                self.busy = True
                self._rpc_worker(plan, answer, origin)
            else:
                self.notify(CANCELLED, title=plan.label)

        self.push_screen(
            PreviewScreen(plan, self.workspace.preview, self.workspace.connection.kind),
            confirmed,
        )

    def rpc_answered(self) -> None:
        """An RPC of any device type answered: withdraw a pending quit question and say
        which records the capture refused."""
        self._withdraw_quit_question()
        for problem in self.workspace.take_unrecorded():
            self.notify(problem, title="recording", severity="error", timeout=10)

    def on_rpc_finished(self, message: RpcFinished) -> None:
        self.rpc_answered()
        exchange = message.exchange
        if exchange.errno:
            self.show_errno(exchange)
            return
        if message.plan.purpose == "read-current" and message.origin is not None:
            origin = message.origin
            if origin.is_attached and origin in self.screen_stack:
                origin.post_message(ReadBack(exchange))
            else:  # the form was closed while the read was in flight: nothing to refill
                self.notify(f"{exchange.command} read finished after its form was closed; "
                            f"see it in the history ({key_of(self, 'history')}).",
                            severity="warning")
            return
        from fwctl_tui.screens.result import ResultScreen

        self.push_screen(ResultScreen(exchange, message.plan, self._syndromes()))

    def show_errno(self, exchange: Exchange, *, from_history: bool = False,
                   meaning: str | None = None, todo: str | None = None) -> None:
        """Why the RPC failed: `meaning` is the driver plug-in's own explanation (else the
        errno's), `todo` what to do (else the errno's action). ENODEV on a send just made
        closes the device and shows the list."""
        why = explain(exchange.errno)
        detail = f"\n\nDriver detail: {printable(exchange.detail)}" if exchange.detail else ""
        if exchange.errno == errno.ENODEV and not from_history:
            self.push_screen(
                ErrorScreen(
                    f"{exchange.device} is gone ({why.name})",
                    f"{exchange.command} failed: {why.meaning}{detail}",
                    f"{why.action} The device list is refreshed for you.",
                ),
                lambda _: self._device_gone(),
            )
            return
        self.push_screen(ErrorScreen(
            printable(f"{exchange.command} failed with {why.name} at scope "
                      f"{exchange.scope.name}"),
            f"{meaning or why.meaning}{detail}",
            todo or why.action or "See the errno meaning above.",
        ))

    def _device_gone(self) -> None:
        """The open device went away (ENODEV): close it and show the fresh device list."""
        self.workspace.close()
        self.device_kind = self.device_name = ""
        self.captures.update_label()
        self.action_devices()

    # --- results and history -------------------------------------------------------

    def on_show_exchange(self, message: ShowExchange) -> None:
        """Re-open a past RPC: its result, or the explanation of the errno it got."""
        from fwctl_tui.screens.driver_result import show_recorded
        from fwctl_tui.screens.result import ResultScreen

        if show_recorded(self, message.exchange):  # cxl/pds/bnxt: their plug-in's screens
            return

        if message.exchange.errno:
            self.show_errno(message.exchange, from_history=True)
        else:
            self.push_screen(ResultScreen(message.exchange, None, self._syndromes()))

    def _syndromes(self) -> SyndromeTable | None:
        """The open device's syndrome table (the simulator's for sim: and simulated replays)."""
        connection = self.workspace.connection
        return connection.syndromes if connection is not None else None

    def action_history(self) -> None:
        from fwctl_tui.screens.history import HistoryScreen

        if self.workspace.session is None:
            self.notify("No session yet: open a device first.", severity="warning")
            return
        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(self.workspace.session.history))

    def action_devices(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if isinstance(self.screen, DevicesScreen):
            self.screen.refresh_devices()

    def action_dashboard(self, port: int = 1) -> None:
        """The port dashboard of the open device (its polling records like any RPC)."""
        from fwctl_tui.screens.dashboard import DashboardScreen

        session, connection = self.workspace.session, self.workspace.connection
        if session is None or connection is None:
            highlighted = (self.screen.highlighted_entry()
                           if isinstance(self.screen, DevicesScreen) else None)
            if highlighted is None or self.busy:
                self.notify(f"Open a device first ({key_of(self, 'devices')}), then "
                            f"{key_of(self, 'dashboard')}.", severity="warning")
                return
            self.dashboard_after_open = True  # on the device list: open it, then watch
            self.post_message(OpenDeviceRequested(highlighted.name))
            return
        if self._not_mlx5():  # the dashboard reads mlx5 port registers
            return
        if not isinstance(self.screen, DashboardScreen):
            self.push_screen(DashboardScreen(session, connection.kernel_state(), port=port,
                                             clock=self.dashboard_clock))

    def _not_mlx5(self) -> bool:
        """Said and True when the open device is a cxl/pds/bnxt one (its own screens)."""
        from fwctl_tui.connect import not_mlx5

        connection = self.workspace.connection
        why = not_mlx5(connection.entry) if connection is not None else None
        if why:
            self.notify(why, severity="warning", timeout=8)
        return bool(why)

    # --- captures: the controller decides, the App shows ----------------------------

    def action_toggle_recording(self) -> None:
        self.captures.toggle_recording()

    def action_save_capture(self) -> None:
        self.captures.save_capture()

    def action_open_capture(self) -> None:
        self.captures.open_capture()

    def key_for(self, action: str) -> str:
        return key_of(self, action)

    def show_recording(self, label: str) -> None:
        self.recording_label = label

    def ask_path(self, title: str, placeholder: str, hint: str,
                 then: Callable[[str | None], None]) -> None:
        from fwctl_tui.screens.prompt import PathPrompt

        self.push_screen(PathPrompt(title, placeholder, hint=hint), then)

    def ask_yes(self, title: str, body: str, yes_label: str,
                then: Callable[[bool | None], None]) -> None:
        from fwctl_tui.screens.confirm import ConfirmScreen

        self.push_screen(ConfirmScreen(title, body, yes_label), then)

    def show_error(self, title: str, what: str, todo: str) -> None:
        self.push_screen(ErrorScreen(title, what, todo))

    def browse_capture(self, path: Path) -> None:
        from fwctl_tui.screens.capture_browser import CaptureBrowserScreen

        self.push_screen(CaptureBrowserScreen(path))

    def action_help(self) -> None:
        from fwctl_tui.screens.help import HelpScreen

        focused = self.focused
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)  # F1 again closes it
        else:
            self.push_screen(HelpScreen(self.screen, focused))


def run_tui(args: argparse.Namespace) -> int:
    """Entry point used by `fwctl-tui` with no subcommand.

    A --simulate profile that does not exist is a usage error (exit 2, as for `devices
    --simulate`), found before the screen is taken over: inside the TUI it could only
    surface as a failed device scan."""
    from fwctl_tui.cli import CliError
    from fwctl_tui.connect import sim_profiles
    from fwctl_tui.drivers import simulator_profiles

    profiles = (*sim_profiles(), *simulator_profiles())
    if args.simulate is not None and args.simulate not in profiles:
        raise CliError(f"unknown simulation profile {args.simulate!r}; choose one of "
                       f"{', '.join(profiles)}")
    scenario = getattr(args, "scenario", None)
    if scenario is not None:  # before the screen is taken over: a bad name is exit 2
        from fwctl_tui.cli.sim import start_scenario

        device = getattr(args, "start_device", None) or f"sim:{args.simulate or 'cx7'}"
        start_scenario(args.sim_hosts, device, None if scenario == "none" else scenario)
    app = FwctlApp(root=args.root, profile=args.simulate, capture=args.capture,
                   hosts=args.sim_hosts, clock=args.clock,  # the run's: --scenario's host
                   device=getattr(args, "start_device", None),
                   # a named --device is a task already chosen: no tour in its way
                   first_start_tour=getattr(args, "start_device", None) is None,
                   open_lessons=getattr(args, "open_lessons", False))
    app.run()
    app.workspace.close()
    return app.return_code or 0

"""Sending a cxl, pds or bnxt request off the UI thread, and the screen of its answer.

The send runs in the App's "device" worker group (so the App's one failure handler, its
busy badge and its quit question cover it, as for mlx5) and through the open session,
so it lands in the history and, prepared by the plug-in, in the capture. An errno is
explained by the plug-in in its driver's terms; a reply is decoded by the plug-in and
shown as a tree beside the bytes that crossed the ioctl.
"""

from __future__ import annotations

from typing import ClassVar, Protocol, TypeVar, cast

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Static

from fwctl_tui import policy
from fwctl_tui.drivers import Built, DriverInputError, DriverPlugin
from fwctl_tui.drivers.flow import DeviceContext, kept_context, send_built
from fwctl_tui.drivers.plain_tree import plain_tree
from fwctl_tui.drivers.records import SHORT_REPLY, decoded, rebuild, reply_outcome
from fwctl_tui.exchange import Exchange
from fwctl_tui.screens.driver_preview import DriverPreviewScreen
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.textsafe import printable
from fwctl_tui.widgets.decoded_tree import DecodedTree
from fwctl_tui.widgets.device_bar import DeviceBar
from fwctl_tui.widgets.hex_view import HexView, pane_width
from fwctl_tui.widgets.key_footer import KeyFooter
from fwctl_tui.workbench.detached import run_detached
from fwctl_tui.workbench.workspace import Workspace

HEX_BYTES_PER_LINE = 8
R = TypeVar("R")  # whatever the App returns


class DriverHost(Protocol):
    """What the send needs of the App (FwctlApp): the workspace and its busy state."""

    workspace: Workspace
    busy: bool
    rpc_in_flight: str | None

    def rpc_answered(self) -> None: ...

    def show_errno(self, exchange: Exchange, *, from_history: bool = False,
                   meaning: str | None = None, todo: str | None = None) -> None: ...


def show_recorded(app: App[R], exchange: Exchange) -> bool:
    """Re-open a cxl/pds/bnxt exchange of the history as its plug-in sees it; False for
    an mlx5 one (the mlx5 result screen shows it). A driver record its plug-in cannot
    rebuild is said to be so, never laid out as mlx5."""
    try:
        again = rebuild(exchange)
    except DriverInputError as err:
        app.push_screen(ErrorScreen(
            printable(f"{exchange.command} cannot be shown"),
            printable(f"This {exchange.meta.get('driver')} record lacks what its plug-in "
                      f"needs to decode it: {err.message}"),
            "The capture was cut or edited by hand; its bytes are still in the record."))
        return True
    if again is None:
        return False
    show_answer(app, again.plugin, again.built, exchange)
    return True


def resend_recorded(app: App[R], exchange: Exchange) -> bool:
    """Send a cxl/pds/bnxt exchange of the history again: rebuilt by its plug-in from the
    record (as `replay --against` does), shown in the preview (scope, verdict, taint), sent
    once confirmed under its recorded name. False for an mlx5 record (the mlx5 preview's)."""
    try:
        again = rebuild(exchange)
    except DriverInputError as err:
        app.notify(f"{printable(exchange.command)} cannot be sent again: "
                   f"{printable(err.message)}", severity="error", timeout=8)
        return True
    if again is None:
        return False
    connection = cast(DriverHost, app).workspace.connection
    try:
        context = kept_context(again.plugin, connection.name) if connection else {}
    except ValueError as err:  # an unusable saved-entries file (EntryError) says why
        app.notify(printable(str(err)), severity="error", timeout=8)
        return True
    preview_then_send(app, again.plugin, again.built, context, exchange.command)
    return True


def preview_then_send(app: App[R], plugin: DriverPlugin, built: Built,
                      context: DeviceContext, label: str | None = None) -> None:
    """The preview of `built`: the kernel's verdict and its cost on the open device's
    kernel as it is now (policy.driver_consequence, given what the device told:
    `context`); sent once confirmed, named `label` (default: the command's name)."""
    connection = cast(DriverHost, app).workspace.connection
    if connection is None:
        app.notify("Open a device first.", severity="warning")
        return
    said = policy.driver_consequence(
        plugin.type_name, built.request, built.out_len, built.scope,
        connection.kernel_state(), context, is_write=built.command.is_write)

    def confirmed(send: bool | None) -> None:
        if send:
            send_in_worker(app, plugin, built, label)
        else:
            app.notify("cancelled: nothing was sent",
                       title=printable(label or built.command.name))

    app.push_screen(DriverPreviewScreen(built, connection.name, said), confirmed)


def send_in_worker(app: App[R], plugin: DriverPlugin, built: Built,
                   label: str | None = None) -> None:
    """Send `built` in the App's device worker, named `label` (default: the command's);
    the result (or error) screen follows."""
    host = cast(DriverHost, app)
    session = host.workspace.session
    if session is None:
        app.notify("Open a device first.", severity="warning")
        return
    if host.busy:
        app.notify("An RPC is still in flight; wait for it.", severity="warning")
        return
    name = label or built.command.name
    host.busy = True
    host.rpc_in_flight = name

    async def run() -> None:
        exchange = await run_detached("fwctl-rpc", send_built, session, plugin, built, name)
        host.rpc_answered()
        show_answer(app, plugin, built, exchange, just_sent=True)

    app.run_worker(run(), name=f"send {name}", group="device",
                   exclusive=True, exit_on_error=False)


def show_answer(app: App[R], plugin: DriverPlugin, built: Built,
                exchange: Exchange, *, just_sent: bool = False) -> None:
    """The result screen, or the plug-in's explanation of the errno; a device that went
    away (ENODEV on a send just made, not a history row) is closed and the list shown."""
    if exchange.errno:
        cast(DriverHost, app).show_errno(
            exchange, from_history=not just_sent,
            meaning=printable(plugin.explain(built, exchange.errno)),
            todo="Nothing changed on the device. Change the request or its scope and send "
                 "it again; the rule above is the kernel driver's.")
        return
    app.push_screen(DriverResultScreen(plugin, built, exchange))


class DriverResultScreen(Screen[None]):
    """The decoded reply (tree) beside its bytes (hex)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="driver_result_back",
                tooltip="Back to the command's form"),
    ]
    DEFAULT_CSS = """
    #driver-result-head { height: auto; padding: 0 1; }
    #driver-result-body { height: 1fr; border: round $primary; }
    #driver-result-tree { width: 1fr; }
    #driver-result-hex { border-left: solid $secondary; }
    """
    HELP = (
        "Result\n\nThe reply as the device type's plug-in decodes it (left) and the bytes "
        "the kernel returned (right). The title says the command, the reply length, the "
        "time and the outcome: OK, SHORT_REPLY (not all of it decoded), or the firmware's "
        "return code by name and number, e.g. FEATURESELVALUE (retval 26)."
    )

    def __init__(self, plugin: DriverPlugin, built: Built, exchange: Exchange) -> None:
        super().__init__()
        self.plugin = plugin
        self.built = built
        self.exchange = exchange
        # a recorded exchange decodes from what was recorded (pds: meta's payloads)
        self.decoded = decoded(exchange) or plugin.decode(built, exchange.reply or b"")

    def compose(self) -> ComposeResult:
        yield DeviceBar()
        yield Static(self._head(), id="driver-result-head")
        with Horizontal(id="driver-result-body"):
            yield DecodedTree("reply", id="driver-result-tree")
            hex_view = HexView(self.exchange.reply or b"", id="driver-result-hex")
            hex_view.styles.width = pane_width(HEX_BYTES_PER_LINE) + 1
            yield hex_view
        yield KeyFooter()

    def _head(self) -> Text:
        text = Text()
        problems = self.decoded.get("problems") or []
        for problem in problems if isinstance(problems, list) else []:
            text.append(f"not decoded: {printable(str(problem))}\n", style="yellow")
        said = reply_outcome(self.decoded)
        if said not in ("OK", SHORT_REPLY):  # a short reply's problems are said above
            text.append(f"The firmware answered {said}: the command did not succeed.",
                        style="bold red")
        else:
            text.append(f"{self.plugin.type_name} · {printable(self.built.command.summary)}",
                        style="dim")
        return text

    def on_mount(self) -> None:
        ex = self.exchange
        title = (f"{ex.command} · {ex.out_len} B · {ex.duration_ns / 1e6:.1f} ms · "
                 f"{reply_outcome(self.decoded)}")
        self.query_one("#driver-result-body").border_title = title
        tree = self.query_one("#driver-result-tree", DecodedTree)
        tree.show(plain_tree("reply", self.decoded), f"{ex.command} ({self.plugin.type_name})")
        tree.focus()

    def action_back(self) -> None:
        self.dismiss(None)

"""The catalogue of an open cxl, pds or bnxt device: its type's own commands, searchable.

Rows come from the device type's plug-in (drivers.flow.catalogue: a pds device's saved
endpoint/operation entries are rows of their own); the details pane shows a command's
summary, inputs and the kernel driver's scope rule. What build() must know about the
device (CXL's supported features, the pds entries) is read once, off the UI thread,
when the screen opens. Only the DriverPlugin protocol is used here: a new device type
needs no change to this screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from fwctl_tui.connect import Connection
from fwctl_tui.drivers import TYPE_NAMES, DriverCommand, DriverPlugin, plugin_for
from fwctl_tui.drivers.flow import (
    DeviceContext,
    catalogue,
    context_summary,
    device_context,
    import_entries_file,
    imports_entries,
    search,
)
from fwctl_tui.screens.driver_command import DriverCommandScreen
from fwctl_tui.screens.prompt import PathPrompt
from fwctl_tui.textsafe import printable
from fwctl_tui.widgets.device_bar import DeviceBar
from fwctl_tui.widgets.key_footer import KeyFooter
from fwctl_tui.widgets.scope_badge import short_scope_text

MLX5 = "mlx5"  # served by the mlx5 screens (catalogue.py), which know op_mods and registers


def driver_plugin(connection: Connection | None) -> DriverPlugin | None:
    """The plug-in of the open device when its type has screens of its own (cxl, pds,
    bnxt); None for mlx5 and unknown types (the mlx5 screens serve them)."""
    if connection is None:
        return None
    kind = connection.entry.device_type
    if kind == MLX5 or kind not in TYPE_NAMES:
        return None
    return plugin_for(kind)


def driver_catalogue(connection: Connection | None,
                     open_after: str | None = None) -> DriverCatalogueScreen | None:
    """The catalogue screen for the open device when its type has a plug-in of its own;
    None for mlx5 and unknown types. `open_after`: a command whose form opens as soon as
    the device's context is read (the palette, from a screen without the catalogue)."""
    plugin = driver_plugin(connection)
    if plugin is None or connection is None:
        return None
    return DriverCatalogueScreen(plugin, connection, open_after)


def catalogue_for(connection: Connection) -> Screen[None]:
    """The open device's catalogue: its type's plug-in's, else the mlx5 one."""
    from fwctl_tui.screens.catalogue import CatalogueScreen  # the mlx5 tables load with it

    return driver_catalogue(connection) or CatalogueScreen()


def stacked_catalogue(app: App[object]) -> DriverCatalogueScreen | None:
    """The open device's catalogue screen if it is in the screen stack (it holds the
    device's context and the rows it gives); None once F3 went back to the devices."""
    for screen in reversed(app.screen_stack):
        if isinstance(screen, DriverCatalogueScreen):
            return screen
    return None


def command_details(command: DriverCommand) -> Text:
    """Summary, opcode, least scope, inputs with doc and default, and the kernel rule."""
    text = Text(printable(command.name), style="bold")
    text.append(f"\n{printable(command.summary)}\n\n")
    if command.opcode is not None:
        text.append(f"opcode       {command.opcode:#06x}\n")
    text.append("least scope  ")
    text.append_text(short_scope_text(command.min_scope))
    text.append("  taints the kernel\n" if command.taints else "\n",
                style="yellow" if command.taints else "")
    if command.is_write:
        text.append("changes the device (a write)\n", style="yellow")
    text.append("\ninputs\n", style="bold")
    for field in command.inputs:
        default = "required" if field.default is None else f"default {field.default or '-'}"
        text.append(f"  {printable(field.name)}", style="bold")
        text.append(f"  {printable(field.doc)} ({printable(default)})\n")
    if not command.inputs:
        text.append("  (none)\n", style="dim")
    text.append("\nscope rule\n", style="bold")
    text.append(printable(command.scope_rule))
    return text


def row_text(command: DriverCommand) -> Text:
    text = short_scope_text(command.min_scope)
    text.append(f" {printable(command.name)}", style="bold")
    text.append(f"  {printable(command.summary)}", style="dim")
    return text


class DriverCatalogueScreen(Screen[None]):
    """Search the type's commands; Enter opens the highlighted one's form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="driver_search",
                tooltip="Search the commands by name, words of the summary or opcode"),
        Binding("i", "import_entries", "Import entries", id="driver_import",
                tooltip="Add named endpoint/operation entries from a JSON file (pds)"),
    ]
    DEFAULT_CSS = """
    #driver-note { height: auto; padding: 0 1; }
    #driver-search { margin: 0 1; }
    #driver-body { height: 1fr; }
    #driver-commands { width: 1fr; }
    #driver-details { width: 1fr; border-left: solid $secondary; padding: 0 1; }
    """
    HELP = (
        "Catalogue\n\nThe commands of this device's type, as its fwctl driver takes them; "
        "each row shows the least scope. {key:driver_search} searches. The details say "
        "what the command does, its inputs and the kernel driver's scope rule. Enter "
        "opens its form. On a pds device, {key:driver_import} imports named "
        "endpoint/operation entries from a JSON file (as `pds-entries DEVICE --import "
        "FILE` does); they become rows of their own."
    )

    def __init__(self, plugin: DriverPlugin, connection: Connection,
                 open_after: str | None = None) -> None:
        super().__init__()
        self.plugin = plugin
        self.connection = connection
        self.open_after = open_after  # a command to open once the context is read
        self.context: DeviceContext = {}
        self.rows: list[DriverCommand] = list(plugin.commands())
        self.shown_rows: list[DriverCommand] = list(self.rows)
        self.context_note = "reading what the device tells about itself ..."
        self.context_ready = False  # forms open once the context is read

    def compose(self) -> ComposeResult:
        yield DeviceBar()
        yield Static(self._note(), id="driver-note")
        yield Input(placeholder="search commands", id="driver-search")
        with Horizontal(id="driver-body"):
            yield OptionList(id="driver-commands")
            with VerticalScroll(id="driver-details"):
                yield Static(id="driver-details-text")
        yield KeyFooter()

    def _note(self) -> Text:
        text = Text(f"{self.plugin.type_name} device · ", style="bold")
        text.append(printable(self.plugin.note))
        text.append(f"\n{printable(self.context_note)}", style="dim")
        return text

    def on_mount(self) -> None:
        commands = self.query_one("#driver-commands", OptionList)
        commands.border_title = f"{self.plugin.type_name} commands"
        self._fill("")
        commands.focus()
        self._load_context()

    @work(thread=True, exclusive=True, exit_on_error=False, group="driver-context")
    def _load_context(self) -> None:
        """Read the device's context (a read at scope 0 for CXL; a file for pds). No form
        opens before it is read, so no send shares the device with this read."""
        conn = self.connection
        context = device_context(self.plugin, conn.name, conn.device)
        self.app.call_from_thread(self._context_loaded, context)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A context that cannot be read (an unusable pds entries file, said precisely):
        the plug-in's own commands still work, without it."""
        if event.worker.group == "driver-context" and event.state is WorkerState.ERROR:
            self.context_note = f"not read from the device: {event.worker.error}"
            self.context_ready = True
            self.query_one("#driver-note", Static).update(self._note())
            self._open_waiting()

    def _context_loaded(self, context: DeviceContext) -> None:
        if not self.is_attached:
            return
        self.context, self.context_ready = context, True
        self.rows = catalogue(self.plugin, context)
        self.context_note = context_summary(context, self.connection.name)
        self.query_one("#driver-note", Static).update(self._note())
        self._fill(self.query_one("#driver-search", Input).value)
        self._open_waiting()

    def _open_waiting(self) -> None:
        if self.open_after is not None:
            name, self.open_after = self.open_after, None
            self.open_command(name)

    def open_command(self, name: str) -> None:
        """Open the form of the row named `name` (the palette's choice), or say why not."""
        row = next((row for row in self.rows if row.name == name), None)
        if row is None and self.context_ready:
            self.notify(f"{printable(name)} is not a command of this "
                        f"{self.plugin.type_name} device.", severity="error")
            return
        self.open_row(row)  # None before the context is read: said so

    def open_row(self, row: DriverCommand | None) -> None:
        """Open `row`'s form with the device's context; not before the context is read."""
        if not self.context_ready or row is None:
            self.notify("Still reading the device (its features or saved entries); "
                        "open the command in a moment.", severity="warning")
            return
        self.app.push_screen(DriverCommandScreen(self.plugin, row, self.context))

    def _fill(self, query: str) -> None:
        commands = self.query_one("#driver-commands", OptionList)
        self.shown_rows = search(self.rows, query)
        commands.clear_options()
        commands.add_options([Option(row_text(row), id=str(i))
                              for i, row in enumerate(self.shown_rows)])
        if self.shown_rows:
            commands.highlighted = 0
        self._show(0)

    def _show(self, index: int | None) -> None:
        details = self.query_one("#driver-details-text", Static)
        if index is None or not 0 <= index < len(self.shown_rows):
            details.update(Text("No command matches the search.", style="dim"))
            return
        details.update(command_details(self.shown_rows[index]))

    def action_search(self) -> None:
        self.query_one("#driver-search", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Import is offered only by device types whose catalogue takes entries (pds)."""
        return imports_entries(self.plugin) if action == "import_entries" else True

    def action_import_entries(self) -> None:
        prompt = PathPrompt(
            "Import entries", "path to a JSON entries file",
            help_text=(f"Import entries\n\nA JSON file {{\"entries\": [{{name, endpoint, "
                       f"operation, scope, payload, response_len, summary}}]}}; its entries "
                       f"join the ones saved for {self.connection.name} (same name: the "
                       f"file's wins). ~ is your home directory. Enter imports; escape "
                       f"cancels."),
            hint=f"Entries file to add to {printable(self.connection.name)}'s saved entries")

        def chosen(path: str | None) -> None:
            if path is not None:
                self._import(Path(path).expanduser())

        self.app.push_screen(prompt, chosen)

    def _import(self, source: Path) -> None:
        """Import `source`; a bad file is said (file, entry, field) and nothing is saved;
        a good one re-reads the context so its entries are listed."""
        try:
            said = import_entries_file(self.plugin, self.connection.name, source)
        except ValueError as err:
            self.notify(printable(str(err)), title="entries not imported",
                        severity="error", timeout=15)
            return
        self.notify(printable(said), title="entries imported")
        self.context_ready = False
        self.context_note = "reading the saved entries again ..."
        self.query_one("#driver-note", Static).update(self._note())
        self._load_context()

    @on(Input.Changed, "#driver-search")
    def _search(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    @on(Input.Submitted, "#driver-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#driver-commands", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#driver-commands")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show(event.option_index)

    @on(OptionList.OptionSelected, "#driver-commands")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.shown_rows):
            self.open_row(self.shown_rows[event.option_index])

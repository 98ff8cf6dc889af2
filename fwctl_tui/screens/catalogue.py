"""The catalogue: every command and register, searchable, grouped, with a details pane.

One OptionList holds the filtered rows (hundreds of entries): filtering swaps its option
list instead of mounting widgets, so the list keeps up with typing. The details pane
shows what a trainee needs before sending: summary, minimum scope, whether it taints,
the kernel that first allows it, and the input/output layouts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from fwctl_tui.screens.command import breakpoint_classes
from fwctl_tui.screens.keys import key_of
from fwctl_tui.widgets.device_bar import DeviceBar
from fwctl_tui.widgets.key_footer import KeyFooter
from fwctl_tui.widgets.scope_badge import scope_text, short_scope_text, taint_badge
from fwctl_tui.workbench import catalogue_model
from fwctl_tui.workbench.catalogue_model import Row

if TYPE_CHECKING:
    from fwctl_tui.decoders import Command
    from fwctl_tui.uapi import Scope

MAX_LAYOUT_ROWS = 60


_PROMPTS: dict[str, Text] = {}


def option_prompt(row: Row) -> Text:
    """`READ   QUERY_ISSI`: a fixed-width scope tag first, so narrow lists stay aligned.

    Built once per row: filtering swaps options on every keystroke.
    """
    cached = _PROMPTS.get(row.name)
    if cached is not None:
        return cached
    text = short_scope_text(row.min_scope)
    text.append(" ")
    text.append(row.name, style="bold")
    if row.taints:
        text.append(" ")
        text.append_text(taint_badge())
    _PROMPTS[row.name] = text
    return text


def build_options(found: list[Row]) -> list[Option | None]:
    """Group headings (disabled) followed by their rows."""
    options: list[Option | None] = []
    group = None
    for row in found:
        if row.group != group:
            group = row.group
            options.append(Option(Text(group.upper(), style="bold underline"), disabled=True))
        options.append(Option(option_prompt(row), id=row.name))
    return options


_REASONED: dict[tuple[str, str], Text] = {}
REASON_SHOWN = 40  # characters of the reason on a list line (each costs on every keystroke)


def ranked_options(found: list[Row], why: dict[str, str]) -> list[Option | None]:
    """Search results best first, each with why it matched (name, summary phrase, field).

    Prompts are kept per (row, reason): the next keystroke mostly shows the same ones."""
    options: list[Option | None] = []
    for row in found:
        reason = why.get(row.name, "")
        prompt = _REASONED.get((row.name, reason))
        if prompt is None:
            prompt = option_prompt(row).copy()
            if reason:  # its start: the details pane has the whole reason
                short = reason if len(reason) <= REASON_SHOWN else reason[:REASON_SHOWN] + "…"
                prompt.append(f"  {short}", style="dim")
            if len(_REASONED) > 20_000:
                _REASONED.clear()
            _REASONED[(row.name, reason)] = prompt
        options.append(Option(prompt, id=row.name))
    return options


def layout_table(title: str, layout_name: str | None) -> Group | Text:
    """Top-level fields of a layout: bit offset, width, name (`describe` has the full tree)."""
    layouts = catalogue_model.layouts()
    if not layout_name or layout_name not in layouts:
        return Text(f"{title}: layout not public (header + raw payload)", style="dim")
    layout = layouts[layout_name]
    heading = Text(f"{title}: ", style="bold")
    heading.append(f"{layout_name} ({layout.size // 8} B)")
    table = Table(box=None, pad_edge=False)
    table.add_column("bit", justify="right", style="dim")
    table.add_column("width", justify="right", style="dim")
    table.add_column("field")
    for f in layout.fields[:MAX_LAYOUT_ROWS]:
        table.add_row(str(f.offset), str(f.width),
                      Text(f.name + (f" -> {f.type}" if f.type else "")))
    if len(layout.fields) > MAX_LAYOUT_ROWS:
        table.add_row("", "", Text(f"... {len(layout.fields) - MAX_LAYOUT_ROWS} more", "dim"))
    return Group(Text(""), heading, table)


def scopes_text(cmd: Command) -> Text:
    """The least scope, per op_mod only where op_mods differ (ACCESS_REG read vs write)."""
    by_scope: dict[Scope, list[str]] = {}
    for op_mod, name in cmd.op_mods.items():
        by_scope.setdefault(cmd.min_scope(op_mod), []).append(f"{name} ({op_mod})")
    if len(by_scope) <= 1:
        return scope_text(cmd.min_scope(cmd.default_op_mod))
    text = Text()
    for scope, names in by_scope.items():
        text.append_text(scope_text(scope))
        text.append(f" for {', '.join(names)}  ")
    return text


def row_details(row: Row) -> Group:
    cmd = row.command
    head = Text(row.name, style="bold")
    head.append(f"   {row.group}", style="dim")
    if row.taints:
        head.append("  ")
        head.append_text(taint_badge())
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("Opcode", f"0x{row.opcode:x} ({row.opcode})")
    if cmd.register is not None:
        facts.add_row("Register id", f"0x{cmd.register.id:x}  {cmd.register.name}")
        facts.add_row("INDEX fields", Text(", ".join(cmd.register.index_fields) or "-"))
    facts.add_row("Minimum scope", scopes_text(cmd))
    facts.add_row("Taints kernel", "yes, at its minimum scope" if row.taints else "no")
    facts.add_row("Kernel", f"allowed since {row.since}" if row.since else "-")
    parts: list[RenderableType] = [head, Text(row.summary), facts]
    if cmd.note:
        parts.append(Text(cmd.note, style="italic"))
    if cmd.register is not None:  # ACCESS_REG's envelope is the same for every register
        parts.append(layout_table("Register", cmd.register.layout))
    else:
        parts.append(layout_table("Input", cmd.in_layout))
        parts.append(layout_table("Output", cmd.out_layout))
    return Group(*parts)


class CatalogueScreen(Screen[None]):
    """Search box, grouped command list, details; Enter opens the command form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="search",
                tooltip="Type to filter by name, opcode, register id, field or words"),
        Binding("escape", "back", "Back", id="catalogue_back",
                tooltip="Back to the device list"),
    ]
    HELP = (
        "Catalogue\n\nEvery firmware command the mlx5 fwctl driver lets through, and every "
        "access register (read and written with ACCESS_REG). Type after {key:search} to "
        "filter: a "
        "name (QUERY_HCA), an opcode (0x100), a register id (0x5006), a field name "
        "(admin_status) or plain words (port counters) all match; results are ranked, "
        "name matches before summary matches before field matches, and each says why. "
        "The colour is the least scope the kernel accepts; "
        "TAINTS means using it marks the running kernel as tainted until reboot. The "
        "right pane shows the summary and the input/output layouts. Enter opens the form."
    )

    WIDGET_HELP: ClassVar[dict[str, str]] = {
        "catalogue-list": (
            "Command list\n\nOne line per command or register, under its group heading. "
            "The tag on the left is the least scope the kernel accepts for it: CONFIG "
            "(configuration, the safest), READ (debug read-only), WRITE (debug write: "
            "taints the kernel), FULL (also needs CAP_SYS_RAWIO). Up/Down move and the "
            "details on the right follow; Enter opens the command's form, where nothing "
            "is sent until you confirm a preview."
        ),
        "catalogue-search": (
            "Search\n\nFilters the list as you type: part of a name (paos, query_hca), an "
            "opcode (0x805), a register id (0x5006), a field name (admin_status) or words "
            "(port counters, module temperature, link down reason; the 60 best for several "
            "words). Results are ranked (name, then summary, then field matches) and each "
            "line says why it matched; "
            "the best match is highlighted; Down or Enter moves into the list; escape clears "
            "the search."
        ),
    }

    def __init__(self) -> None:
        super().__init__(classes=breakpoint_classes(self.app))
        self.found: list[Row] = []
        self.found_names: set[str] = set()
        self.why: dict[str, str] = {}  # row name -> why the current search matched it
        self._details_shown: tuple[str | None, str] | None = None  # (row, reason) shown

    def compose(self) -> ComposeResult:
        yield DeviceBar()
        with Horizontal(id="catalogue-body"):
            with Vertical(id="catalogue-left"):
                yield Input(placeholder=f"{key_of(self.app, 'search')} search commands, "
                                        "registers, fields",
                            id="catalogue-search",
                            select_on_focus=False)  # typing after `/` extends the query
                yield OptionList(id="catalogue-list")
            with VerticalScroll(id="catalogue-details"):
                yield Static(id="catalogue-detail-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#catalogue-details").border_title = "details"
        self.apply_filter("")
        self.query_one(OptionList).focus()
        # Filtered as the value changes, in the keystroke's own turn: through Input.Changed
        # the echo was drawn first and the filtered list a frame (~17 ms) later.
        self.watch(self.query_one("#catalogue-search", Input), "value", self.apply_filter,
                   init=False)

    def apply_filter(self, query: str) -> None:
        """Swap the list's options for the rows matching `query` (no widgets mounted)."""
        found = catalogue_model.search(query)
        self.found = found.rows
        self.found_names = {row.name for row in found.rows}
        self.why = found.why
        option_list = self.query_one(OptionList)
        option_list.set_options(ranked_options(self.found, found.why) if query.strip()
                                else build_options(self.found))
        option_list.border_title = f"catalogue · {len(self.found)}"
        if self.found:  # the best hit (first when ranked), else the first row after a heading
            best = option_list.get_option_index(found.best) if found.best else 1
            option_list.highlighted = best
        else:
            self._details_shown = None
            self.query_one("#catalogue-detail-text", Static).update(
                Text(f"Nothing matches {query!r}. Try a shorter word, an opcode or a field."))

    def on_key(self, event: events.Key) -> None:
        """Down from the search box walks into the list; typing anywhere else searches.

        Focus moves synchronously (Screen.set_focus): Widget.focus() is deferred, and
        keys typed right after `/` would otherwise land on the list and be lost.
        """
        search = self.query_one(Input)
        if event.key == "down" and self.focused is search:
            self.set_focus(self.query_one(OptionList))
            event.stop()
        elif self.focused is search and event.is_printable and event.character:
            # A burst typed on the list: its first key moved focus to the search, the rest
            # were already queued for the list and bubble here. The search box consumes
            # its own keys, so these are the burst's: keep them, in order.
            search.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()
        elif event.is_printable and event.character:
            if event.character == "/":
                self.action_focus_search()
            else:  # a new search starts with this key
                self.set_focus(search)
                search.value = event.character
                search.cursor_position = len(search.value)
            event.stop()
            event.prevent_default()

    def on_paste(self, event: events.Paste) -> None:
        """A paste while the list has focus is a search, all of it (not its first key):
        the search box takes the text, its first line, as typed."""
        search = self.query_one(Input)
        if self.focused is search:
            return  # the Input inserts it itself
        text = event.text.splitlines()[0].strip() if event.text.strip() else ""
        if text:
            self.set_focus(search)
            search.value = text
            search.cursor_position = len(text)
        event.stop()

    @on(Input.Submitted, "#catalogue-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionHighlighted, "#catalogue-list")
    def _row_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Typing fast queues highlights from lists already replaced: only a row of the
        # current filter may fill the details (never over "Nothing matches").
        if event.option.id not in self.found_names:
            return
        row = catalogue_model.find(event.option.id or "")
        shown = (event.option.id, self.why.get(event.option.id or "", ""))
        if row is not None and shown != self._details_shown:
            # Typing mostly keeps the same best hit: re-rendering its layout tables
            # would cost a layout pass of the pane on every keystroke for nothing.
            self._details_shown = shown
            details = row_details(row)
            if self.why.get(row.name):  # the whole reason (the list shows its start)
                details.renderables.insert(1, Text(f"Matched: {self.why[row.name]}",
                                                   style="italic"))
            self.query_one("#catalogue-detail-text", Static).update(details)

    @on(OptionList.OptionSelected, "#catalogue-list")
    def _row_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id not in self.found_names:
            return
        row = catalogue_model.find(event.option.id or "")
        if row is not None:
            self.open_row(row)

    def open_row(self, row: Row) -> None:
        from fwctl_tui.screens.command import CommandScreen

        self.app.push_screen(CommandScreen(row))

    def action_focus_search(self) -> None:
        """Focus the search with its text selected, so typing replaces the old query."""
        search = self.query_one(Input)
        self.set_focus(search)
        search.select_all()

    def action_back(self) -> None:
        if self.query_one(Input).has_focus and self.query_one(Input).value:
            self.query_one(Input).value = ""
            return
        self.app.pop_screen()

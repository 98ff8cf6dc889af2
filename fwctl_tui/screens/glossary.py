"""The glossary and help topics: every term the tool uses, searchable, with links.

Opened from the palette (`taint`), from the term links under every F1 help, and from the
lessons. A filter box on the left (words, as everywhere), the entry on the right with
its related entries to jump to.
"""

from __future__ import annotations

from contextlib import suppress
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from fwctl_tui.learn import glossary
from fwctl_tui.widgets.key_footer import KeyFooter


def entry_text(entry: glossary.Entry) -> Text:
    text = Text(entry.term, style="bold")
    text.append("   help topic\n\n" if entry.kind == "topic" else "\n\n", style="dim")
    text.append(entry.text)
    return text


class GlossaryScreen(Screen[None]):
    """Terms and topics on the left, the chosen one and where to go next on the right."""

    CSS_PATH = "learn.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="glossary_back",
                tooltip="Close the glossary (escape in the filter clears it first)"),
    ]
    HELP = (
        "Glossary\n\nEvery term this tool uses, in a few sentences, and short help topics. "
        "Type words in the filter (taint, scope, syndrome, link down); Up/Down pick an "
        "entry; the list under it jumps to related entries with Enter."
    )

    def __init__(self, entry_id: str | None = None) -> None:
        super().__init__()
        first = glossary.entries()[0].id
        self.entry_id = entry_id if entry_id and glossary.get(entry_id) else first

    def compose(self) -> ComposeResult:
        with Horizontal(id="glossary-body"):
            with Vertical(id="glossary-left"):
                yield Input(placeholder="filter: words", id="glossary-filter")
                yield OptionList(id="glossary-list")
            with VerticalScroll(id="glossary-right"):
                yield Static(id="glossary-text")
                yield Static(Text("See also", style="bold"), classes="help-title")
                yield OptionList(id="glossary-see")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#glossary-right").border_title = "glossary"
        self.fill("")
        self.show(self.entry_id)
        self.query_one("#glossary-see", OptionList).focus()

    def fill(self, query: str) -> None:
        found = ([e for e, _why in glossary.search(query, limit=50)] if query.strip()
                 else list(glossary.entries()))
        terms = self.query_one("#glossary-list", OptionList)
        terms.set_options([Option(Text(e.term), id=e.id) for e in found])
        terms.border_title = f"terms · {len(found)}"

    def show(self, entry_id: str) -> None:
        entry = glossary.get(entry_id)
        if entry is None:
            return
        self.entry_id = entry_id
        self.query_one("#glossary-text", Static).update(entry_text(entry))
        related = [glossary.get(i) for i in entry.see]
        see = self.query_one("#glossary-see", OptionList)
        see.set_options([Option(Text(e.term), id=e.id) for e in related if e is not None])
        if see.option_count:
            see.highlighted = 0
        terms = self.query_one("#glossary-list", OptionList)
        with suppress(KeyError):  # filtered out of the list: the entry still shows
            terms.highlighted = terms.get_option_index(entry_id)

    @on(Input.Changed, "#glossary-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.fill(event.value)
        terms = self.query_one("#glossary-list", OptionList)
        if terms.option_count:
            terms.highlighted = 0

    @on(OptionList.OptionHighlighted, "#glossary-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.entry_id:
            self.show(event.option.id)

    @on(OptionList.OptionSelected, "#glossary-see")
    def _follow(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.show(event.option.id)

    def action_back(self) -> None:
        search = self.query_one("#glossary-filter", Input)
        if search.has_focus and search.value:
            search.value = ""
            return
        self.dismiss(None)

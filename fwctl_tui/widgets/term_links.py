""""Terms used here": the glossary entries a help text mentions, one Enter away.

F1 shows it under every screen's help, so a trainee who meets `syndrome` or `INDEX`
in a sentence can open what it means without leaving the flow (escape comes back).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from fwctl_tui.learn import glossary


class TermLinks(OptionList):
    """One line per glossary term found in `text`; Enter opens its entry."""

    DEFAULT_CSS = "TermLinks { height: auto; max-height: 8; border: none; }"
    HELP = ("Terms used here\n\nThe glossary terms this screen's help mentions. Enter opens "
            "the entry; escape there comes back.")

    def __init__(self, text: str, *, id: str | None = None) -> None:
        self.terms = glossary.terms_in(text)
        super().__init__(*[Option(Text(f"{e.term}: {e.text.split('. ')[0]}."), id=e.id)
                           for e in self.terms], id=id, classes="term-links")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from fwctl_tui.screens.glossary import GlossaryScreen

        event.stop()
        if event.option.id:
            self.app.push_screen(GlossaryScreen(event.option.id))

"""FindingsList: a capture's findings (capture_analysis/findings.py) above its records, each line
a link to the record it comes from (Enter or a click posts RecordChosen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from fwctl_tui.textsafe import printable

if TYPE_CHECKING:
    from fwctl_tui.capture_analysis.findings import Findings

_STYLE = {"failed": "bold red", "link": "yellow", "module": "yellow", "errors": "yellow",
          "taint": "bold magenta"}


class FindingsList(OptionList):
    """The summary lines; those naming a record carry its index as the option id."""

    DEFAULT_CSS = """
    FindingsList { height: auto; max-height: 9; border: round $warning; padding: 0 1; }
    FindingsList > .option-list--option { padding: 0; }
    """
    BORDER_TITLE = "findings"

    class RecordChosen(Message):
        """The user picked a finding: show record `index` (its position in the capture)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def show_analysing(self, what: str = "the capture") -> None:
        """The placeholder while the capture is read and scanned (`what`: e.g. "N records")."""
        self.clear_options()
        self.add_option(Option(Text(printable(f"analysing {what}…"), style="dim"),
                               disabled=True))

    def show(self, findings: Findings) -> None:
        """Overview lines first (not selectable), then one option per finding."""
        self.clear_options()
        options: list[Option] = []
        for n, (text, finding) in enumerate(findings.lines()[1:]):  # the header: the device
            safe = Text(printable(text), style=_STYLE.get(finding.kind, "") if finding else "dim")
            # ids are unique per line; the record index follows the colon
            options.append(Option(safe, id=None if finding is None else f"{n}:{finding.index}",
                                  disabled=finding is None))
        self.add_options(options)
        failures, problems = len(findings.failures), len(findings.problems)
        self.border_title = f"findings: {failures} failed, {problems} reported wrong"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.RecordChosen(int(event.option.id.partition(":")[2])))

"""The first-start tour: the four panes of the workflow, one page each, under a minute.

Shown once, on the very first start (the user data directory remembers it), skippable
with escape at any page, and again whenever asked (palette: tour, or `fwctl-tui learn
--tour`).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

PAGES: tuple[tuple[str, str], ...] = (
    ("Welcome to fwctl-tui",
     "A terminal explorer for the Linux fwctl subsystem: pick a device, find a firmware "
     "command, fill its form, read the decoded reply. Four panes, one page each. Right "
     "or Enter: next. Escape skips the tour at any time."),
    ("1 · Devices",
     "Every fwctl device on this host, and simulated ones (labelled SIMULATED) when there "
     "is no hardware. Enter opens the highlighted device; o opens any device by name, "
     "including replay:FILE, a capture acting as a device."),
    ("2 · Catalogue",
     "Every firmware command the driver allows and every access register. / searches by "
     "name, opcode, field, or plain words such as port counters; each hit says why it "
     "matched. The colour tag is the least scope the kernel accepts; TAINTS warns."),
    ("3 · Form and preview",
     "Enter on a command opens its form. ctrl+j always shows the preview first: the scope, "
     "whether the kernel accepts it, whether it taints, what it needs. Escape cancels; "
     "nothing is sent until you confirm."),
    ("4 · Result",
     "The reply as a decoded tree beside the hex, with the firmware status and syndrome "
     "explained. f2 lists the session's history; every RPC is recorded to a capture."),
    ("Where next",
     "f1 explains any screen and links the terms it uses to the glossary. The lessons "
     "(l on the device list, or ctrl+p then lessons) guide you through eight short "
     "exercises on a simulated card. ctrl+p then tour shows this again."),
)


class TourScreen(ModalScreen[bool]):
    """One page at a time; dismisses True when finished or skipped (both count as seen)."""

    CSS_PATH = "learn.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "skip", "Skip", id="tour_skip", tooltip="Skip the rest of the tour"),
        # priority: Enter on a focused button would debounce fast presses
        Binding("right,enter", "next", "Next", id="tour_next", tooltip="Next page",
                priority=True),
        Binding("left", "previous", "Back", id="tour_back", tooltip="Previous page"),
    ]
    HELP = "Tour\n\nThe workflow in six short pages. Right or Enter: next; left: back; " \
           "escape: skip."

    def __init__(self) -> None:
        super().__init__()
        self.page = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="tour-dialog", classes="dialog"):
            yield Static(id="tour-text")
            with Horizontal(id="tour-buttons"):
                yield Button("Back", id="tour-previous")
                yield Button("Next", id="tour-next", variant="primary")
                yield Button("Skip tour", id="tour-skip")

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        title, body = PAGES[self.page]
        text = Text(title + "\n\n", style="bold")
        text.append(body)
        self.query_one("#tour-text", Static).update(text)
        dialog = self.query_one("#tour-dialog")
        dialog.border_title = f"tour · {self.page + 1}/{len(PAGES)} (escape skips)"
        self.query_one("#tour-next", Button).label = (
            "Finish" if self.page == len(PAGES) - 1 else "Next")
        self.query_one("#tour-previous", Button).disabled = self.page == 0

    def action_next(self) -> None:
        if self.page == len(PAGES) - 1:
            self.dismiss(True)
            return
        self.page += 1
        self.show()

    def action_previous(self) -> None:
        self.page = max(0, self.page - 1)
        self.show()

    def action_skip(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#tour-next")
    def _next(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#tour-previous")
    def _previous(self) -> None:
        self.action_previous()

    @on(Button.Pressed, "#tour-skip")
    def _skip(self) -> None:
        self.action_skip()

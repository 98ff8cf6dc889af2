"""The Lessons screen: the course, with each lesson's progress; Enter starts or resumes.

Lessons run on a simulated device (the coach opens one when the session is on anything
else), so a trainee can follow them on a production host without touching its cards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from fwctl_tui.learn import lessons
from fwctl_tui.learn.progress import Progress
from fwctl_tui.screens.lesson_coach import named_text
from fwctl_tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from fwctl_tui.app import FwctlApp


def progress_text(lesson: lessons.Lesson, progress: Progress) -> str:
    state = progress.of(lesson.id)
    if state.done:
        return "done"
    if state.step:
        return f"step {state.step + 1} of {len(lesson.steps)}"
    return f"{len(lesson.steps)} steps"


def lesson_prompt(lesson: lessons.Lesson, progress: Progress) -> Text:
    done = progress.of(lesson.id).done
    text = Text("✓ " if done else "  ", style="bold green")
    text.append(f"{lesson.number}. {lesson.title}")
    text.append(f"\n     {progress_text(lesson, progress)}", style="dim")
    return text


def lesson_details(lesson: lessons.Lesson, progress: Progress) -> Text:
    text = Text(f"{lesson.number}. {lesson.title}\n\n", style="bold")
    text.append_text(named_text(lesson.summary))
    text.append("\n\n")
    reached = progress.of(lesson.id)
    for i, step in enumerate(lesson.steps):
        mark = "✓" if reached.done or i < reached.step else ("▶" if i == reached.step else " ")
        text.append(f"{mark} {i + 1}. {step.title}\n")
    text.append(f"\nRuns on {lesson.device} (simulated: nothing real is touched). Enter "
                "starts or resumes; the side panel explains and checks each step.", "dim")
    return text


class LessonsScreen(Screen[None]):
    """The list of lessons and the highlighted one's steps."""

    CSS_PATH = "learn.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="lessons_back", tooltip="Close the lessons"),
        Binding("x", "stop_lesson", "Stop lesson", id="stop_lesson",
                tooltip="Stop guiding the current lesson (its progress is kept)"),
    ]
    HELP = (
        "Lessons\n\nA short guided course on a simulated device: each lesson is a few steps "
        "you do in the real screens (send a command, read a reply, find a record in a "
        "capture) while a side panel explains and checks them. Progress is saved as you "
        "go; `fwctl-tui learn --reset` starts over. Enter starts or resumes the "
        "highlighted lesson; {key:stop_lesson} stops the guidance."
    )

    def __init__(self, select: str | None = None) -> None:
        super().__init__()
        self.select = select

    @property
    def progress(self) -> Progress:
        progress: Progress = self.app.lesson_progress  # type: ignore[attr-defined]
        return progress

    def compose(self) -> ComposeResult:
        with Horizontal(id="lessons-body"):
            yield OptionList(id="lessons-list")
            with VerticalScroll(id="lessons-details"):
                yield Static(id="lessons-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#lessons-details").border_title = "lesson"
        self.fill()
        if self.select:
            self.query_one(OptionList).highlighted = self.query_one(
                OptionList).get_option_index(self.select)
        self.query_one(OptionList).focus()

    def fill(self) -> None:
        course = self.query_one(OptionList)
        kept = course.highlighted
        course.set_options([Option(lesson_prompt(lesson, self.progress), id=lesson.id)
                            for lesson in lessons.lessons()])
        course.border_title = f"lessons · {len(lessons.lessons())}"
        course.highlighted = kept if kept is not None else 0

    @on(OptionList.OptionHighlighted, "#lessons-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        lesson = lessons.find(event.option.id or "")
        if lesson is not None:
            self.query_one("#lessons-text", Static).update(lesson_details(lesson, self.progress))

    @on(OptionList.OptionSelected, "#lessons-list")
    def _start(self, event: OptionList.OptionSelected) -> None:
        lesson = lessons.find(event.option.id or "")
        if lesson is not None:
            coach = cast("FwctlApp", self.app).lesson_coach
            self.dismiss(None)
            coach.start(lesson)

    def action_stop_lesson(self) -> None:
        self.app.lesson_coach.stop()  # type: ignore[attr-defined]
        self.notify("Lesson guidance stopped; its progress is kept.")

    def action_back(self) -> None:
        self.dismiss(None)

"""The App's learning actions: lessons, glossary, tour, and the lesson panel's answers.

A mixin, so app.py only names it: the App gets `lesson_progress`
(learn.progress, in the user data directory or the folder the App was given) and a
`lesson_coach`, shows the tour on the very first start when asked to, and opens the
lessons at start for `fwctl-tui learn`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.app import App

from fwctl_tui.learn.progress import Progress
from fwctl_tui.widgets.lesson_panel import LessonPanel

if TYPE_CHECKING:
    from fwctl_tui.app import FwctlApp
    from fwctl_tui.screens.lesson_coach import LessonCoach


class LearnActions(App[int]):
    """Actions and start-up for the learning aids (see the module docstring)."""

    lesson_progress: Progress
    _coach: LessonCoach | None

    def setup_learning(self, learn_dir: Path | None) -> None:
        """Called from __init__: load progress (a bad file is set aside and reported)."""
        self.lesson_progress = Progress.load(learn_dir)
        self._coach = None

    @property
    def lesson_coach(self) -> LessonCoach:
        """The coach, made on first use: start-up never pays for the checker's imports."""
        if self._coach is None:
            from fwctl_tui.screens.lesson_coach import LessonCoach

            self._coach = LessonCoach(cast("FwctlApp", self), self.lesson_progress)
        return self._coach

    def start_learning(self, *, first_start_tour: bool, open_lessons: bool) -> None:
        """Called from on_mount, after the device list is pushed."""
        if self.lesson_progress.problem:
            self.notify(self.lesson_progress.problem, title="lessons", severity="warning",
                        timeout=10)
        if open_lessons:
            self.action_lessons()
        if first_start_tour and not self.lesson_progress.tour_seen:
            self.action_tour()

    def action_lessons(self, select: str | None = None) -> None:
        from fwctl_tui.screens.lessons import LessonsScreen

        self.push_screen(LessonsScreen(select))

    def action_glossary(self, entry_id: str | None = None) -> None:
        from fwctl_tui.screens.glossary import GlossaryScreen

        self.push_screen(GlossaryScreen(entry_id))

    def action_tour(self) -> None:
        from fwctl_tui.screens.tour import TourScreen

        self.push_screen(TourScreen(), lambda _seen: self.lesson_progress.mark_tour_seen())

    def action_lesson_answer(self) -> None:
        """Put the cursor in the lesson panel's answer box (when the step asks a question)."""
        for panel in self.screen.query(LessonPanel):
            answer = panel.query_one("#lesson-answer")
            if answer.display:
                self.screen.set_focus(answer)
                return
        self.notify("No lesson question is waiting for an answer here.", severity="warning")

    def on_lesson_panel_answered(self, message: LessonPanel.Answered) -> None:
        self.lesson_coach.answered(message.text)

"""The lesson coach: follows the trainee through the real screens and checks each step.

It watches, never patches: on every screen change it notes previews opened and closed,
reads the session's history (what was really sent and answered) and asks
learn.checks.judge about the current step. Done steps advance and are saved at once
(learn.progress); a wrong step gets the checker's reason in the side panel and a toast.
The panel is docked into each ordinary screen the trainee visits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.screen import ModalScreen, Screen

from fwctl_tui.learn.checks import Observation, Verdict, judge
from fwctl_tui.learn.lessons import Lesson
from fwctl_tui.learn.progress import Progress
from fwctl_tui.screens.messages import OpenDeviceRequested
from fwctl_tui.widgets.lesson_panel import LessonPanel

if TYPE_CHECKING:
    from fwctl_tui.app import FwctlApp
    from fwctl_tui.screens.preview import PreviewScreen
    from fwctl_tui.session import Session


def named_text(text: str) -> Text:
    """A lesson text with its `backticked` catalogue names in bold, backticks dropped."""
    out = Text()
    for i, part in enumerate(text.split("`")):
        out.append(part, style="bold" if i % 2 else "")
    return out


class LessonCoach:
    """One per app; `start(lesson)` begins or resumes, `stop()` ends the guidance."""

    def __init__(self, app: FwctlApp, progress: Progress) -> None:
        self.app = app
        self.progress = progress
        self.lesson: Lesson | None = None
        self.step = 0
        self.verdict = Verdict("waiting")
        self.previews: list[tuple[str, bool]] = []
        self._open_previews: list[PreviewScreen] = []
        self._session: Session | None = None
        self._since = 0
        self._judged_at: tuple[int, str | None] | None = None
        self.answer: str | None = None
        self.finished = False
        app.screen_change_signal.subscribe(app, self._screen_changed)
        # a send judged while in flight waits; it is judged again once the app is idle
        app.watch(app, "busy", self._busy_changed, init=False)

    # -- lifecycle ---------------------------------------------------------------------
    def start(self, lesson: Lesson) -> None:
        saved = self.progress.of(lesson.id)
        self.lesson, self.finished = lesson, False
        self.step = saved.step if saved.step < len(lesson.steps) else 0
        self._begin_step()
        if self.app.device_kind != "simulated":  # lessons never touch a real device
            self.app.post_message(OpenDeviceRequested(lesson.device))
        self.progress.reached(lesson.id, self.step)
        self.refresh()

    def stop(self) -> None:
        self.lesson = None
        for screen in self.app.screen_stack:
            for panel in screen.query(LessonPanel):
                panel.remove()

    def _begin_step(self) -> None:
        session = self.app.workspace.session
        self._session = session
        self._since = len(session.history) if session is not None else 0
        self._judged_at = None
        self.previews, self._open_previews, self.answer = [], [], None
        self.verdict = Verdict("waiting")

    # -- observing ---------------------------------------------------------------------
    def _screen_changed(self, screen: Screen[object]) -> None:
        from fwctl_tui.screens.preview import PreviewScreen

        if self.lesson is None:
            return
        if isinstance(screen, PreviewScreen) and screen not in self._open_previews:
            self._open_previews.append(screen)
            self.previews.append((screen.plan.label, False))
        for preview in list(self._open_previews):
            if preview not in self.app.screen_stack:
                self._open_previews.remove(preview)
                self.previews.append((preview.plan.label, True))
        screen.call_after_refresh(self.check)

    def _busy_changed(self, busy: bool) -> None:
        if not busy and self.lesson is not None:
            self.app.call_after_refresh(self.check)

    def observation(self) -> Observation:
        session = self.app.workspace.session
        history = session.history if session is not None else []
        return Observation(history=history, previews=list(self.previews),
                           device=self.app.device_name, answer=self.answer)

    def check(self) -> None:
        """Judge the current step against what happened; advance or explain."""
        if self.lesson is None or self.finished:
            self.refresh()
            return
        if self.app.busy:  # a send is on its way: judge it once it has answered
            return
        obs = self.observation()
        since = self._since if self.app.workspace.session is self._session else 0
        verdict = judge(self.lesson.steps[self.step], since, obs)
        if verdict.state == "done":
            self._advance(verdict)
        elif verdict.state == "wrong" and (len(obs.history), self.answer) != self._judged_at:
            self._judged_at = (len(obs.history), self.answer)
            self.verdict = verdict
            self.app.notify(verdict.message, title="lesson: not yet", severity="warning")
        self.refresh()

    def answered(self, text: str) -> None:
        self.answer = text
        self.check()

    def _advance(self, verdict: Verdict) -> None:
        assert self.lesson is not None
        self.step += 1
        done = self.step >= len(self.lesson.steps)
        self.progress.reached(self.lesson.id, min(self.step, len(self.lesson.steps)),
                              done=done)
        self._begin_step()
        self.verdict = verdict
        self.finished = done
        self.app.notify(verdict.message or "Step done.", title="lesson: right")

    # -- showing -----------------------------------------------------------------------
    def refresh(self) -> None:
        screen = self.app.screen
        if self.lesson is None or isinstance(screen, ModalScreen):
            return
        panels = list(screen.query(LessonPanel))
        if not panels:
            screen.mount(LessonPanel())
            screen.call_after_refresh(self.refresh)
            return
        if not panels[0].query("#lesson-step"):  # mounted a moment ago, not built yet
            panels[0].call_after_refresh(self.refresh)
            return
        title, body, verdict, asks = self.view()
        panels[0].show(title, body, verdict, asks)

    def view(self) -> tuple[str, Text, Text, bool]:
        lesson = self.lesson
        assert lesson is not None
        verdict = Text()
        if self.verdict.state == "done":
            verdict.append("✓ ", style="bold green")
            verdict.append(self.verdict.message)
        elif self.verdict.state == "wrong":
            verdict.append("✗ ", style="bold red")
            verdict.append(self.verdict.message)
        if self.finished:
            body = Text("Lesson complete.\n\n", style="bold green")
            body.append("Open the lessons (ctrl+p, lessons) for the next one.")
            return f"lesson {lesson.number} · done", body, verdict, False
        step = lesson.steps[self.step]
        body = Text(f"{step.title}\n\n", style="bold")
        body.append_text(named_text(step.text))
        if step.question:
            body.append("\n\n")
            body.append(step.question, style="bold")
        title = f"lesson {lesson.number} · step {self.step + 1}/{len(lesson.steps)}"
        return title, body, verdict, step.check.kind == "answer"

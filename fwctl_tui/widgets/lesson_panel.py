"""The lesson side panel: the current step, its question, and what the checker said.

Docked on the right of whatever screen the trainee is working in, so the explanation
stays beside the real screens. It shows what the coach (screens/lesson_coach.py) gives
it and posts the typed answer up; it judges nothing itself.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static


class LessonPanel(VerticalScroll):
    """Step text on top, the verdict under it, an answer box for questions."""

    DEFAULT_CSS = """
    LessonPanel {
        dock: right; width: 36%; max-width: 46; min-width: 30; height: 100%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    LessonPanel #lesson-verdict { margin-top: 1; }
    LessonPanel Input { margin-top: 1; }
    """
    HELP = ("Lesson\n\nThe step you are on: do it in the screens on the left; the panel "
            "checks what you send and says what was right or wrong. For a question, "
            "{key:lesson_answer} puts the cursor in the answer box and Enter checks it.")

    class Answered(Message):
        """The trainee typed an answer and pressed Enter."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Static(id="lesson-step")
        yield Static(id="lesson-verdict")
        answer = Input(placeholder="your answer, then Enter", id="lesson-answer")
        answer.display = False  # shown for questions only
        yield answer

    def show(self, title: str, body: Text, verdict: Text, asks: bool) -> None:
        self.border_title = title
        self.query_one("#lesson-step", Static).update(body)
        self.query_one("#lesson-verdict", Static).update(verdict)
        answer = self.query_one("#lesson-answer", Input)
        answer.display = asks

    @on(Input.Submitted, "#lesson-answer")
    def _answered(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Answered(event.value))

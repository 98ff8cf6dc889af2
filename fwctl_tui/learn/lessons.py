"""Lessons as data: each file under data/lessons/ is one lesson (TOML), loaded here.

A lesson is a title, a summary, the simulated device it runs on and a few steps; a step
is a text that explains, a hint, what to say when it is done, and a check (checks.py)
that recognises the trainee doing it in the real screens. Adding a lesson is adding a
file; tests/unit/test_lessons.py checks every command, register and field a lesson
names against the catalogue.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from fwctl_tui.wordmatch import query_words, text_words

CHECK_KINDS = ("sent", "declined", "answer", "opened")
NAMED = re.compile(r"`([^`]+)`")  # names in lesson texts are written in backticks


class LessonError(ValueError):
    """A lesson file that does not follow the format (which file, which step, what)."""


@dataclass(frozen=True)
class Check:
    """What completes a step (see checks.py for how each kind is judged)."""

    kind: str
    command: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    op_mod: int | str | None = None
    status: str | None = None  # ok | error (the firmware's status)
    errno: str | None = None
    answers: tuple[str, ...] = ()
    answer_from: dict[str, Any] = field(default_factory=dict)
    device: str | None = None  # opened: a device name prefix (replay:)


@dataclass(frozen=True)
class Step:
    title: str
    text: str
    hint: str
    done: str
    check: Check
    question: str = ""  # answer steps: what to type in the lesson panel


@dataclass(frozen=True)
class Lesson:
    id: str
    number: int
    title: str
    summary: str
    device: str
    steps: tuple[Step, ...]
    terms: tuple[str, ...] = ()  # glossary ids the lesson leans on

    def texts(self) -> list[str]:
        return [self.summary, *[t for s in self.steps for t in (s.text, s.hint, s.done,
                                                                s.question)]]

    def names(self) -> set[str]:
        """Every `backticked` name in the lesson's texts."""
        return {m for text in self.texts() for m in NAMED.findall(text)}


def reflow(text: str) -> str:
    """Lesson texts are wrapped in the file: lines join, blank lines keep paragraphs."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _check(raw: dict[str, Any], where: str) -> Check:
    kind = raw.get("kind")
    if kind not in CHECK_KINDS:
        raise LessonError(f"{where}: check kind {kind!r} is not one of {', '.join(CHECK_KINDS)}")
    check = Check(
        kind=kind, command=raw.get("command"), fields=dict(raw.get("fields", {})),
        op_mod=raw.get("op_mod"), status=raw.get("status"), errno=raw.get("errno"),
        answers=tuple(str(a) for a in raw.get("answers", ())),
        answer_from=dict(raw.get("answer_from", {})), device=raw.get("device"),
    )
    if kind in ("sent", "declined") and not check.command:
        raise LessonError(f"{where}: a {kind!r} check needs a command")
    if kind == "answer" and not (check.answers or check.answer_from):
        raise LessonError(f"{where}: an answer check needs answers or answer_from")
    if kind == "opened" and not check.device:
        raise LessonError(f"{where}: an opened check needs a device prefix")
    return check


def parse_lesson(text: str, name: str) -> Lesson:
    """One lesson from its TOML text; LessonError names the file and step at fault."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise LessonError(f"{name}: {err}") from None
    try:
        steps = tuple(
            Step(title=s["title"], text=reflow(s["text"]), hint=reflow(s.get("hint", "")),
                 done=reflow(s.get("done", "")), question=reflow(s.get("question", "")),
                 check=_check(s.get("check", {}), f"{name} step {i}"))
            for i, s in enumerate(raw["steps"], 1))
        lesson = Lesson(id=raw["id"], number=int(raw["number"]), title=raw["title"],
                        summary=reflow(raw["summary"]), device=raw.get("device", "sim:cx7"),
                        steps=steps, terms=tuple(raw.get("terms", ())))
    except KeyError as err:
        raise LessonError(f"{name}: missing {err.args[0]!r}") from None
    if not lesson.device.startswith("sim:"):
        raise LessonError(f"{name}: lessons run on simulated devices (sim:...), "
                          f"not {lesson.device!r}")
    if not steps:
        raise LessonError(f"{name}: a lesson needs at least one step")
    return lesson


@cache
def lessons() -> tuple[Lesson, ...]:
    """Every packaged lesson, by number."""
    folder = resources.files("fwctl_tui.learn").joinpath("data/lessons")
    found = [parse_lesson(item.read_text("utf-8"), item.name)
             for item in folder.iterdir() if item.name.endswith(".toml")]
    return tuple(sorted(found, key=lambda lesson: lesson.number))


def find(lesson_id: str) -> Lesson | None:
    return next((lesson for lesson in lessons() if lesson.id == lesson_id), None)


def search(query: str, limit: int = 5) -> list[Lesson]:
    """Lessons whose title, summary or step titles hold every word of `query`."""
    words = query_words(query)
    if not words:
        return []
    found = []
    for lesson in lessons():
        vocabulary = text_words(" ".join([lesson.title, lesson.summary, lesson.id,
                                          *[s.title for s in lesson.steps]]))
        if all(any(v.startswith(w) for v in vocabulary) for w in words):
            in_title = all(any(v.startswith(w) for v in text_words(lesson.title))
                           for w in words)
            found.append((0 if in_title else 1, lesson.number, lesson))
    return [lesson for *_key, lesson in sorted(found, key=lambda item: item[:2])][:limit]

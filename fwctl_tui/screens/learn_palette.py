"""Palette provider for learning: glossary terms and help topics, lessons, the tour.

`taint`, `scope`, `syndrome` open the glossary entry; `link` or `temperature` offer
the lessons about them; `lessons`, `glossary`, `tour`, `help` open those screens. An
exact glossary term scores 1.0, so it comes before a catalogue hit for the same word.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from fwctl_tui.learn import glossary, lessons

if TYPE_CHECKING:
    from fwctl_tui.app import FwctlApp

LIMIT = 8


def _screens(app: FwctlApp) -> list[tuple[str, str, Callable[[], None]]]:
    return [
        ("Lessons: guided practice on a simulated device", "lesson learn course",
         app.action_lessons),
        ("Glossary and help topics", "help glossary terms topics", app.action_glossary),
        ("Show the tour again", "tour welcome", app.action_tour),
    ]


class LearnCommands(Provider):
    """Glossary, help topics, lessons and the tour, found by words."""

    async def discover(self) -> Hits:
        for label, _words, action in _screens(cast("FwctlApp", self.app)):
            yield DiscoveryHit(Text(label), action)

    async def search(self, query: str) -> Hits:
        app = cast("FwctlApp", self.app)
        matcher = self.matcher(query)
        typed = query.strip().lower()
        for label, words, action in _screens(app):
            score = max(matcher.match(label),
                        0.9 if typed and any(w.startswith(typed) for w in words.split())
                        else 0.0)
            if score > 0:
                yield Hit(score, matcher.highlight(label), action, text=label)
        for rank, (entry, why) in enumerate(glossary.search(query, limit=LIMIT)):
            exact = typed in (entry.term.lower(), entry.id, *(w.lower() for w in entry.words))
            label = f"Glossary: {entry.term}"
            yield Hit(1.0 if exact else 0.9 - rank / (4 * LIMIT), Text(label),
                      partial(app.action_glossary, entry.id), text=label,
                      help=f"{why} · {entry.text.split('. ')[0]}.")
        for rank, lesson in enumerate(lessons.search(query)):
            label = f"Lesson {lesson.number}: {lesson.title}"
            yield Hit(0.85 - rank / 40, Text(label), partial(app.action_lessons, lesson.id),
                      text=label, help=lesson.summary.split(". ")[0] + ".")

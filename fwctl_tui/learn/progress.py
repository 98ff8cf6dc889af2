"""The trainee's progress: lessons done, the step reached, whether the tour was shown.

One small JSON file in the user data directory (platformdirs; tests and the app pass a
folder). Written whole to a temporary file and renamed, so a crash never leaves half a
file; an unreadable file is kept aside as `.unreadable` (never lost) and the trainee
starts afresh with a note saying so.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FILE_NAME = "learn-progress.json"
VERSION = 1


def default_folder() -> Path:
    from fwctl_tui.config import data_dir

    return data_dir()


@dataclass
class LessonProgress:
    step: int = 0  # the step to do next (0-based); len(steps) once done
    done: bool = False


@dataclass
class Progress:
    """Load with `Progress.load(folder)`; every change is saved at once."""

    path: Path
    lessons: dict[str, LessonProgress] = field(default_factory=dict)
    tour_seen: bool = False
    problem: str | None = None  # why an existing file was not used

    @classmethod
    def load(cls, folder: Path | None = None) -> Progress:
        path = (folder if folder is not None else default_folder()) / FILE_NAME
        progress = cls(path)
        if not path.exists():
            return progress
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            progress._read(raw)
        except (OSError, ValueError, TypeError, AttributeError) as err:
            aside = path.with_suffix(".unreadable")
            try:
                os.replace(path, aside)
                kept = f"kept as {aside}"
            except OSError:
                kept = "left in place"
            progress = cls(path, problem=f"{path} could not be read ({err}); {kept}; "
                                         "starting with no progress")
        return progress

    def _read(self, raw: Any) -> None:
        if not isinstance(raw, dict) or raw.get("version") != VERSION:
            raise ValueError(f"not a version {VERSION} progress file")
        for lesson_id, item in dict(raw.get("lessons", {})).items():
            self.lessons[str(lesson_id)] = LessonProgress(int(item.get("step", 0)),
                                                          bool(item.get("done", False)))
        self.tour_seen = bool(raw.get("tour_seen", False))

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": VERSION, "tour_seen": self.tour_seen,
                "lessons": {k: {"step": v.step, "done": v.done}
                            for k, v in sorted(self.lessons.items())}}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)

    def of(self, lesson_id: str) -> LessonProgress:
        return self.lessons.get(lesson_id, LessonProgress())

    def reached(self, lesson_id: str, step: int, *, done: bool = False) -> None:
        """Record the step to resume at (a finished lesson stays done)."""
        before = self.of(lesson_id)
        self.lessons[lesson_id] = LessonProgress(step, done or before.done)
        self.save()

    def mark_tour_seen(self) -> None:
        self.tour_seen = True
        self.save()

    def reset(self) -> None:
        """Forget every lesson's progress (the tour stays seen: `learn --tour` shows it)."""
        self.lessons.clear()
        self.save()

"""`fwctl-tui learn`: the lessons (TUI on a simulated device), their progress, the tour.

    fwctl-tui learn                 the TUI with the Lessons screen open (simulated cx7)
    fwctl-tui learn --list [--json] every lesson and how far the trainee got
    fwctl-tui learn --reset         forget the progress (lessons start from step 1)
    fwctl-tui learn --tour          the TUI with the first-start tour shown again

Progress lives in the user data directory (platformdirs), learn-progress.json.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fwctl_tui.cli import EXIT_OK, CliError, add_json_flag, print_json
from fwctl_tui.learn import lessons
from fwctl_tui.learn.progress import Progress


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("learn", help="guided lessons on a simulated device")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list the lessons and progress")
    what.add_argument("--reset", action="store_true", help="forget all lesson progress")
    what.add_argument("--tour", action="store_true", help="show the first-start tour again")
    add_json_flag(p)
    p.set_defaults(handler=cmd_learn)


def lesson_json(lesson: lessons.Lesson, progress: Progress) -> dict[str, Any]:
    """One lesson as `learn --list --json` prints it (README "JSON output")."""
    state = progress.of(lesson.id)
    return {"number": lesson.number, "id": lesson.id, "title": lesson.title,
            "steps": len(lesson.steps), "step_reached": min(state.step, len(lesson.steps)),
            "done": state.done, "device": lesson.device, "summary": lesson.summary}


def _progress() -> Progress:
    progress = Progress.load()
    if progress.problem:
        sys.stderr.write(f"fwctl-tui: {progress.problem}\n")
    return progress


def cmd_learn(args: argparse.Namespace) -> int:
    if args.list:
        progress = _progress()
        rows = [lesson_json(lesson, progress) for lesson in lessons.lessons()]
        if args.json:
            print_json(rows)
            return EXIT_OK
        for row in rows:
            state = ("done" if row["done"] else
                     f"step {row['step_reached'] + 1} of {row['steps']}" if row["step_reached"]
                     else "not started")
            print(f"{row['number']:>2}. {row['title']:<46} {state}")
        print(f"progress: {progress.path}")
        return EXIT_OK
    if args.reset:
        progress = _progress()
        count = len(progress.lessons)
        try:
            progress.reset()
        except OSError as err:
            raise CliError(f"could not write {progress.path}: {err}", 1) from None
        if args.json:
            print_json({"reset": True, "lessons_forgotten": count, "path": str(progress.path)})
        else:
            print(f"lesson progress reset ({count} lessons forgotten): {progress.path}")
        return EXIT_OK
    if args.json:
        raise CliError("--json goes with --list or --reset; the lessons themselves run in "
                       "the TUI")
    from fwctl_tui.app import FwctlApp

    app = FwctlApp(profile=args.simulate or "cx7", root=args.root, open_lessons=not args.tour,
                   first_start_tour=False, hosts=args.sim_hosts, clock=args.clock)
    if args.tour:
        app.call_later(app.action_tour)
    app.run()
    app.workspace.close()
    return app.return_code or 0

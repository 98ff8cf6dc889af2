"""Run one capture through every CLI tool in-process and say what went wrong.

For each tool (replay, replay --json, replay --against, diff, diff --json, export,
export --redact, info replay:, send replay:) the check asserts what issue 11 asks: no
exception escapes main() (a traceback), nothing hangs (a timer interrupts a blocked
call), the exit code is one the contract allows, no raw control or bidi character
reaches stdout or stderr, and every good record survives (listed by replay --json,
paired by diff, copied by export, kept by export --redact).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import signal
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fwctl_tui.__main__ import main

TIMEOUT_S = 20.0
# What printable() escapes, except the newline that ends lines.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
                         "\u2028\u2029]")


class Hang(Exception):
    """A tool ran past TIMEOUT_S (raised from a timer signal into the blocked call)."""


@dataclass
class Run:
    argv: list[str]
    code: int | None
    out: str
    err: str
    failure: str | None = None  # traceback or hang


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"no answer after {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(argv: list[str], timeout: float = TIMEOUT_S) -> Run:
    """main(argv) with stdout and stderr captured; a failure instead of an exception."""
    out, err = io.StringIO(), io.StringIO()
    code: int | None = None
    failure = None
    try:
        with _deadline(timeout), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except Hang as hang:
        failure = f"hang: {hang}"
    except SystemExit as exc:  # argparse usage errors exit 2 by design
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException:  # what a user would see as a traceback
        failure = "traceback:\n" + traceback.format_exc(limit=8)
    return Run(argv, code, out.getvalue(), err.getvalue(), failure)


def findings(path: Path, good: list[int] | None, scratch: Path, *, strict: bool = True
             ) -> list[str]:
    """Everything wrong with how the tools treat `path` (a capture whose good records
    have the seqs `good`, or None: not a capture); [] when all is well. Without `strict`
    (a random mutation: nobody knows what it should say) only tracebacks, hangs and raw
    control characters count."""
    problems: list[str] = []
    text = str(path)
    usable = good is not None
    good = good or []

    def check(argv: list[str], codes: tuple[int, ...]) -> Run:
        result = run(argv)
        where = " ".join(argv)
        if result.failure:
            problems.append(f"{where}: {result.failure}")
            return result
        if not strict:
            codes = (0, 1, 2)
        if result.code not in codes:
            problems.append(f"{where}: exit {result.code} (expected {codes}): {result.err[:300]}")
        for stream, content in (("stdout", result.out), ("stderr", result.err)):
            if (found := RAW_CONTROL.search(content)) is not None:
                problems.append(f"{where}: raw {found.group()!r} on {stream}")
        if strict and not usable and result.code == 0 and "--json" not in argv:
            problems.append(f"{where}: exit 0 for a file that is not a capture")
        return result

    listing = check(["replay", text, "--json"], (0,) if usable else (2,))
    if usable and listing.code == 0:
        problems += _missing(listing.out, good, "replay --json")
    check(["replay", text], (0,) if usable else (2,))
    paired = check(["diff", text, text, "--json"], (0,) if usable else (2,))
    if usable and paired.code == 0:
        problems += _unpaired(paired.out, good)
    check(["diff", text, text], (0,) if usable else (2,))
    copy, redacted = scratch / "copy.jsonl", scratch / "redacted.jsonl"
    for dest in (copy, redacted):
        dest.unlink(missing_ok=True)
    check(["export", text, str(copy)], (0,) if usable else (2,))
    if usable and copy.exists() and copy.read_bytes() != path.read_bytes():
        problems.append("export: the copy differs from the source")
    check(["export", text, str(redacted), "--redact"], (0,) if usable else (2,))
    if usable and redacted.exists():
        kept = check(["replay", str(redacted), "--json"], (0,))
        problems += _missing(kept.out, good, "export --redact")
    check(["info", f"replay:{text}"], (0,) if usable else (2,))
    check(["send", f"replay:{text}", "ACCESS_REG:PPCNT", "local_port=1"], (0, 1, 2))
    check(["replay", text, "--against", f"replay:{text}"], (0, 1, 2))
    return problems


def _missing(out: str, good: list[int], tool: str) -> list[str]:
    try:
        records = json.loads(out)["records"]
    except (ValueError, KeyError, TypeError) as err:
        return [f"{tool}: output is not the documented JSON ({err})"]
    listed = {r.get("seq") for r in records if not r.get("error")}
    lost = [seq for seq in good if seq not in listed]
    return [f"{tool}: good record(s) {lost} lost"] if lost else []


def _unpaired(out: str, good: list[int]) -> list[str]:
    try:
        pairs = json.loads(out)["pairs"]
    except (ValueError, KeyError, TypeError) as err:
        return [f"diff --json: output is not the documented JSON ({err})"]
    paired = {pair.get("seq_a") for pair in pairs}
    lost = [seq for seq in good if seq not in paired]
    return [f"diff: good record(s) {lost} not paired with themselves"] if lost else []

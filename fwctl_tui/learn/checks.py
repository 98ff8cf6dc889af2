"""Is the step done? Judged from what the session did, never from inside a screen.

The lesson coach hands over an Observation: the session's history (the same Exchanges a
capture records), the previews the trainee opened and closed, the open device and the
answer typed in the lesson panel. `judge` says waiting, done, or wrong with why: which
command, op_mod or field differed from what the step asks, in words a trainee can act on.
"""

from __future__ import annotations

import errno as errno_names
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fwctl_tui.decoders import catalogue, decode_input, decode_output, iter_leaves
from fwctl_tui.decoders.values import parse_number
from fwctl_tui.exchange import Exchange
from fwctl_tui.learn.lessons import Check, Step


@dataclass(frozen=True)
class Verdict:
    state: str  # waiting | done | wrong
    message: str = ""


@dataclass
class Observation:
    history: Sequence[Exchange] = ()
    previews: list[tuple[str, bool]] = field(default_factory=list)  # (command, closed)
    device: str = ""
    answer: str | None = None


def samples_dir() -> Path:
    """The repository's sample captures (captures/), which the support lessons read."""
    return Path(__file__).resolve().parents[2] / "captures"


def _op_mod_value(command: str, wanted: int | str) -> int:
    if isinstance(wanted, int):
        return wanted
    cmd = catalogue.find(command)
    for value, name in cmd.op_mods.items():
        if name.lower() == wanted.lower():
            return value
    raise LookupError(f"{command} has no op_mod named {wanted!r}")


def _leaves(command: str, request: bytes) -> dict[str, Any]:
    try:
        root = decode_input(catalogue.find(command), request)
    except (ValueError, LookupError):
        return {}
    return {leaf.path: leaf for leaf in iter_leaves(root)}


def find_leaf(leaves: dict[str, Any], name: str) -> Any:
    """The leaf at `name`: a full path, or a leaf's own name (the shortest path wins)."""
    if name in leaves:
        return leaves[name]
    tail = [p for p in leaves if p.endswith("." + name)]
    return leaves[min(tail, key=len)] if tail else None


def same_value(leaf: Any, wanted: Any) -> bool:
    """A number equals the value; a name equals the field's enum label (any case)."""
    number = wanted if isinstance(wanted, int) else parse_number(str(wanted))
    if number is not None:
        return bool(leaf.value == number)
    return str(leaf.label or "").lower() == str(wanted).lower()


def _shown(leaf: Any) -> str:
    return f"{leaf.value} ({leaf.label})" if leaf.label else str(leaf.value)


def reply_leaf(history: Sequence[Exchange], command: str, field_name: str) -> Any:
    """The field `field_name` of the last successful reply to `command` in the session."""
    for ex in reversed(history):
        if ex.command.lower() == command.lower() and ex.reply is not None and not ex.errno:
            try:
                root = decode_output(catalogue.find(ex.command), ex.reply, ex.request)
            except (ValueError, LookupError):
                continue
            leaf = find_leaf({leaf.path: leaf for leaf in iter_leaves(root)}, field_name)
            if leaf is not None:
                return leaf
    return None


def wanted_value(wanted: Any, history: Sequence[Exchange]) -> Any:
    """A lesson's field value; `@COMMAND.field` is that field of the session's last reply
    to COMMAND (walking from one object to the next by the numbers in each reply)."""
    if not (isinstance(wanted, str) and wanted.startswith("@")):
        return wanted
    command, _, field_name = wanted[1:].rpartition(".")
    leaf = reply_leaf(history, command, field_name)
    if leaf is None:
        raise LookupError(f"send {command} first: this step takes {field_name} from its reply")
    return leaf.value


def mismatch(check: Check, ex: Exchange, history: Sequence[Exchange] = ()) -> str | None:
    """Why `ex` is not what the check asks for, or None when it is."""
    assert check.command is not None
    if ex.command.lower() != check.command.lower():
        return f"You sent {ex.command}; this step asks for {check.command}."
    if check.op_mod is not None and ex.op_mod != _op_mod_value(check.command, check.op_mod):
        return (f"{ex.command} went with op_mod {ex.op_mod}; this step asks for "
                f"op_mod {check.op_mod}.")
    leaves = _leaves(ex.command, ex.request)
    for name, spec in check.fields.items():
        try:
            wanted = wanted_value(spec, history)
        except LookupError as err:
            return str(err).capitalize() + "."
        leaf = find_leaf(leaves, name)
        if leaf is None:
            return f"{name} is not a field of {ex.command}."
        if not same_value(leaf, wanted):
            return f"{name} was {_shown(leaf)}; this step asks for {wanted}."
    if check.errno is not None:
        got = errno_names.errorcode.get(ex.errno, "no errno") if ex.errno else "no errno"
        if got != check.errno:
            return f"It came back with {got}; this step expects {check.errno}."
    elif ex.errno:
        return (f"The kernel refused it with {errno_names.errorcode.get(ex.errno, ex.errno)} "
                f"at scope {ex.scope.name}, so the firmware never saw it.")
    if check.status == "ok" and ex.status not in (0, None):
        return f"The firmware answered status {ex.status:#x}, not OK."
    if check.status == "error" and not ex.status:
        return "The firmware accepted it (status OK); this step wants one it refuses."
    return None


def _judge_sent(step: Step, history: Sequence[Exchange], since: int) -> Verdict:
    new = range(since, len(history))
    if any(mismatch(step.check, history[i], history[:i]) is None for i in new):
        return Verdict("done", step.done)
    if not new:
        return Verdict("waiting")
    why = mismatch(step.check, history[-1], history[:-1]) or ""
    return Verdict("wrong", f"{why} {step.hint}".strip())


def _judge_declined(step: Step, new: Sequence[Exchange], obs: Observation) -> Verdict:
    command = (step.check.command or "").lower()
    if any(ex.command.lower() == command for ex in new):
        return Verdict("wrong", f"You sent {step.check.command}. On a real host that would "
                       "have tainted the kernel until the next reboot (here only the "
                       "simulated kernel is). This step wants the preview read and "
                       f"cancelled with escape. {step.hint}".strip())
    if any(label.lower() == command and closed for label, closed in obs.previews):
        return Verdict("done", step.done)
    return Verdict("waiting")


def normalise(text: str) -> str:
    number = parse_number(text.strip())
    return str(number) if number is not None else " ".join(text.lower().split())


def _judge_answer(step: Step, obs: Observation) -> Verdict:
    if obs.answer is None or not obs.answer.strip():
        return Verdict("waiting")
    try:
        accepted = expected_answers(step.check, obs.history)
    except (OSError, LookupError, ValueError) as err:
        return Verdict("wrong", f"{str(err).capitalize()}.")
    if normalise(obs.answer) in {normalise(a) for a in accepted}:
        return Verdict("done", step.done)
    return Verdict("wrong", f"{obs.answer.strip()!r} is not it. {step.hint}".strip())


def judge(step: Step, since: int, obs: Observation) -> Verdict:
    """The verdict on `step`, looking at what happened after history[since]."""
    new = list(obs.history[since:])
    kind = step.check.kind
    if kind == "sent":
        return _judge_sent(step, obs.history, since)
    if kind == "declined":
        return _judge_declined(step, new, obs)
    if kind == "answer":
        return _judge_answer(step, obs)
    if obs.device.startswith(step.check.device or "\0"):
        return Verdict("done", step.done)
    return Verdict("waiting")


def expected_answers(check: Check, history: Sequence[Exchange] = ()) -> tuple[str, ...]:
    """The answers a step accepts: written in the lesson, read from the session's own
    last reply (`reply` = COMMAND, `field`), or from a sample capture (`capture`)."""
    spec = check.answer_from
    if not spec:
        return check.answers
    if "reply" in spec:
        leaf = reply_leaf(history, str(spec["reply"]), str(spec["field"]))
        if leaf is None:
            raise LookupError(f"send {spec['reply']} first: the answer is in its reply")
        return check.answers + tuple(filter(None, (str(leaf.value), leaf.label)))
    return check.answers + _answers_from_capture(
        str(spec["capture"]), spec.get("first"), spec.get("command"), spec.get("field"))


@cache
def _answers_from_capture(capture: str, first: str | None, command: str | None,
                          field_name: str | None) -> tuple[str, ...]:
    from fwctl_tui.captures.loader import load_capture

    path = samples_dir() / capture
    if not path.is_file():
        raise LookupError(f"sample capture {path} not found")
    with load_capture(path) as loaded:
        for item in loaded.iter_records():
            ex = item.exchange
            if ex is None:
                continue
            if first == "failure" and (ex.errno or ex.status):
                return (str(item.seq),)
            if first == "errno" and ex.errno:
                return (str(item.seq),)
            if command and field_name and ex.command == command and ex.reply is not None:
                root = decode_output(catalogue.find(command), ex.reply, ex.request)
                leaf = find_leaf({leaf.path: leaf for leaf in iter_leaves(root)}, field_name)
                if leaf is not None and leaf.value:
                    return tuple(filter(None, (str(leaf.value), leaf.label)))
    raise LookupError(f"{capture} holds no record the step can use")

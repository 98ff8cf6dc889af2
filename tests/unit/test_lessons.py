"""Lessons are data checked against the catalogue, so the course cannot rot; the checker
and the progress file on their own (headless)."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.connect import open_device
from fwctl_tui.decoders import catalogue, encode_input, input_fields, reply_buffer_size
from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.learn import glossary, lessons
from fwctl_tui.learn.checks import Observation, expected_answers, judge, wanted_value
from fwctl_tui.learn.lessons import LessonError, parse_lesson
from fwctl_tui.learn.progress import FILE_NAME, Progress
from fwctl_tui.uapi import Scope

COURSE = lessons.lessons()


def _fields_of(layout: str | None, out: set[str], depth: int = 0) -> None:
    """Every field name (and page/struct name) reachable from a layout."""
    lset = layouts()
    if not layout or layout not in lset or depth > 8:
        return
    out.add(layout)
    for f in lset[layout].fields:
        out.add(f.name)
        if f.segments is not None:
            for name in f.segments.layout_names:
                _fields_of(name, out, depth + 1)
        elif f.type:
            _fields_of(f.type, out, depth + 1)


def field_names(command: str) -> set[str]:
    cmd = catalogue.find(command)
    names: set[str] = set()
    for layout in (cmd.in_layout, cmd.out_layout,
                   cmd.register.layout if cmd.register else None):
        _fields_of(layout, names)
    if cmd.base_name in ("QUERY_HCA_CAP", "SET_HCA_CAP"):
        _fields_of("hca_cap_union", names)
    return names


def commands_named(lesson: lessons.Lesson) -> set[str]:
    named = {s.check.command for s in lesson.steps if s.check.command}
    named |= {str(s.check.answer_from["reply"]) for s in lesson.steps
              if "reply" in s.check.answer_from}
    for name in lesson.names():
        with contextlib.suppress(LookupError):
            named.add(catalogue.find(name).name)
    return {n for n in named if n}


def test_the_course_has_at_least_eight_lessons_on_simulated_devices() -> None:
    assert len(COURSE) >= 8
    assert [lesson.number for lesson in COURSE] == sorted({lesson.number for lesson in COURSE})
    assert len({lesson.id for lesson in COURSE}) == len(COURSE)
    assert all(lesson.device.startswith("sim:") for lesson in COURSE)
    kinds = {step.check.kind for lesson in COURSE for step in lesson.steps}
    assert kinds == {"sent", "declined", "answer", "opened"}


@pytest.mark.parametrize("lesson", COURSE, ids=[lesson.id for lesson in COURSE])
def test_every_command_register_and_field_a_lesson_names_exists(
        lesson: lessons.Lesson) -> None:
    named = commands_named(lesson)
    fields: set[str] = set()
    for command in named:
        fields |= field_names(command)  # catalogue.find raises for an unknown command
    registers = {reg.name for reg in catalogue.registers()}
    for name in lesson.names():  # every `backticked` name in the texts
        known = name in registers or name in fields
        if not known:
            try:
                catalogue.find(name)
                known = True
            except LookupError:
                pass
        assert known, f"{lesson.id}: `{name}` is no command, register or field"
    for step in lesson.steps:
        check = step.check
        if check.command:
            cmd = catalogue.find(check.command)
            inputs = {spec.path.rsplit(".", 1)[-1] for spec in input_fields(cmd)}
            for name, value in check.fields.items():
                assert name in inputs, f"{lesson.id}: {name} is not an input of {cmd.name}"
                if isinstance(value, str) and value.startswith("@"):
                    source, _, leaf = value[1:].rpartition(".")
                    assert leaf in field_names(source), f"{lesson.id}: {value}"
            if isinstance(check.op_mod, str):
                assert check.op_mod in cmd.op_mods.values(), f"{lesson.id}: {check.op_mod}"
        if "reply" in check.answer_from:
            assert check.answer_from["field"] in field_names(check.answer_from["reply"])
        if "capture" in check.answer_from:
            assert expected_answers(check), f"{lesson.id}: {step.title}"
    for term in lesson.terms:
        assert glossary.get(term) is not None, f"{lesson.id}: glossary has no {term!r}"


def _send(session: Any, command: str, values: dict[str, Any],
          op_mod: int | None = None) -> None:
    cmd = catalogue.find(command)
    request = encode_input(cmd, values, op_mod=op_mod)
    scope = cmd.min_scope(op_mod)
    session.send(cmd.name, scope, request, reply_buffer_size(cmd, request, op_mod))


def _do_step(session: Any, step: lessons.Step) -> Observation | None:
    """Do a step headless the way its check asks; None for the steps only screens do."""
    check = step.check
    history = session.history
    if check.kind == "sent" and check.command:
        cmd = catalogue.find(check.command)
        op_mod = check.op_mod
        if isinstance(op_mod, str):
            op_mod = next(k for k, v in cmd.op_mods.items() if v == op_mod)
        values = {name: wanted_value(value, history) for name, value in check.fields.items()}
        request = encode_input(cmd, values, op_mod=op_mod)
        scope = Scope.CONFIGURATION if check.errno == "EBADMSG" else cmd.min_scope(op_mod)
        session.send(cmd.name, scope, request, reply_buffer_size(cmd, request, op_mod))
        return Observation(history=history)
    if check.kind == "answer":
        return Observation(history=history, answer=expected_answers(check, history)[-1])
    return None


@pytest.mark.parametrize("lesson", COURSE, ids=[lesson.id for lesson in COURSE])
def test_every_lesson_can_be_done_on_the_simulator(lesson: lessons.Lesson) -> None:
    """Each step that is a send or an answer, done as its check describes, passes its
    check against a fresh simulated card: the driver-objects walk really exists (each
    number taken from the previous reply), every answer is in a reply or a sample
    capture. Previews and device opens are screen-only: the Pilot tests walk them."""
    with open_device(lesson.device) as connection:
        session = connection.session()
        for step in lesson.steps:
            since = len(session.history)
            observed = _do_step(session, step)
            if observed is not None:
                verdict = judge(step, since, observed)
                assert verdict.state == "done", (lesson.id, step.title, verdict.message)


def test_a_wrong_number_is_named_with_the_one_the_reply_gave() -> None:
    lesson = lessons.find("objects")
    assert lesson is not None
    with open_device("sim:cx7") as connection:
        session = connection.session()
        history = session.history
        _send(session, "QUERY_TIR", {"tirn": 9})
        since = len(history)
        _send(session, "QUERY_RQT", {"rqtn": 77})
        verdict = judge(lesson.steps[1], since, Observation(history=history))
        assert verdict.state == "wrong"
        assert verdict.message.startswith("rqtn was 77; this step asks for 4.")
        _send(session, "QUERY_TIR", {"tirn": 9})
        verdict = judge(lesson.steps[2], len(history), Observation(history=history))
        assert verdict.state == "waiting"


def test_a_wrong_op_mod_is_named_with_the_variant_the_step_wants() -> None:
    lesson = lessons.find("capabilities")
    assert lesson is not None
    with open_device("sim:cx7") as connection:
        session = connection.session()
        _send(session, "QUERY_HCA_CAP", {}, op_mod=1)  # GENERAL/current, not max
        verdict = judge(lesson.steps[0], 0, Observation(history=session.history))
        assert verdict.state == "wrong"
        assert verdict.message.startswith(
            "QUERY_HCA_CAP went with op_mod 1; this step asks for op_mod GENERAL/max.")
        _send(session, "QUERY_HCA_CAP", {}, op_mod=0)
        assert judge(lesson.steps[0], 0, Observation(history=session.history)).state == "done"


def test_bad_lesson_files_are_refused_with_where_and_what() -> None:
    with pytest.raises(LessonError, match=re.escape("x.toml: missing 'title'")):
        parse_lesson("id = 'a'\nnumber = 1\nsummary = 's'\nsteps = []", "x.toml")
    bad_kind = ("id='a'\nnumber=1\ntitle='t'\nsummary='s'\n[[steps]]\ntitle='s'\ntext='t'\n"
                "check = { kind = 'guess' }\n")
    with pytest.raises(LessonError, match=re.escape("x.toml step 1: check kind 'guess'")):
        parse_lesson(bad_kind, "x.toml")
    live = bad_kind.replace("'guess'", "'answer', answers = ['1']").replace(
        "number=1\n", "number=1\ndevice='fwctl0'\n")
    with pytest.raises(LessonError, match="simulated devices"):
        parse_lesson(live, "x.toml")


def test_progress_round_trip_and_an_unreadable_file_is_kept(tmp_path: Path) -> None:
    progress = Progress.load(tmp_path)
    progress.reached("link", 2)
    progress.mark_tour_seen()
    again = Progress.load(tmp_path)
    assert again.of("link").step == 2 and again.tour_seen and not again.of("link").done
    again.reached("link", 4, done=True)
    again.reached("link", 0)  # started over: stays done
    assert Progress.load(tmp_path).of("link").done
    (tmp_path / FILE_NAME).write_text("{not json")
    broken = Progress.load(tmp_path)
    assert broken.problem and "could not be read" in broken.problem
    assert (tmp_path / "learn-progress.unreadable").read_text() == "{not json"
    assert broken.lessons == {}


def test_learn_list_and_reset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    Progress.load().reached("scopes", 3)
    assert main(["learn", "--list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(COURSE) and rows[0]["id"] == "scopes"
    assert rows[0]["step_reached"] == 3 and rows[0]["done"] is False
    assert main(["learn", "--list"]) == 0
    assert "step 4 of 5" in capsys.readouterr().out
    assert main(["learn", "--reset", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["lessons_forgotten"] == 1
    assert Progress.load().of("scopes").step == 0
    assert main(["learn", "--json"]) == 2
    assert "error" in json.loads(capsys.readouterr().out)

"""Issue 11: a capture from a stranger cannot crash, hang, trick the terminal or lose a record.

The corpus (tools/hostile/corpus.py: every field with wrong types, extreme numbers, deep
nesting, blank lines, BOM, CRLF, control characters, special files) goes through every
tool in-process (tools/hostile/check.py); the tests after it are the issue's reproducers,
one per failure it lists. `make fuzz` runs the whole corpus and random mutations.
"""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pytest

from fwctl_tui.captures import load_capture
from fwctl_tui.captures.format import dumps
from fwctl_tui.errors import explain
from tools.hostile import corpus
from tools.hostile.check import RAW_CONTROL, findings, run

CASES = corpus.cases(full=False)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_tool_survives_the_hostile_corpus(case: corpus.Case, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert findings(case.write(tmp_path), case.good, scratch) == []


def write(path: Path, head: dict, records: list, sep: bytes = b"") -> Path:
    path.write_bytes(corpus.capture(head, records, sep=sep))
    return path


def listed(path: Path) -> list[dict]:
    result = run(["replay", str(path), "--json"])
    assert result.failure is None and result.code == 0, result.err
    return json.loads(result.out)["records"]


# -- 1. crashes -------------------------------------------------------------------------
@pytest.mark.parametrize("device", [None, "sim:cx7", [1]])
def test_header_device_not_an_object_is_a_warning(tmp_path: Path, device: object) -> None:
    head = corpus.header()
    head["device"] = device
    path = write(tmp_path / "c.jsonl", head, [corpus.record(1)])
    result = run(["replay", str(path)])
    assert result.failure is None and result.code == 0
    assert "header 'device' must be an object" in result.err
    info = run(["info", f"replay:{path}"])
    assert info.failure is None and info.code == 0


def test_netdevs_not_a_list_is_ignored_with_a_warning(tmp_path: Path) -> None:
    head = corpus.header()
    head["device"]["netdevs"] = 5
    path = write(tmp_path / "c.jsonl", head, [corpus.record(1)])
    result = run(["send", f"replay:{path}", "ACCESS_REG:PPCNT", "local_port=1"])
    assert result.failure is None and result.code == 0, result.err
    with load_capture(path) as capture:
        assert "device.netdevs' must be a list of names" in str(capture.problems[0])


@pytest.mark.parametrize(("key", "value", "reason"), [
    ("wall_time", float("inf"), "'wall_time' is inf, outside"),
    ("wall_time", float("nan"), "'wall_time' is nan, outside"),
    ("wall_time", 10**400, "'wall_time' is 1000"),
    ("wall_time", 1e30, "'wall_time' is 1e+30, outside"),
    ("duration_ns", 10**400, "'duration_ns' is 1000"),
    ("mono_ns", 1e30, "'mono_ns' must be an integer, got 1e+30"),
    ("errno", 10**30, "'errno' is 1000000000000000000000000000000, outside 0..4095"),
    ("errno", -1, "'errno' is -1, outside 0..4095"),
])
def test_extreme_numbers_are_named_not_raised(tmp_path: Path, key: str, value: object,
                                              reason: str) -> None:
    bad = corpus.record(2)
    bad[key] = value
    path = write(tmp_path / "c.jsonl", corpus.header(), [corpus.record(1), bad])
    records = listed(path)
    assert records[0]["seq"] == 1 and reason in records[1]["error"]
    for argv in (["diff", str(path), str(path)], ["export", str(path), str(tmp_path / "x")],
                 ["send", f"replay:{path}", "ACCESS_REG:PPCNT", "local_port=1"]):
        assert run(argv).failure is None


def test_errno_explanations_take_any_integer() -> None:
    assert explain(10**30).meaning.startswith("Not an errno")
    assert explain(-1).name == "errno -1"


def test_deep_nesting_is_a_broken_line_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    deep = b"[" * 100_000 + b"]" * 100_000 + b"\n"
    path.write_bytes(corpus.line(corpus.header()) + deep + corpus.line(corpus.record(2)))
    records = listed(path)
    assert "nested too deeply" in records[0]["error"] and records[1]["seq"] == 2
    meta_deep = corpus.record(3)
    meta_deep["meta"] = corpus.Raw("[" * 40 + "]" * 40)
    write(path, corpus.header(), [meta_deep])
    assert "nested more than 32 levels" in listed(path)[0]["error"]


def test_huge_integer_under_a_mac_key_redacts(tmp_path: Path) -> None:
    head = corpus.header()
    head["device"]["info"]["mac"] = 10**40
    path = write(tmp_path / "c.jsonl", head, [corpus.record(1)])
    result = run(["export", str(path), str(tmp_path / "r.jsonl"), "--redact"])
    assert result.failure is None and result.code == 0, result.err
    header = json.loads((tmp_path / "r.jsonl").read_text().splitlines()[0])
    assert header["device"]["info"]["mac"] != 10**40


# -- 2. data loss ------------------------------------------------------------------------
def test_blank_lines_between_records_lose_nothing(tmp_path: Path) -> None:
    records = [corpus.record(seq) for seq in (1, 2, 3)]
    path = write(tmp_path / "c.jsonl", corpus.header(), records, sep=b"\n\r\n  \n")
    assert [r["seq"] for r in listed(path)] == [1, 2, 3]
    assert all("error" not in r for r in listed(path))
    out = tmp_path / "redacted.jsonl"
    result = run(["export", str(path), str(out), "--redact"])
    assert result.code == 0 and "left out" not in result.out + result.err
    assert [r["seq"] for r in listed(out)] == [1, 2, 3]


def test_redacted_export_names_each_line_it_leaves_out(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", corpus.header(),
                 [corpus.record(1), "not a record", corpus.record(3)])
    result = run(["export", str(path), str(tmp_path / "r.jsonl"), "--redact", "--json"])
    assert result.code == 0
    dropped = json.loads(result.out)["dropped"]
    assert len(dropped) == 1 and ":3: not an rpc record" in dropped[0]
    human = run(["export", str(path), str(tmp_path / "r2.jsonl"), "--redact"])
    assert "1 unreadable line(s) left out" in human.out and "warning" in human.err


# -- 3. hangs ----------------------------------------------------------------------------
def test_a_fifo_is_refused_by_every_tool_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    corpus.Case("pipe", special="fifo").write(tmp_path)
    good = write(tmp_path / "good.jsonl", corpus.header(), [corpus.record(1)])
    for argv in (["replay", str(fifo)], ["diff", str(good), str(fifo)],
                 ["export", str(fifo), str(tmp_path / "out")], ["info", f"replay:{fifo}"],
                 ["export", str(good), str(fifo)],
                 ["send", f"replay:{fifo}", "ACCESS_REG:PPCNT", "local_port=1"],
                 ["send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1", "--capture", str(fifo)]):
        result = run(argv, timeout=10)
        assert result.failure is None and result.code == 2, (argv, result)
        assert "FIFO" in result.err, (argv, result.err)


# -- 5. replay never invents replies -----------------------------------------------------
@pytest.mark.parametrize(("reply", "flag"), [("", "NO_STATUS"), (bytes(20).hex(), "SHORT_REPLY")])
def test_replay_refuses_to_serve_a_damaged_answer(tmp_path: Path, reply: str, flag: str) -> None:
    damaged = corpus.record(1)
    damaged["reply"] = reply
    path = write(tmp_path / "c.jsonl", corpus.header(), [damaged])
    result = run(["send", f"replay:{path}", "ACCESS_REG:PPCNT", "local_port=1"])
    assert result.code == 1 and "ENOMSG" in result.err and flag in result.err
    assert "never makes up" in result.err


# -- 7. redaction edges ------------------------------------------------------------------
def test_redaction_covers_mac_spellings_session_and_meta(tmp_path: Path) -> None:
    head = corpus.header()
    head["device"]["info"]["mac"] = "946dae8c10e2"
    head["device"]["info"]["permanent_address"] = "946d.ae8c.10e3"
    record = corpus.record(1)
    record["session"] = "lab-host/94:6d:ae:8c:10:e2/MT2234X00001"
    record["meta"] = {"serial": "MT9999X12345", "note": "port 946D.AE8C.10E2 flapped",
                      "host": "other-host"}
    path = write(tmp_path / "c.jsonl", head, [record])
    out = tmp_path / "r.jsonl"
    assert run(["export", str(path), str(out), "--redact"]).code == 0
    text = out.read_text().lower()
    for secret in ("946dae8c10e2", "946d.ae8c.10e", "94:6d:ae:8c:10:e2", "mt2234x00001",
                   "mt9999x12345", "lab-host", "other-host"):
        assert secret not in text, secret
    redacted = json.loads(out.read_text().splitlines()[1])
    assert redacted["meta"]["serial"] == "SERIAL-2" and "02:00:00:00:00:01" in redacted["session"]


# -- 8. exit codes of export -------------------------------------------------------------
def test_export_destination_errors_exit_2_and_say_what(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "c.jsonl", corpus.header(), [corpus.record(1)])
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(["export", str(path), str(blocker / "sub" / "out.jsonl")])
    assert result.code == 2 and f"{blocker} is a file, not a folder" in result.err
    assert "File exists" not in result.err

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", full)
    result = run(["export", str(path), str(tmp_path / "out.jsonl")])
    assert result.code == 2 and "No space left on device" in result.err
    assert not (tmp_path / "out.jsonl").exists()


def test_human_output_has_no_raw_control_characters(tmp_path: Path) -> None:
    """The corpus checks this for every tool; here the OSC 52 reproducer by itself."""
    case = next(c for c in CASES if c.name == "escape-1")
    path = case.write(tmp_path)
    for argv in (["replay", str(path)], ["diff", str(path), str(path)],
                 ["info", f"replay:{path}"], ["replay", str(path), "--against", f"replay:{path}"]):
        result = run(argv)
        assert RAW_CONTROL.search(result.out + result.err) is None, argv
        if argv[0] != "diff":  # (a diff of a file with itself has nothing to show)
            assert "\\x1b]52;c;" in result.out + result.err, argv


def test_record_lines_stay_json_lines(tmp_path: Path) -> None:
    """A sanity check of the corpus writer: a good record round-trips through the loader."""
    path = tmp_path / "c.jsonl"
    path.write_text(dumps(corpus.header()) + "\n" + dumps(corpus.record(1)) + "\n")
    with load_capture(path) as capture:
        assert capture.record(0).exchange is not None and not capture.problems


def test_send_replay_error_detail_is_escaped(tmp_path: Path) -> None:
    """The stderr detail of `send replay:` quotes the capture's `detail`."""
    failed = corpus.record(1)
    failed.update(errno=errno.EIO, reply=None, out_len=0, detail=f"firmware {corpus.ESCAPES[1]}")
    path = write(tmp_path / "c.jsonl", corpus.header(), [failed])
    result = run(["send", f"replay:{path}", "ACCESS_REG:PPCNT", "local_port=1"])
    assert result.code == 1 and "EIO" in result.err
    assert RAW_CONTROL.search(result.err) is None and "firmware \\x1b]52;c;" in result.err

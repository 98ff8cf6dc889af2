"""`fwctl-tui replay`, `diff` and `export` through main(): output, JSON and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.captures import record_sample

from fwctl_tui.__main__ import main
from fwctl_tui.captures import load_capture


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_replay_lists_records(tmp_path: Path, capsys) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=2)
    code, out, _ = run(capsys, "replay", str(path))
    assert code == 0
    assert "4 records from sim:test" in out
    assert out.count("ACCESS_REG:PPCNT") == 3 and "EBADMSG" in out


def test_replay_json_with_filters(tmp_path: Path, capsys) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=2)
    code, out, _ = run(capsys, "replay", str(path), "--json", "--command", "ppcnt",
                       "--scope", "DEBUG_READ_ONLY", "--status", "OK")
    assert code == 0
    doc = json.loads(out)
    assert doc["header"]["device"] == "sim:test" and doc["header"]["records"] == 4
    assert [r["seq"] for r in doc["records"]] == [1, 2]
    assert doc["records"][0]["opcode"] == 0x805 and doc["records"][0]["reply"]
    code, out, _ = run(capsys, "replay", str(path), "--json", "--status", "error")
    assert [r["outcome"] for r in json.loads(out)["records"]] == [
        json.loads(out)["records"][0]["outcome"], "EBADMSG"]


def test_replay_time_window(tmp_path: Path, capsys) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=2)
    with load_capture(path) as capture:
        times = [ex.wall_time for ex in capture.exchanges()]
    code, out, _ = run(capsys, "replay", str(path), "--json", "--since", str(times[1]),
                       "--until", str(times[2]))
    assert code == 0 and [r["seq"] for r in json.loads(out)["records"]] == [2, 3]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["replay", "missing.jsonl"], "does not exist"),
        (["replay", "."], "is a directory"),
        (["replay", "BAD"], "bad.jsonl:1: first line is not JSON"),
        (["replay", "GOOD", "--scope", "7"], "7"),
        (["replay", "GOOD", "--since", "yesterday"], "bad time"),
        (["diff", "GOOD", "BAD"], "not JSON"),
        (["export", "BAD", "out.jsonl"], "not JSON"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    tmp_path: Path, capsys, monkeypatch, argv: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    record_sample(tmp_path / "good.jsonl", polls=1)
    (tmp_path / "bad.jsonl").write_bytes(b"\xff\xfe junk")
    argv = [{"GOOD": "good.jsonl", "BAD": "bad.jsonl"}.get(a, a) for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_replay_warns_about_a_truncated_tail(tmp_path: Path, capsys) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=2)
    path.write_text(path.read_text()[:-30])
    code, out, err = run(capsys, "replay", str(path))
    assert code == 0 and "3 records" in out
    assert "warning" in err and "truncated" in err


def test_diff_json_shape(tmp_path: Path, capsys) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    record_sample(a, polls=2)
    record_sample(b, polls=2, head_start=5)
    code, out, _ = run(capsys, "diff", str(a), str(b), "--json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"pairs", "only_in_a", "only_in_b"}
    assert len(doc["pairs"]) == 4 and not doc["only_in_a"] and not doc["only_in_b"]
    changed = [p for p in doc["pairs"] if p["changes"]]
    assert changed and {"field", "a", "b", "delta", "rate_per_s"} <= set(
        changed[0]["changes"][0])
    code, out, _ = run(capsys, "diff", str(a), str(b))
    assert code == 0 and "4 paired records" in out


def test_export_redacts_and_says_so(tmp_path: Path, capsys) -> None:
    src, dest = tmp_path / "c.jsonl", tmp_path / "shared.jsonl"
    record_sample(src, polls=1)
    code, out, _ = run(capsys, "export", str(src), str(dest), "--redact")
    assert code == 0 and "redacted" in out
    with load_capture(dest) as capture:
        assert capture.header["host"] == "HOST-1"
        assert capture.header["redacted"]["classes"]


def test_records_the_decoders_cannot_read_still_list_with_hex(tmp_path: Path, capsys) -> None:
    path = tmp_path / "odd.jsonl"
    record_sample(path, polls=1)
    odd = {"type": "rpc", "seq": 9, "scope": "DEBUG_READ_ONLY", "command": "MYSTERY",
           "request": "0999" + "00" * 14, "reply": "00" * 8 + "deadbeef", "out_cap": 12,
           "out_len": 12}
    with path.open("a") as stream:
        stream.write(json.dumps(odd) + "\n")
    code, out, _ = run(capsys, "replay", str(path), "--json", "--command", "MYSTERY")
    assert code == 0
    (record,) = json.loads(out)["records"]
    assert record["decode_error"] == "MYSTERY is not in the catalogue: raw bytes only"
    assert record["reply"].endswith("deadbeef") and record["opcode"] == 0x999


def test_default_capture_location_is_the_user_data_dir(tmp_path: Path, monkeypatch) -> None:
    from helpers.captures import entry, session

    from fwctl_tui.captures import captures_dir, default_capture_path, open_recorder

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert captures_dir() == tmp_path / "data" / "fwctl-tui" / "captures"
    path = default_capture_path("sim:cx7.1", now=0)
    assert path == captures_dir() / "sim_cx7.1-19700101T000000Z.jsonl"
    _sess, kernel = session()
    with open_recorder(None, entry(), kernel.state(), fsync=True) as recorder:
        assert recorder.path.parent == captures_dir()
    assert load_capture(recorder.path).header["device"]["fwctl"] == "sim:test"

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
    table = out.partition("\nseq ")[2]  # after the findings
    assert table.count("ACCESS_REG:PPCNT") == 3 and "EBADMSG" in table


def test_replay_json_with_filters(tmp_path: Path, capsys) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=2)
    code, out, _ = run(capsys, "replay", str(path), "--json", "--command", "ppcnt",
                       "--scope", "DEBUG_READ_ONLY", "--status", "OK")
    assert code == 0
    doc = json.loads(out)
    assert doc["header"]["device"] == "sim:test" and doc["header"]["records"] == 4
    assert [r["seq"] for r in doc["records"]] == [1, 2]
    assert doc["records"][0]["opcode"] == 0x805 and doc["records"][0]["reply_hex"]
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
    assert set(doc) == {"pairs", "only_in_a", "only_in_b", "problems", "same_timeline",
                        "rates_note"}
    assert len(doc["pairs"]) == 4 and not doc["only_in_a"] and not doc["only_in_b"]
    assert doc["problems"] == {"a": [], "b": []} and doc["same_timeline"] is False
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
    assert record["reply_hex"].endswith("deadbeef") and record["opcode"] == 0x999
    assert record["reply"] is None  # the hex is there, the decode is not


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


# -- damaged records are flagged, not listed as OK --------------------------------------------
def damaged(path: Path) -> None:
    """A sample plus: a 2-byte QUERY_HCA_CAP reply (out_len 4112), one without any reply or
    errno, one with an empty reply, and one whose opcode is not its command's."""
    record_sample(path, polls=1)
    cap = "0100000000000001" + "00" * 8
    rows = [
        {"command": "QUERY_HCA_CAP", "request": cap, "reply": "0000", "out_len": 4112},
        {"command": "QUERY_HCA_CAP", "request": cap, "reply": None, "out_len": 0},
        {"command": "QUERY_HCA_CAP", "request": cap, "reply": "", "out_len": 0},
        {"command": "QUERY_HCA_CAP", "request": "ffff" + cap[4:], "reply": "00" * 16,
         "out_len": 16},
    ]
    with path.open("a") as stream:
        for seq, row in enumerate(rows, 10):
            stream.write(json.dumps({"type": "rpc", "seq": seq, "scope": "CONFIGURATION",
                                     "out_cap": 4112, **row}) + "\n")


def test_damaged_records_are_flagged_in_listings(tmp_path: Path, capsys) -> None:
    path = tmp_path / "damaged.jsonl"
    damaged(path)
    code, out, _ = run(capsys, "replay", str(path), "--json", "--command", "HCA_CAP")
    assert code == 0
    short, missing, empty, mismatch = json.loads(out)["records"][1:]
    assert short["outcome"] == "SHORT_REPLY"
    assert short["problems"] == ["short reply: 2 of 4112 bytes"]
    assert "⚠ short reply: 2 of 4112 bytes" in short["summary"]
    assert missing["outcome"] == empty["outcome"] == "NO_STATUS"
    assert "status is missing" in missing["problems"][0] and missing["status"] is None
    assert mismatch["outcome"] == "OPCODE_MISMATCH"
    assert mismatch["problems"] == [
        "recorded as QUERY_HCA_CAP (opcode 0x0100) but the request's opcode is 0xffff, not a "
        "catalogue command: shown raw, as sent"]
    assert mismatch["decode_error"] == "opcode 0xffff is not in the catalogue: raw bytes only"
    code, out, _ = run(capsys, "replay", str(path), "--status", "OK")
    table = out.partition("\nseq ")[2]  # the findings before it list every failure
    assert code == 0 and "SHORT_REPLY" not in table and "NO_STATUS" not in table
    code, out, _ = run(capsys, "replay", str(path), "--status", "error")
    table = out.partition("\nseq ")[2]
    assert code == 0 and table.count("SHORT_REPLY") == 1 and table.count("NO_STATUS") == 2
    assert "short reply: 2 of 4112 bytes" in out


def test_a_mismatched_record_decodes_as_its_opcode(tmp_path: Path, capsys) -> None:
    """Named QUERY_HCA_CAP, but the bytes are a QUERY_ISSI request: decoded as QUERY_ISSI."""
    from fwctl_tui.capture_analysis import decoding, listing
    from fwctl_tui.capture_analysis.decoding import outcome
    from fwctl_tui.exchange import Exchange
    from fwctl_tui.uapi import Scope

    issi = (0x10A).to_bytes(2, "big") + bytes(14)
    reply = bytes(8) + bytes(4) + (1).to_bytes(4, "big") + bytes(96)
    ex = Exchange("QUERY_HCA_CAP", Scope.CONFIGURATION, issi, 112, reply=reply, out_len=112)
    assert decoding.command_for(ex).name == "QUERY_ISSI"
    assert decoding.command_name(ex) == "QUERY_ISSI" and outcome(ex) == "OPCODE_MISMATCH"
    assert "current_issi" in " ".join(decoding.decode(ex).output_fields)
    assert "(QUERY_ISSI)" in listing.summary(ex)


def test_diff_carries_broken_lines_and_flags(tmp_path: Path, capsys) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    record_sample(a, polls=2)
    record_sample(b, polls=2, head_start=5)
    lines = b.read_text().splitlines()
    lines[2] = lines[2][:40]  # the second poll of B is damaged mid-line
    b.write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "diff", str(a), str(b), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["problems"]["a"] == []
    (problem,) = doc["problems"]["b"]
    assert problem.startswith(f"{b}:3: ") and "not valid JSON" in problem
    assert f"warning: B: {b}:3: " in err
    code, out, err = run(capsys, "diff", str(a), str(b))
    assert "1 unreadable line(s) in B" in out and "warning: B:" in err

    c = tmp_path / "c.jsonl"
    damaged(c)
    code, out, _ = run(capsys, "diff", str(a), str(c), "--json")
    rows = {row["seq"]: row for row in json.loads(out)["only_in_b"]}
    assert rows[10]["outcome"] == "SHORT_REPLY"
    assert rows[10]["problems"] == ["short reply: 2 of 4112 bytes"]


@pytest.mark.parametrize(
    ("argv", "accepted"),
    [(["--status", "NOPE"], ["OK", "ERROR", "BAD_PARAM_ERR", "SHORT_REPLY", "errno"]),
     (["--scope", "7"], ["CONFIGURATION (0)", "DEBUG_WRITE_FULL (3)"]),
     (["--scope", "root"], ["DEBUG_READ_ONLY (1)"])],
)
def test_unknown_filter_values_exit_2_with_the_choices(
    tmp_path: Path, capsys, argv: list[str], accepted: list[str]
) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=1)
    code, out, err = run(capsys, "replay", str(path), *argv)
    assert code == 2 and out == ""
    assert all(word in err for word in accepted)


def test_partial_status_names_still_filter(tmp_path: Path, capsys) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=1)
    code, out, _ = run(capsys, "replay", str(path), "--json", "--status", "ebadmsg")
    assert code == 0 and [r["outcome"] for r in json.loads(out)["records"]] == ["EBADMSG"]
    code, _, _ = run(capsys, "replay", str(path), "--json", "--status", "BAD_OP")
    assert code == 0


@pytest.mark.parametrize(("simulated", "wording"), [
    (True, "is defined by the fwctl-tui simulator"),
    (False, "not publicly documented"),
])
def test_replay_json_explains_status_and_syndrome_in_a_fresh_process(
    tmp_path: Path, simulated: bool, wording: str
) -> None:
    """A fresh process has never started the simulator: the capture's header decides."""
    import subprocess
    import sys

    sample = Path(__file__).resolve().parents[2] / "captures" / "05-firmware-error.jsonl"
    header, *records = sample.read_text().splitlines()
    path = tmp_path / "c.jsonl"
    fields = json.loads(header)
    fields["simulated"] = simulated
    path.write_text("\n".join([json.dumps(fields), *records]) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "fwctl_tui", "replay", "--json", str(path)],
        capture_output=True, text=True, check=True,
    )
    first, *_, refused = json.loads(done.stdout)["records"]
    assert first["status_name"] == "BAD_SYS_STATE_ERR"
    assert "not in a state that allows this command" in first["status_text"]
    assert wording in first["syndrome_text"] and "0xb9558fb4" in first["syndrome_text"]
    assert refused["outcome"] == "EBADMSG" and refused["status_name"] is None


def test_export_to_a_fifo_is_a_usage_error_and_the_fifo_survives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import stat

    src, fifo = tmp_path / "c.jsonl", tmp_path / "pipe"
    record_sample(src)
    os.mkfifo(fifo)
    code, _, err = run(capsys, "export", str(src), str(fifo))
    assert code == 2 and "only saved to a file" in err and str(fifo) in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_broken_line_has_no_made_up_seq(tmp_path: Path, capsys) -> None:
    """An unreadable line says which line it is; it does not borrow the next record's seq."""
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=2)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines[:2], "{not json", *lines[2:]]) + "\n")
    code, out, _ = run(capsys, "replay", str(path), "--json")
    records = json.loads(out)["records"]
    broken = next(r for r in records if r.get("error"))
    assert code == 0 and broken["seq"] is None and broken["line"] == 3
    seqs = [r["seq"] for r in records if r["seq"] is not None]
    assert len(seqs) == len(set(seqs))
    code, out, _ = run(capsys, "replay", str(path))
    assert any(row.split()[:2] == ["?", "?"] or row.lstrip().startswith("?") for row in
               out.splitlines() if "BROKEN" in row)


def test_replay_says_when_no_record_matches(tmp_path: Path, capsys) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=2)
    code, out, _ = run(capsys, "replay", str(path), "--command", "NOPE")
    assert code == 0 and "no record of 4 matches --command NOPE" in out

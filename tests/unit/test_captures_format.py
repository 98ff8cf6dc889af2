"""Capture files: round trip, crash safety, atomic save, versions and damaged files."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers.captures import record_sample

from fwctl_tui.captures import CaptureError, load_capture, save_as
from fwctl_tui.captures import recorder as recorder_module
from fwctl_tui.captures.format import SCHEMA
from fwctl_tui.uapi import Scope


def test_round_trip_keeps_every_byte(tmp_path: Path) -> None:
    live = tmp_path / "live.jsonl"
    session = record_sample(live)
    saved = save_as(live, tmp_path / "saved.jsonl")
    with load_capture(saved) as capture:
        loaded = list(capture.exchanges())
        assert capture.problems == []
        header = capture.header
    assert len(loaded) == len(session.history) == 5
    for before, after in zip(session.history, loaded, strict=True):
        assert after.request == before.request
        assert after.reply == before.reply
        assert (after.errno, after.out_len, after.out_cap) == (before.errno, before.out_len,
                                                                before.out_cap)
        assert after.scope is before.scope and after.command == before.command
        assert after.wall_time == before.wall_time and after.mono_ns == before.mono_ns
    assert header["schema"] == SCHEMA and header["host"] == "lab-host-7"
    assert header["device"]["fwctl"] == "sim:test"
    assert header["device"]["psid"] == "MT_0000000838"
    assert loaded[-1].errno != 0 and loaded[-1].reply is None
    assert saved.read_bytes() == live.read_bytes()


def test_record_lines_carry_summary_and_payload(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=1)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    first = lines[1]
    assert first["type"] == "rpc" and first["seq"] == 1
    assert first["scope"] == "DEBUG_READ_ONLY" and first["scope_value"] == 1
    assert first["opcode"] == 0x805 and first["op_mod"] == 1 and first["status"] == 0
    assert lines[2]["status"] == 2 and lines[2]["syndrome"] == 0x1234ABCD
    assert lines[3]["errno_name"] == "EBADMSG" and lines[3]["reply"] is None


def test_recorder_appends_to_its_own_capture(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=1)
    record_sample(path, polls=1)
    with load_capture(path) as capture:
        assert [capture.record(i).seq for i in range(len(capture))] == list(range(1, 7))


def test_recorder_refuses_a_file_that_is_not_a_capture(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my precious notes\n")
    with pytest.raises(CaptureError, match="not JSON"):
        record_sample(path)
    assert path.read_text() == "my precious notes\n"


WRITER = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {tests!r})
    from helpers.captures import session, entry, access_reg
    from fwctl_tui.captures import open_recorder
    from fwctl_tui.uapi import Scope
    sess, kernel = session()
    rec = open_recorder(sys.argv[1], entry(), kernel.state())
    sess.listeners.append(rec)
    for _ in range(4):
        sess.send("ACCESS_REG:PPCNT", Scope.DEBUG_READ_ONLY, access_reg(0x5008), 64)
    with open(sys.argv[1], "a") as raw:  # half a record...
        raw.write('{{"type":"rpc","seq":5,"time":"2026-')
    os.kill(os.getpid(), signal.SIGKILL)  # ...and the process dies
    """
)


def test_killed_writer_loses_only_the_record_being_written(tmp_path: Path) -> None:
    path = tmp_path / "crash.jsonl"
    script = WRITER.format(tests=str(Path(__file__).parents[1]))
    proc = subprocess.run([sys.executable, "-c", script, str(path)], check=False)
    assert proc.returncode == -signal.SIGKILL
    with load_capture(path) as capture:
        assert len(capture) == 4
        assert capture.truncated_tail
        assert [p.line for p in capture.problems] == [6]
        assert "truncated" in str(capture.problems[0]) and "crash.jsonl:6" in str(
            capture.problems[0])
        assert all(item.exchange is not None for item in capture.iter_records())
    # recording resumes after the damaged line without gluing onto it
    session = record_sample(path, polls=1)
    assert session.history
    with load_capture(path) as capture:
        assert [capture.record(i).seq for i in range(len(capture))] == [1, 2, 3, 4, 5, 5, 6, 7]
        damaged = capture.record(4)
        assert damaged.line == 6 and damaged.error is not None and damaged.exchange is None


def test_failed_save_leaves_the_original_intact(tmp_path: Path, monkeypatch) -> None:
    src, dest = tmp_path / "src.jsonl", tmp_path / "dest.jsonl"
    record_sample(src)
    dest.write_text("previous good capture\n")
    real_fsync = os.fsync

    def dying_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(recorder_module.os, "fsync", dying_fsync)
    with pytest.raises(OSError, match="No space"):
        save_as(src, dest)
    monkeypatch.setattr(recorder_module.os, "fsync", real_fsync)
    assert dest.read_text() == "previous good capture\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dest.jsonl", "src.jsonl"]


def test_newer_schema_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "future.jsonl"
    path.write_text(json.dumps({"type": "header", "schema": SCHEMA + 1}) + "\n")
    with pytest.raises(CaptureError, match=r"newer than this fwctl-tui understands") as info:
        load_capture(path)
    assert info.value.line == 1


def test_schema_0_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "old.jsonl"
    rows = [
        {"type": "header", "schema": 0, "device_name": "fwctl0"},
        {"type": "rpc", "scope": 1, "command": "ACCESS_REG:PPCNT", "in": "0805" + "00" * 14,
         "out": "00" * 16, "out_cap": 16, "out_len": 16, "time": 1700000000.5},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with load_capture(path) as capture:
        assert capture.schema == 0 and capture.device_name == "fwctl0"
        (exchange,) = capture.exchanges()
    assert exchange.scope is Scope.DEBUG_READ_ONLY and exchange.opcode == 0x805
    assert exchange.reply == bytes(16) and exchange.wall_time == 1700000000.5


GOOD_HEADER = json.dumps({"type": "header", "schema": 1, "device": {"fwctl": "fwctl0"}})
GOOD_RECORD = json.dumps({"type": "rpc", "seq": 1, "scope": "DEBUG_READ_ONLY", "command": "X",
                          "request": "0805" + "00" * 14, "reply": "00" * 16, "out_cap": 16})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file: no capture header"),
        (b"\n\n", "empty file: no capture header"),
        (bytes(range(256)) * 4, "first line is not JSON"),
        (b'{"type": "header", "schema": 1', "first line is not JSON"),
        (b'{"type": "rpc"}\n', "not a capture header"),
        (b'{"type": "header"}\n', "no integer 'schema'"),
        (b'{"type": "header", "schema": 7}\n', "schema 7 is newer"),
    ],
    ids=["empty", "blank-lines", "binary", "truncated-header", "no-header", "no-schema",
         "wrong-version"],
)
def test_files_without_a_usable_header_fail_with_line_and_reason(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(CaptureError, match=message) as info:
        load_capture(path)
    assert str(info.value).startswith(f"{path}:1: ")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("garbage{", "not valid JSON"),
        ('{"type": "note"}', "not an rpc record"),
        ('{"type": "rpc", "scope": "NOPE", "request": "00", "out_cap": 1}', "unknown scope"),
        ('{"type": "rpc", "scope_value": 1, "request": "zz", "out_cap": 1}', "not valid hex"),
        ('{"type": "rpc", "scope_value": 1, "request": "00"}', "'out_cap' must be an integer"),
    ],
)
def test_broken_records_are_listed_not_fatal(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([GOOD_HEADER, GOOD_RECORD, line, GOOD_RECORD]) + "\n")
    with load_capture(path) as capture:
        items = list(capture.iter_records())
    assert [item.exchange is not None for item in items] == [True, False, True]
    broken = items[1]
    assert broken.error is not None and reason in broken.error.reason
    assert broken.error.line == 3 and f"{path}:3" in str(broken.error)
    assert broken.text


def test_a_2_mib_payload_loads_and_lists(tmp_path: Path) -> None:
    big = bytes([0]) * 16 + os.urandom(2 * 1024 * 1024 - 16)
    record = json.loads(GOOD_RECORD)
    record.update(reply=big.hex(), out_cap=len(big), out_len=len(big))
    path = tmp_path / "big.jsonl"
    path.write_text(GOOD_HEADER + "\n" + json.dumps(record) + "\n" + GOOD_RECORD + "\n")
    with load_capture(path) as capture:
        assert len(capture) == 2
        assert capture.record(0).exchange.reply == big  # type: ignore[union-attr]
        assert capture.record(1).exchange is not None


def test_a_monster_line_is_reported_and_the_rest_skipped(tmp_path: Path, monkeypatch) -> None:
    from fwctl_tui.captures import loader

    monkeypatch.setattr(loader, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(loader, "_CHUNK", 256)
    path = tmp_path / "huge.jsonl"
    path.write_text(GOOD_HEADER + "\n" + GOOD_RECORD + "\n" + "x" * 5000 + "\n")
    with load_capture(path) as capture:
        assert len(capture) == 1
        assert "longer than 1000 bytes" in str(capture.problems[0])


def test_write_capture_saves_a_session_history_atomically(tmp_path: Path) -> None:
    from helpers.captures import entry

    from fwctl_tui.captures import write_capture
    from fwctl_tui.captures.format import device_identity, make_header

    session = record_sample(tmp_path / "live.jsonl", polls=2)
    header = make_header(device_identity(entry()), kernel_release="6.18.0", taint_at_start=0,
                         simulated=True, created_at=0.0, host="h")
    path = write_capture(tmp_path / "history.jsonl", header, session.history)
    with load_capture(path) as capture:
        assert [ex.reply for ex in capture.exchanges()] == [ex.reply for ex in session.history]
        assert capture.header["created_at"] == "1970-01-01T00:00:00.000000+00:00"


def test_send_capture_records_the_board_psid(tmp_path: Path, capsys) -> None:
    """FWCTL_INFO has no PSID: the header takes it from the device entry (sysfs board_id
    live, the profile simulated), so `send --capture` no longer records null."""
    from fwctl_tui.__main__ import main
    from fwctl_tui.sim.host import SimHost

    path = tmp_path / "sent.jsonl"
    assert main(["send", "sim:cx7", "QUERY_ISSI", "--capture", str(path)]) == 0
    capsys.readouterr()
    with load_capture(path) as capture:
        device = capture.header["device"]
    assert device["psid"] == SimHost("cx7").profile.psid
    assert device["board"] and "timeline" in capture.header


def test_identity_prefers_entry_fields_over_info() -> None:
    from helpers.captures import entry

    from fwctl_tui.captures.format import device_identity

    identity = device_identity(entry())
    assert (identity["psid"], identity["board"]) == ("MT_0000000838", "MCX75310AAS-NEAT")
    assert identity["serial"] is None and "psid" not in identity["info"]


def test_save_refuses_a_device_or_fifo_and_leaves_it_alone(tmp_path: Path) -> None:
    src, fifo = tmp_path / "src.jsonl", tmp_path / "pipe"
    record_sample(src)
    os.mkfifo(fifo)
    for dest in (fifo, tmp_path):
        with pytest.raises(CaptureError, match="a capture is only saved to a file"):
            save_as(src, dest)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe", "src.jsonl"]


def test_save_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    src, real, link = tmp_path / "src.jsonl", tmp_path / "real.jsonl", tmp_path / "link.jsonl"
    record_sample(src)
    real.write_text("old\n")
    link.symlink_to(real.name)
    save_as(src, link)
    assert link.is_symlink() and real.read_bytes() == src.read_bytes()


def test_save_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    src, dest, new = tmp_path / "src.jsonl", tmp_path / "dest.jsonl", tmp_path / "new.jsonl"
    record_sample(src)
    dest.write_text("old\n")
    dest.chmod(0o640)
    save_as(src, dest)
    save_as(src, new)
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o640
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask


def test_plain_save_copies_byte_for_byte(tmp_path: Path) -> None:
    """A crash-truncated tail and stray bytes travel unchanged: nothing is lost or mended."""
    src, dest = tmp_path / "src.jsonl", tmp_path / "dest.jsonl"
    record_sample(src)
    raw = src.read_bytes() + b'{"type":"rpc","note":"\xff\xfe bytes"}\n{"type":"rpc","seq":9'
    src.write_bytes(raw)
    save_as(src, dest)
    assert dest.read_bytes() == raw


@pytest.mark.parametrize(("scope", "fragment"), [
    ({"scope": "BOGUS", "scope_value": 1}, "unknown scope 'BOGUS'"),
    ({"scope": "DEBUG_READ_ONLY", "scope_value": 3}, "and scope_value 3 disagree"),
    ({"scope_value": 9}, "unknown scope_value 9"),
    ({"scope": 7}, "unknown scope 7"),
    ({"scope": 0, "scope_value": 3}, "scope 0 and scope_value 3 disagree"),
    ({"scope_value": True}, "unknown scope_value True"),
    ({}, "no scope"),
])
def test_a_record_with_a_doubtful_scope_is_broken(tmp_path: Path, scope, fragment: str) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path)
    header, first, *rest = path.read_text().splitlines()
    record = json.loads(first)
    record.pop("scope"), record.pop("scope_value")
    record.update(scope)
    path.write_text("\n".join([header, json.dumps(record), *rest]) + "\n")
    with load_capture(path) as capture:
        item = capture.record(0)
    assert item.exchange is None and item.error is not None and fragment in str(item.error)


def test_scope_name_and_value_that_agree_load(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path)
    with load_capture(path) as capture:
        assert capture.record(0).exchange is not None


def test_save_to_a_symlink_loop_is_a_clear_error(tmp_path: Path) -> None:
    src, loop = tmp_path / "src.jsonl", tmp_path / "loop.jsonl"
    record_sample(src)
    loop.symlink_to(loop.name)
    with pytest.raises(CaptureError, match="cannot follow the link"):
        save_as(src, loop)
    assert loop.is_symlink()

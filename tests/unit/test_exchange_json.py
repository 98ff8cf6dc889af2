"""One JSON shape for an exchange: `send --json` (mlx5 and the driver plug-ins) and
`replay --json` records against docs/exchange-json.md's tables (the TUI export is checked
the same way in tests/ui/test_flows.py), and one exchange printed by `send` and by
`replay` of its capture gives the same object."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from helpers.captures import record_sample
from helpers.exchange_schema import check_exchange, core_keys

from fwctl_tui.__main__ import main
from fwctl_tui.capture_analysis import decoding
from fwctl_tui.captures.loader import load_capture
from fwctl_tui.cli import EXIT_DEVICE, EXIT_OK
from fwctl_tui.exchange_json import SCHEMA_VERSION, ReplyJsonCache, exchange_json
from fwctl_tui.syndrome_source import syndromes_for

CAPTURES = Path(__file__).parents[2] / "captures"


@pytest.fixture(autouse=True)
def entries_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FWCTL_TUI_PDS_ENTRIES_DIR", str(tmp_path / "entries"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def test_the_document_states_the_version_the_code_prints() -> None:
    assert "schema" in core_keys()
    assert f"# Exchange JSON (schema {SCHEMA_VERSION})" in Path(
        "docs/exchange-json.md").read_text(encoding="utf-8").splitlines()[0]


def test_send_mlx5_reply_is_the_documented_shape(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1")
    assert code == EXIT_OK
    check_exchange(doc, "send")
    assert doc["schema"] == SCHEMA_VERSION and doc["device_type"] == "mlx5"
    assert (doc["opcode"], doc["op_mod"], doc["status"], doc["outcome"]) == (0x805, 1, 0, "OK")
    assert doc["reply"]["register_data"]["local_port"] == 1
    assert bytes.fromhex(doc["reply_hex"])[0] == doc["status"]
    assert doc["duration_ns"] > 0 and doc["errno_name"] is None


def test_send_mlx5_errno_is_the_documented_shape_with_its_error(capsys) -> None:
    # a register read needs DEBUG_READ_ONLY: at CONFIGURATION the driver says EBADMSG
    code, doc = run(capsys, "send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1",
                    "--scope", "CONFIGURATION")
    assert code == EXIT_DEVICE
    check_exchange(doc, "send")
    assert (doc["errno_name"], doc["outcome"], doc["reply"], doc["status"]) == (
        "EBADMSG", "EBADMSG", None, None)
    assert doc["error"].startswith("EBADMSG")


def test_send_through_a_driver_plug_in_is_the_documented_shape(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cxl-mem", "GET_SUPPORTED_FEATURES")
    assert code == EXIT_OK
    check_exchange(doc, "send")
    assert (doc["device_type"], doc["op_mod"], doc["status"]) == ("cxl", None, None)
    assert doc["reply"]["retval_name"] == "SUCCESS" and doc["preview"]["command"] == doc[
        "command"]
    code, doc = run(capsys, "send", "sim:pds", "RPC", "ep=99", "op=1")
    assert code == EXIT_DEVICE
    check_exchange(doc, "send")
    assert (doc["device_type"], doc["errno_name"]) == ("pds", "EINVAL") and doc["error"]


def test_replay_records_are_the_documented_shape(tmp_path: Path, capsys) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=2)
    code, doc = run(capsys, "replay", str(path))
    assert code == EXIT_OK
    records = doc["records"]
    for record in records:
        check_exchange(record, "replay")
    assert [r["outcome"] for r in records][-1] == "EBADMSG"
    ppcnt = records[0]
    assert ppcnt["reply"]["data_valid"] is True and ppcnt["reply_hex"]
    assert ppcnt["request_hex"] and ppcnt["summary"]


def test_send_and_replay_of_its_capture_print_the_same_exchange(tmp_path: Path,
                                                                capsys) -> None:
    capture = tmp_path / "sent.jsonl"
    code, sent = run(capsys, "send", "sim:cx7", "ACCESS_REG:PPCNT", "local_port=1",
                     "--capture", str(capture))
    assert code == EXIT_OK
    code, replayed = run(capsys, "replay", str(capture))
    [record] = replayed["records"]
    assert {key: record[key] for key in core_keys()} == {key: sent[key] for key in core_keys()}


class OneReply(ReplyJsonCache):
    MAX_ENTRIES = 1  # every other distinct reply evicts the last


@pytest.mark.parametrize("cache", [ReplyJsonCache, OneReply])
def test_a_cached_reply_is_the_reply_presented_again(cache: type[ReplyJsonCache]) -> None:
    """replay --json presents each distinct (command, request, reply) once: every record
    of every sample capture, each twice (a repeat is a hit), reads as presented afresh."""
    replies = cache()
    for path in sorted(CAPTURES.glob("*.jsonl")):
        with load_capture(path) as capture:
            syndromes = syndromes_for(capture.simulated)
            exchanges = [i.exchange for i in capture.iter_records() if i.exchange is not None]
        for ex in [*exchanges, *exchanges]:
            output = decoding.decode(ex).output
            assert exchange_json(ex, output, syndromes, replies) == exchange_json(
                ex, output, syndromes), (path.name, ex.command)


def test_a_big_reply_is_not_kept() -> None:
    replies = ReplyJsonCache()
    with load_capture(CAPTURES / "01-bring-up.jsonl") as capture:
        ex = next(i.exchange for i in capture.iter_records()
                  if i.exchange is not None and i.exchange.reply)
    big = replace(ex, reply=ex.reply + bytes(ReplyJsonCache.MAX_REPLY_BYTES))
    output = decoding.decode(big).output
    first = exchange_json(big, output, None, replies)["reply"]
    assert exchange_json(big, output, None, replies)["reply"] is not first
    kept = exchange_json(ex, decoding.decode(ex).output, None, replies)["reply"]
    assert exchange_json(ex, decoding.decode(ex).output, None, replies)["reply"] is kept

"""Filtering records by content: field names, values, labels, comparisons, typos refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.capture_analysis.content_filter import parse_query
from fwctl_tui.captures.format import CaptureError
from fwctl_tui.captures.loader import load_capture

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def seqs(name: str, text: str) -> list[int]:
    query = parse_query(text)
    with load_capture(CAPTURES / name) as capture:
        return [item.seq for item in capture.iter_records() if query.matches(item)]


@pytest.mark.parametrize(("text", "expected"), [
    ("down_blame=Remote_phy", [6]),
    ("down_blame=remote_phy", [6]),  # labels case-insensitive
    ("down_blame=2", [6]),
    ("down_blame=0x2", [6]),
    ("page_select=6", [6]),
    ("page_select!=6 command=PDDR", [5, 7, 8]),
    ("Remote_phy", [6]),
    ("symbol_errors>0", [2, 9]),  # a 64-bit join of symbol_errors_high/_low
    ("link_down_events>=1", [9]),
    ("oper_status=down", [3]),
    ("status!=OK", []),
])
def test_link_down_capture(text: str, expected: list[int]) -> None:
    assert seqs("02-link-down.jsonl", text) == expected


def test_status_not_and_failed_replies() -> None:
    assert seqs("05-firmware-error.jsonl", "status!=OK") == [1, 2, 3, 4, 5]
    assert seqs("05-firmware-error.jsonl", "status!=EBADMSG") == [1, 2, 3, 4]
    # a failed reply's bytes are not data: its fields never match
    assert seqs("05-firmware-error.jsonl", "sensor_index>=0 command=MTMP") == [2]
    assert seqs("05-firmware-error.jsonl", "temperature>=0") == []


@pytest.mark.parametrize(("text", "message"), [
    ("down_blam=2", "unknown filter word 'down_blam' (did you mean down_blame?)"),
    ("banana=1", "unknown filter word 'banana': use command=, status= or status!=, scope="),
    ("symbol_errors>lots", "'lots' is not a number"),
    ("scope>1", "'scope' takes '=' only"),
    ("status!=NOPE", "NOPE"),
])
def test_bad_filters_say_what_is_valid(text: str, message: str) -> None:
    with pytest.raises(CaptureError, match=None) as err:
        parse_query(text)
    assert message in str(err.value)


def test_replay_filter_option(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CAPTURES / "02-link-down.jsonl")
    assert main(["replay", path, "--filter", "down_blame=Remote_phy", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)["records"]
    assert [record["seq"] for record in records] == [6]
    assert main(["replay", path, "--filter", "down_blam=Remote_phy", "--json"]) == 2
    assert "did you mean down_blame" in json.loads(capsys.readouterr().out)["error"]
    assert main(["replay", path, "--filter", "page_select=6", "--command", "PAOS"]) == 0
    assert "no record of 9 matches --command PAOS --filter page_select=6" in capsys.readouterr().out

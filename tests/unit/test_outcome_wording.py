"""One wording for a cxl/pds/bnxt outcome (records.reply_outcome): the capture listing,
`replay` and `send` say OK, the errno's name, or the firmware's code by name and number."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.capture_analysis.decoding import outcome
from fwctl_tui.captures import load_capture
from fwctl_tui.cli import EXIT_DEVICE
from fwctl_tui.drivers.records import reply_outcome

VENDOR = "0b5e55ed-c0de-4a11-8000-000000000001"  # the simulator's vendor feature


@pytest.mark.parametrize(("decoded", "said"), [
    ({"retval": 0, "retval_name": "SUCCESS", "problems": []}, "OK"),
    ({"retval": 26, "retval_name": "FEATURESELVALUE", "problems": []},
     "FEATURESELVALUE (retval 26)"),
    ({"retval": 99, "retval_name": "unknown (99)", "problems": []}, "retval 99"),
    ({"retval": 5, "retval_note": "the firmware's own codes", "problems": []}, "retval 5"),
    ({"req_type": 0x18, "error_code": 4, "problems": []}, "error_code 4"),
    ({"req_type": 0x18, "error_code": 0, "problems": []}, "OK"),
    ({"problems": ["reply is 4 bytes, not the 48-byte struct fwctl_rpc_pds"]}, "SHORT_REPLY"),
    ({"retval": 0, "problems": ["size says 8 payload bytes, the reply holds 0"]},
     "SHORT_REPLY"),
    ({"retval": 1, "retval_name": "BAD\x1b[31mNAME", "problems": []},
     "BAD\\x1b[31mNAME (retval 1)"),  # a name from a capture is data: escaped
])
def test_reply_outcome_words(decoded: dict[str, Any], said: str) -> None:
    assert reply_outcome(decoded) == said


def test_send_and_the_capture_listing_say_a_return_code_the_same_way(
        tmp_path, capsys) -> None:
    capture = tmp_path / "cxl.jsonl"
    argv = ["send", "sim:cxl-mem", "GET_FEATURE", f"feature={VENDOR}", "selection=saved",
            "--capture", str(capture)]
    assert main(argv) == EXIT_DEVICE
    out, _ = capsys.readouterr()
    assert "outcome  FEATURESELVALUE (retval 26)" in out
    with load_capture(capture) as recorded:
        assert [outcome(ex) for ex in recorded.exchanges()] == ["FEATURESELVALUE (retval 26)"]
    assert main(["replay", str(capture), "--json"]) == 0
    listed = json.loads(capsys.readouterr()[0])["records"]
    assert [r["outcome"] for r in listed] == ["FEATURESELVALUE (retval 26)"]


def test_watch_says_a_return_code_as_send_does(capsys) -> None:
    assert main(["watch", "sim:cxl-mem", "GET_FEATURE", f"feature={VENDOR}",
                 "selection=saved", "--count", "1", "--interval", "0.1"]) == 1  # a failure
    first = capsys.readouterr()[0].splitlines()[0]
    assert "FAILED after" in first and first.endswith(" ms: FEATURESELVALUE (retval 26)")

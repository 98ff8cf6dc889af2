"""A replay device: answers in recorded order per opening, names the answering record,
and refuses a request it lacks with what it can answer for that command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.capture_analysis.replay import ANSWERED
from fwctl_tui.connect import open_device
from fwctl_tui.decoders import catalogue, encode_input, reply_buffer_size
from fwctl_tui.uapi import Scope

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def ppcnt(session, **values: int):
    cmd = catalogue.find("ACCESS_REG:PPCNT")
    request = encode_input(cmd, {"local_port": 1, **values}, op_mod=1)
    return session.send(cmd.name, Scope.DEBUG_READ_ONLY, request,
                        reply_buffer_size(cmd, request))


def test_answers_step_through_records_and_say_which() -> None:
    with open_device(f"replay:{CAPTURES / '04-counter-sampling.jsonl'}") as connection:
        session = connection.session()
        seen = [ppcnt(session, grp=18).meta[ANSWERED] for _ in range(11)]
    # grp=18 was read in every round (records 2, 5, ... 29): recorded order, the last sticks
    assert [item["seq"] for item in seen] == [2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 29]
    assert seen[0]["which"] == "answer 1 of 10"
    assert seen[-1]["which"] == "answer 10 of 10 (the last one, repeated)"
    with open_device(f"replay:{CAPTURES / '04-counter-sampling.jsonl'}") as connection:
        again = ppcnt(connection.session(), grp=18)
    assert again.meta[ANSWERED]["seq"] == 2, "every opening starts at the first answer"


def test_a_missing_request_lists_what_the_capture_answers() -> None:
    with open_device(f"replay:{CAPTURES / '02-link-down.jsonl'}") as connection:
        cmd = catalogue.find("ACCESS_REG:PDDR")
        request = encode_input(cmd, {"local_port": 1, "page_select": 2}, op_mod=1)
        ex = connection.session().send(cmd.name, Scope.DEBUG_READ_ONLY, request,
                                       reply_buffer_size(cmd, request))
    assert ex.errno != 0 and ANSWERED not in ex.meta
    assert "not in this capture: ACCESS_REG:PDDR" in ex.detail
    assert "page_select=2" in ex.detail
    for page, seq in ((0, 5), (6, 6), (1, 7), (3, 8)):
        assert f"page_select={page} " in ex.detail and f"(record #{seq})" in ex.detail


def test_cli_send_names_the_record(capsys: pytest.CaptureFixture[str]) -> None:
    device = f"replay:{CAPTURES / '02-link-down.jsonl'}"
    assert main(["send", device, "ACCESS_REG:PDDR", "local_port=1", "page_select=6"]) == 0
    assert "answered  by record #6 (answer 1 of 1)" in capsys.readouterr().out
    assert main(["send", device, "ACCESS_REG:PAOS", "local_port=1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["answered_by"] == {
        "seq": 1, "which": "answer 1 of 2"}

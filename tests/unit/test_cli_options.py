"""The CLI accepts options anywhere after the subcommand, and with --json every error,
parse errors included, is a JSON object; `send --example` fills in values that work."""

from __future__ import annotations

import json
import re

import pytest

from fwctl_tui.__main__ import build_parser, main


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_options_between_field_values(capsys) -> None:
    code, doc = run_json(capsys, "send", "sim:cx7", "ACCESS_REG:PAOS", "--json",
                         "local_port=1", "--get")
    assert code == 0 and doc["reply"]["register_data"]["local_port"] == 1


def test_options_before_the_positionals(capsys) -> None:
    code, doc = run_json(capsys, "encode", "--json", "QUERY_HCA_CAP", "op_mod=1")
    assert code == 0 and doc["op_mod"] == 1


def test_root_after_the_subcommand(capsys, tmp_path) -> None:
    code, doc = run_json(capsys, "devices", "--json", "--root", str(tmp_path), "--simulate")
    assert code == 0 and doc and doc[0]["kind"] == "simulated"


SUBCOMMAND_PARSE_ERRORS = {
    "devices": ["devices", "--bogus"],
    "info": ["info"],
    "commands": ["commands", "extra"],
    "describe": ["describe"],
    "encode": ["encode"],
    "decode": ["decode"],
    "send": ["send", "sim:cx7"],
    "replay": ["replay"],
    "diff": ["diff"],
    "export": ["export", "src"],
    "pds-entries": ["pds-entries"],
}


def test_every_subcommand_is_covered() -> None:
    listed = re.search(r"\{([a-z,-]+)\}", build_parser().format_usage())  # as `-h` shows
    assert listed is not None and "send" in listed.group(1).split(",")
    subcommands = set(listed.group(1).split(","))
    assert subcommands <= set(SUBCOMMAND_PARSE_ERRORS) | {"watch", "link", "sim", "learn"}


@pytest.mark.parametrize("argv", list(SUBCOMMAND_PARSE_ERRORS.values()),
                         ids=list(SUBCOMMAND_PARSE_ERRORS))
def test_parse_errors_are_json_with_json(capsys, argv: list[str]) -> None:
    code = main([*argv, "--json"])
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert code == 2 and captured.err == ""
    assert doc["error"].startswith(f"fwctl-tui {argv[0]}: ")
    assert doc["errno"] is None and doc["usage"].startswith(f"usage: fwctl-tui {argv[0]}")


def test_parse_errors_are_text_without_json(capsys) -> None:
    assert main(["send", "sim:cx7"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "fwctl-tui send: error: the following arguments are required: COMMAND" in captured.err


def test_top_level_parse_error_as_json(capsys) -> None:
    code, doc = run_json(capsys, "--no-such-option", "--json")
    assert code == 2 and "unrecognized arguments" in doc["error"]


@pytest.mark.parametrize("command", ["QUERY_QP", "QUERY_CQ", "QUERY_FLOW_TABLE", "QUERY_TIR",
                                     "QUERY_RQT", "QUERY_EQ", "QUERY_FLOW_GROUP"])
def test_example_queries_an_object_that_exists(capsys, command: str) -> None:
    code, doc = run_json(capsys, "send", "sim:cx7", command, "--example", "--json")
    assert code == 0 and doc["status_name"] == "OK", doc.get("syndrome_text")


def test_without_example_object_zero_fails_and_example_is_offered(capsys) -> None:
    code, doc = run_json(capsys, "send", "sim:cx7", "QUERY_QP", "--json")
    assert code == 1 and doc["status"] != 0


def test_example_values_yield_to_the_users(capsys) -> None:
    code, doc = run_json(capsys, "send", "sim:cx7", "QUERY_QP", "qpn=0xffffff", "--example",
                         "--json")
    assert code == 1 and doc["status"] != 0, "the user's qpn was sent, not the example's"


def test_ptys_proto_mask_defaults_to_ethernet_and_says_so(capsys) -> None:
    assert main(["send", "sim:cx7", "ACCESS_REG:PTYS", "local_port=1"]) == 0
    captured = capsys.readouterr()
    assert "status OK" in captured.out
    assert "note: proto_mask=4 (not given: the value that fits this device)" in captured.err

"""`send` writes that cannot mislead: no silent read, confirmation, --dry-run, --get/--set.

Run in-process through the CLI's main(); stdin is replaced by a stream that says it is
(or is not) a terminal, so the y/N question is driven as a person would answer it.
"""

from __future__ import annotations

import io
import json

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.connect import SimHosts

PAOS = ("send", "sim:bf3", "ACCESS_REG:PAOS", "local_port=1")
DOWN = "admin_status=down_by_configuration"


class FakeStdin(io.StringIO):
    """stdin with a chosen answer to isatty()."""

    def __init__(self, text: str = "", tty: bool = False) -> None:
        super().__init__(text)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.fixture(autouse=True)
def not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unless a test says otherwise, stdin is not a terminal (as under CI)."""
    monkeypatch.setattr("sys.stdin", FakeStdin())


def run(capsys: pytest.CaptureFixture[str], *argv: str,
        hosts: SimHosts | None = None) -> tuple[int, dict, str]:
    code = main(list(argv), hosts=hosts)
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def admin_status(capsys: pytest.CaptureFixture[str]) -> int:
    code, doc, _ = run(capsys, *PAOS, "--get", "--json")
    assert code == 0
    return int(doc["reply"]["register_data"]["admin_status"])


def test_a_write_field_without_a_variant_is_refused_naming_it(capsys) -> None:
    code, doc, _ = run(capsys, *PAOS, DOWN, "--json")
    assert code == 2
    assert doc["field"] == "admin_status" and doc["errno"] is None
    assert "admin_status" in doc["error"] and "--set" in doc["error"]
    assert "--get" in doc["error"] and "op_mod=write" in doc["error"]
    assert admin_status(capsys) == 1, "nothing was sent: the port is still up"


def test_human_refusal_names_the_field_on_stderr(capsys) -> None:
    assert main([*PAOS, DOWN]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fwctl-tui: admin_status: only a register write uses this field")


def test_get_reads_and_warns_that_the_read_ignores_the_field(capsys) -> None:
    code, doc, _ = run(capsys, *PAOS, DOWN, "--get", "--json")
    assert code == 0 and doc["op_mod"] == 1
    assert doc["warnings"] == ["a read ignores admin_status (only a write uses it); "
                               "this changes nothing"]


def test_conflicting_variants_are_a_usage_error(capsys) -> None:
    code, doc, _ = run(capsys, *PAOS, DOWN, "--get", "--set", "--json")
    assert code == 2 and "conflicting variants" in doc["error"]
    assert "--get (read)" in doc["error"] and "--set (write)" in doc["error"]


def test_a_write_without_a_terminal_needs_yes(capsys) -> None:
    code, doc, _ = run(capsys, *PAOS, "--set", DOWN, "--json")
    assert code == 2
    assert "changes the device; not sent" in doc["error"] and "--yes" in doc["error"]
    assert doc["preview"]["scope"] == "CONFIGURATION"
    assert admin_status(capsys) == 1


def test_a_write_with_yes_is_sent(capsys) -> None:
    code, doc, _ = run(capsys, *PAOS, "--set", DOWN, "--yes", "--json")
    assert code == 0 and doc["op_mod"] == 0 and doc["scope"] == "CONFIGURATION"
    assert admin_status(capsys) == 2


@pytest.mark.parametrize(("answer", "sent"), [("y\n", True), ("yes\n", True), ("\n", False),
                                              ("n\n", False), ("", False)])
def test_a_terminal_is_asked_y_n_default_no(capsys, monkeypatch, answer: str,
                                            sent: bool) -> None:
    monkeypatch.setattr("sys.stdin", FakeStdin(answer, tty=True))
    code = main([*PAOS, "--set", DOWN])
    captured = capsys.readouterr()
    assert "[y/N]" in captured.err and "preview, nothing sent yet" in captured.err
    assert "admin_status" in captured.err  # the field-by-field change is shown first
    if sent:
        assert code == 0 and "status OK" in captured.out
    else:
        assert code == 2 and "cancelled: nothing was sent" in captured.err
    monkeypatch.setattr("sys.stdin", FakeStdin())
    assert admin_status(capsys) == (2 if sent else 1)


def test_set_commands_are_confirmed_too(capsys) -> None:
    code, doc, _ = run(capsys, "send", "sim:cx7", "MODIFY_CONG_STATUS", "cong_protocol=1",
                       "enable=1", "--json")
    assert code == 2 and "changes the device" in doc["error"]


def test_dry_run_prints_the_preview_and_sends_nothing(capsys) -> None:
    code, doc, _ = run(capsys, *PAOS, "--set", DOWN, "--dry-run", "--json")
    assert code == 0 and doc["dry_run"] is True
    assert doc["scope"] == "CONFIGURATION" and doc["accepted"] is True
    assert doc["taints"] is False and doc["changes_device"] is True
    assert doc["facts"]["Kernel accepts"] == "yes"
    assert doc["compared_with"] == "the value read just now"
    assert {"field": "admin_status", "current": 1, "new": 2,
            "set_for_you": False} in doc["changes"]
    assert {"field": "ase", "current": 0, "new": 1, "set_for_you": True} in doc["changes"]
    request = bytes.fromhex(doc["hex"])
    assert len(request) == doc["length"] and request[:2] == b"\x08\x05"
    assert admin_status(capsys) == 1, "a dry run sends nothing"


def test_dry_run_human_output_lists_bytes_and_changes(capsys) -> None:
    assert main([*PAOS, "--set", DOWN, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Kernel accepts" in out and "Taint" in out and "bytes (32): 08 05" in out
    assert "field-by-field: 2 field(s) change" in out and "ase (set for you)" in out
    assert out.rstrip().endswith("dry run: nothing was sent")


def test_mlxreg_spellings(capsys) -> None:
    """--indexes and --set take mlxreg's comma lists; the write is read-modify-write."""
    code, doc, _ = run(capsys, "send", "sim:bf3", "ACCESS_REG:PAOS", "--indexes",
                       "local_port=1", "--set", "admin_status=2,e=1", "--dry-run", "--json")
    assert code == 0
    changed = {c["field"] for c in doc["changes"]}
    assert changed == {"admin_status", "ase", "e", "ee"}
    code, doc, _ = run(capsys, *PAOS, "--set", "admin_status", "--json")
    assert code == 2 and doc["field"] == "set"


def test_read_modify_write_keeps_fields_not_given(capsys) -> None:
    """Only e is given: admin_status is written back as read, not as 0 (a port down)."""
    code, doc, _ = run(capsys, *PAOS, "--set", "e=1", "--yes", "--json")
    assert code == 0 and list(doc["auto_set"]) == ["register_data.ee"]
    assert admin_status(capsys) == 1


def test_tainting_scope_still_needs_yes_on_a_terminal(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", FakeStdin("y\n", tty=True))
    hosts = SimHosts()
    code, doc, _ = run(capsys, "send", "sim:cx7", "SET_DIAGNOSTIC_PARAMS", "--json",
                       hosts=hosts)
    assert code == 2 and "taints the kernel" in doc["error"]
    assert hosts.get("cx7").kernel.tainted == 0


def test_a_recorded_write_keeps_its_read_and_its_write(tmp_path, capsys) -> None:
    capture = tmp_path / "write.jsonl"
    assert main([*PAOS, "--set", DOWN, "--yes", "--capture", str(capture)]) == 0
    assert "not recorded" not in capsys.readouterr().err
    records = [json.loads(line) for line in capture.read_text().splitlines()[1:]]
    assert [record["seq"] for record in records] == [1, 2]
    # the read that the write is built on (op_mod 1), then the write itself (op_mod 0)
    assert [(r["command"], r["op_mod"]) for r in records] == [("ACCESS_REG:PAOS", 1),
                                                              ("ACCESS_REG:PAOS", 0)]

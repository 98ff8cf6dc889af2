"""`fwctl-tui send` against the simulated device: JSON shape, scopes, refusals, exit codes."""

from __future__ import annotations

import json

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.connect import SimHosts


@pytest.fixture
def hosts() -> SimHosts:
    """This test's simulated hosts, shared by the runs given them (taint and unplug are
    per process: a run without them builds its own)."""
    return SimHosts()


def run(capsys: pytest.CaptureFixture[str], *argv: str,
        hosts: SimHosts | None = None) -> tuple[int, dict]:
    code = main(list(argv), hosts=hosts)
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_send_json_reply_is_decoded(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "QUERY_ADAPTER", "--json")
    assert code == 0
    assert doc["errno"] == 0 and doc["status"] == 0 and doc["syndrome"] == 0
    assert doc["scope"] == "CONFIGURATION"
    assert doc["reply"]["query_adapter_struct"]["vsd_vendor_id"] == 0x15B3


def test_register_read_uses_least_accepted_scope(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1", "--json")
    assert code == 0 and doc["scope"] == "DEBUG_READ_ONLY" and doc["op_mod"] == 1
    assert doc["reply"]["register_data"]["oper_status"] == 1


def test_opcode_accepted_as_command(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "0x10a", "--json")
    assert code == 0 and doc["command"] == "QUERY_ISSI"


def test_scope_below_least_gives_ebadmsg_json(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1",
                    "--scope", "CONFIGURATION", "--json")
    assert code == 1
    assert doc["errno_name"] == "EBADMSG" and "allow-list" in doc["error"]


def test_tainting_scope_needs_yes(capsys, hosts: SimHosts) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "SET_DIAGNOSTIC_PARAMS", "--json", hosts=hosts)
    assert code == 2
    assert "taints the kernel" in doc["error"] and "--yes" in doc["error"]
    assert hosts.get("cx7").kernel.tainted == 0


def test_tainting_scope_with_yes_taints_the_simulated_kernel(capsys, hosts: SimHosts) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "SET_DIAGNOSTIC_PARAMS", "--yes", "--json",
                    hosts=hosts)
    assert code == 0 and doc["errno"] == 0 and doc["scope"] == "DEBUG_WRITE"
    assert hosts.get("cx7").kernel.tainted & (1 << 19)


def test_firmware_error_is_exit_1_with_status_explained(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "QUERY_CQ", "cqn=0xffffff", "--json")
    assert code == 1 and doc["errno"] == 0 and doc["status"] != 0
    assert doc["status_name"] and doc["status_text"]


def test_bad_field_is_usage_error(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "QUERY_HCA_CAP", "no_such_field=1", "--json")
    assert code == 2 and "no_such_field" in doc["error"]


def test_unknown_device_is_usage_error(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cx99", "QUERY_ADAPTER", "--json")
    assert code == 2 and "cx99" in doc["error"]


def test_unplugged_device_is_device_error(capsys, hosts: SimHosts) -> None:
    hosts.get("cx7").functions[0].unplug()
    code, doc = run(capsys, "send", "sim:cx7", "QUERY_ADAPTER", "--json", hosts=hosts)
    assert code == 1 and "ENODEV" in doc["error"]


def test_human_output_names_status(capsys) -> None:
    assert main(["send", "sim:cx7", "QUERY_ISSI"]) == 0
    out = capsys.readouterr().out
    assert "status OK" in out and "current_issi" in out


@pytest.mark.parametrize("value", ["-5", "4294967296", "lots"])
def test_bad_out_len_is_a_usage_error_not_a_traceback(capsys, value: str) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "QUERY_ADAPTER", "--out-len", value, "--json")
    assert code == 2
    assert "--out-len" in doc["error"] and value in doc["error"]
    assert doc["errno"] is None and doc["field"] == "out_len"


@pytest.mark.parametrize(("value", "out_len"), [("0", 0), ("4294967295", 2**32 - 1)])
def test_out_len_the_kernel_refuses_is_sent_and_its_errno_shown(capsys, value, out_len) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "QUERY_ADAPTER", "--out-len", value, "--json")
    assert code == 1 and doc["errno_name"] == "EMSGSIZE" and doc["errno"] == 90


@pytest.mark.parametrize("out_len", [None, "0", "8", "15", "16", "0x200000", "0x200001"])
def test_dry_run_verdict_is_what_the_send_then_gets(capsys, out_len: str | None) -> None:
    """A write never surprises: --dry-run judges the reply buffer the send will use (the
    one given, else the reply layout's), so its verdict is the emulator's answer."""
    given = () if out_len is None else ("--out-len", out_len)
    argv = ("send", "sim:cx7", "QUERY_HCA_CAP", *given, "--json")
    _, preview = run(capsys, *argv, "--dry-run")
    code, sent = run(capsys, *argv)
    assert preview["accepted"] == (sent["errno"] == 0), (preview["facts"], sent)
    assert preview["out_len"] == sent["out_cap"]
    if not preview["accepted"]:
        assert code == 1 and sent["errno_name"] == "EMSGSIZE"
        assert "EMSGSIZE" in preview["facts"]["Kernel accepts"]
        assert f"out_len {int(out_len or '0', 0)}" in preview["facts"]["Kernel accepts"]


def test_out_len_is_used_as_given(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "QUERY_ADAPTER", "--out-len", "0x200", "--json")
    assert code == 0 and doc["out_len"] == 0x200


@pytest.mark.parametrize(
    "argv",
    [
        ("send", "sim:cx7", "SET_DIAGNOSTIC_PARAMS"),  # taint refusal
        ("send", "sim:cx7", "QUERY_HCA_CAP", "no_such_field=1"),  # bad field
        ("send", "sim:cx99", "QUERY_ADAPTER"),  # unknown device
        ("send", "sim:cx7", "NO_SUCH_COMMAND"),  # unknown command
        ("send", "sim:cx7", "QUERY_ADAPTER", "--scope", "SIDEWAYS"),  # bad scope
        ("send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1", "--scope", "CONFIGURATION"),
    ],
)
def test_every_failure_json_has_errno_and_error(capsys, argv: tuple[str, ...]) -> None:
    code, doc = run(capsys, *argv, "--json")
    assert code in (1, 2)
    assert "errno" in doc and "error" in doc and doc["error"]
    assert doc["errno"] is None or isinstance(doc["errno"], int)


def test_counter_clearing_read_is_previewed_as_a_write(capsys) -> None:
    from fwctl_tui.decoders import catalogue, changes_device_state, encode_input

    cmd = catalogue.find("ACCESS_REG:PPCNT")
    plain = encode_input(cmd, {"local_port": 1})
    clearing = encode_input(cmd, {"local_port": 1, "clr": 1})
    assert not changes_device_state(cmd, plain)
    assert changes_device_state(cmd, clearing)
    assert changes_device_state(cmd, encode_input(cmd, {"local_port": 1}, op_mod=0))


def test_human_output_folds_runs_of_empty_list_slots(capsys) -> None:
    assert main(["send", "sim:cx7", "QUERY_NIC_VPORT_CONTEXT"]) == 0
    out = capsys.readouterr().out
    assert "current_uc_mac_address[0]" in out
    assert "more zero elements up to nic_vport_context.current_uc_mac_address[511]" in out
    assert "current_uc_mac_address[300]" not in out


PAOS_DOWN = ("send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1", "op_mod=write",
             "admin_status=down_by_configuration", "--yes")


def paos_port_1(capsys: pytest.CaptureFixture[str]) -> dict:
    """Read PAOS of port 1 back from the same (process-wide) simulated card."""
    code, doc = run(capsys, "send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1", "--json")
    assert code == 0
    return doc["reply"]["register_data"]


def test_register_write_sets_the_enable_bit_and_the_port_goes_down(capsys) -> None:
    assert paos_port_1(capsys)["admin_status"] == 1  # up before
    code, doc = run(capsys, *PAOS_DOWN, "--json")
    assert code == 0 and doc["warnings"] == []
    assert list(doc["auto_set"]) == ["register_data.ase"]
    assert "ase set to 1 for you" in doc["auto_set"]["register_data.ase"]
    after = paos_port_1(capsys)
    assert after["admin_status"] == 2 and after["oper_status"] == 2  # down, really


def test_register_write_says_what_it_set_on_stderr(capsys) -> None:
    assert main(list(PAOS_DOWN)) == 0
    err = capsys.readouterr().err
    assert "note: ase set to 1 for you" in err and "admin_status" in err
    assert paos_port_1(capsys)["admin_status"] == 2


def test_explicit_enable_bit_0_is_respected_with_a_warning(capsys) -> None:
    code = main([*PAOS_DOWN, "ase=0", "--json"])
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert code == 0 and doc["auto_set"] == {}
    assert "warning: ase=0 was given" in captured.err and "changes nothing" in captured.err
    assert doc["warnings"] and "changes nothing for admin_status" in doc["warnings"][0]
    assert paos_port_1(capsys)["admin_status"] == 1  # still up: the write did nothing


def test_reads_set_no_enable_bits(capsys) -> None:
    code, doc = run(capsys, "send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1",
                    "admin_status=2", "--get", "--json")
    assert code == 0 and doc["op_mod"] == 1 and doc["auto_set"] == {}
    assert doc["warnings"] == ["a read ignores admin_status (only a write uses it); "
                               "this changes nothing"]

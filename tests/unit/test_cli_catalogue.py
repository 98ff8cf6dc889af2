"""CLI: commands, describe, encode, decode — JSON shapes and every bad-input case."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fwctl_tui.__main__ import main

PPCNT_READ = "ACCESS_REG:PPCNT"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_commands_json(capsys: pytest.CaptureFixture[str]) -> None:
    rows = run_json(capsys, "commands")
    assert len(rows) == 94
    by_name = {r["name"]: r for r in rows}
    for row in rows:
        assert {"name", "opcode", "min_scope", "min_scope_value", "min_scope_by_op_mod",
                "taints", "since", "summary"} <= set(row)
    reg = by_name["ACCESS_REG"]
    assert reg["opcode"] == 0x805 and reg["min_scope_by_op_mod"] == {"0": 0, "1": 1}
    # the least scope any op_mod is accepted at: the write (op_mod 0) at CONFIGURATION
    assert reg["min_scope"] == "CONFIGURATION" and reg["min_scope_value"] == 0
    cap = by_name["QUERY_HCA_CAP"]
    assert cap["min_scope"] == "CONFIGURATION" and cap["min_scope_by_op_mod"] is None
    assert cap["since"] == "v6.15" and not cap["taints"]
    assert by_name["SET_DIAGNOSTIC_PARAMS"]["taints"] is True
    assert by_name["DELEGATE_VHCA_MANAGEMENT"]["since"] == "v6.18"


def test_commands_min_scope_is_the_facts_allow_list_row(capsys) -> None:
    from fwctl_tui.facts import facts

    rows = {r["opcode"]: r for r in run_json(capsys, "commands")}
    allow = facts()["mlx5"]["allow_list"]
    assert len(allow) == len(rows) == 94
    for fact in allow:
        row = rows[fact["opcode"]]
        assert row["min_scope_value"] == fact["min_scope_value"], row["name"]
        assert row["min_scope"] == fact["min_scope"].removeprefix("FWCTL_RPC_"), row["name"]
        rule = fact.get("op_mod_rule")
        if rule:
            assert row["min_scope_by_op_mod"] == {
                "0": rule["op_mod_0_write_min_scope_value"],
                "1": rule["op_mod_nonzero_min_scope_value"]}
        else:
            assert row["min_scope_by_op_mod"] is None


def test_commands_table_and_registers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "commands")
    assert code == 0 and "QUERY_HCA_CAP" in out and "0x0805" in out
    regs = run_json(capsys, "commands", "--registers")
    ppcnt = next(r for r in regs if r["name"] == "PPCNT")
    assert ppcnt["id"] == 0x5008 and "local_port" in ppcnt["index_fields"]
    assert ppcnt["pages"] == ["counter_set"]


def test_describe_json(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "describe", "QUERY_HCA_CAP")
    assert doc["input"]["layout"] == "query_hca_cap_in"
    fid = next(f for f in doc["input"]["fields"] if f["path"] == "function_id")
    assert (fid["bit_offset"], fid["byte_offset"], fid["width"]) == (80, 10, 16)
    out = {f["path"]: f for f in doc["output"]["fields"]}
    assert out["capability.cmd_hca_cap.log_max_qp"]["width"] == 5
    assert out["status"]["enum"]["BAD_PARAM_ERR"] == 3
    assert doc["op_mods"]["1"] == "GENERAL/current"
    roce = run_json(capsys, "describe", "0x100", "--op-mod", "ROCE/current")
    assert any(f["path"].startswith("capability.roce_cap.") for f in roce["output"]["fields"])


def test_describe_register(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "describe", PPCNT_READ)
    assert doc["register"]["name"] == "PPCNT" and doc["op_mod"] == 1
    assert doc["register"]["pages"][0]["selector"] == "grp"
    fields = {f["path"]: f for f in doc["input"]["fields"]}
    assert fields["register_data.local_port"]["access"] == "INDEX"
    assert fields["register_data.counter_set"]["selector"] == "grp"
    code, out, _ = run(capsys, "describe", "PDDR")
    assert code == 0 and "page_select" in out and "INDEX" in out


def test_encode_hex_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "encode", PPCNT_READ, "local_port=1", "grp=Physical_Layer_Counters")
    data = bytes.fromhex(out.strip())
    assert code == 0 and len(data) == 16 + 256
    assert data[:2] == b"\x08\x05" and data[6:8] == b"\x00\x01" and data[10:12] == b"\x50\x08"
    assert data[17] == 1 and data[19] & 0x3F == 18
    doc = run_json(capsys, "encode", "QUERY_HCA_CAP", "function_id=0x12", "--op-mod", "ROCE/max")
    assert doc["op_mod"] == 8 and doc["length"] == 16
    assert bytes.fromhex(doc["hex"])[10:12] == b"\x00\x12"
    doc = run_json(capsys, "encode", "256", "op_mod=3", "other_function=1")
    assert doc["op_mod"] == 3 and bytes.fromhex(doc["hex"])[8] == 0x80


def test_decode_input_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, hex_in, _ = run(capsys, "encode", PPCNT_READ, "local_port=3")
    tree = run_json(capsys, "decode", PPCNT_READ, "--in", hex_in.strip())
    assert tree["opcode"] == 0x805 and tree["register_id"] == 0x5008
    assert tree["register_data"]["local_port"] == 3
    assert "reserved_at_10" not in tree


def test_decode_reply_json_uses_the_request(capsys: pytest.CaptureFixture[str]) -> None:
    _, hex_in, _ = run(capsys, "encode", "QUERY_HCA_CAP", "op_mod=ROCE/current")
    reply = "00000000" + "0000abcd" + "00" * 8 + "00" * 4096  # OK: a failed one has no data
    tree = run_json(capsys, "decode", "QUERY_HCA_CAP", "--out", reply, "--in", hex_in.strip())
    assert tree["status"] == 0 and tree["syndrome"] == 0xABCD
    assert list(tree["capability"]) == ["roce_cap"]
    failed = "03" + reply[2:]
    code, out, _ = run(capsys, "decode", "QUERY_HCA_CAP", "--out", failed)
    assert code == 0 and "BAD_PARAM_ERR" in out and "0x0000abcd" in out


def test_decode_human_table(capsys: pytest.CaptureFixture[str]) -> None:
    reply = "00" * 16 + "00011234" + "00" * 12  # header + the 16-byte PAOS register
    code, out, _ = run(capsys, "decode", "ACCESS_REG:PAOS", "--out", reply)
    assert code == 0 and "register_data.local_port" in out and "status OK" in out


# -- bad input: exit 2, a message naming the field or byte, never a traceback -------------
def test_bad_field_name_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "encode", PPCNT_READ, "local_prt=1")
    assert code == 2 and "local_prt" in err and "did you mean" in err and "local_port" in err


def test_value_too_wide(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "encode", PPCNT_READ, "local_port=0x100")
    assert code == 2 and "register_data.local_port" in err and "8 bits" in err and "255" in err


def test_bad_enum_label(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "encode", PPCNT_READ, "grp=bogus")
    assert code == 2 and "register_data.grp" in err and "bogus" in err


def test_assignment_without_equals(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "encode", PPCNT_READ, "local_port")
    assert code == 2 and "FIELD=VALUE" in err


def test_odd_length_hex(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "decode", "QUERY_HCA_CAP", "--in", "010")
    assert code == 2 and "odd number of hex digits" in err and "byte 1" in err


def test_non_hex_character(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "decode", "QUERY_HCA_CAP", "--out", "0000zz00")
    assert code == 2 and "'z'" in err and "character 5" in err and "byte 2" in err


def test_short_buffer_decodes_what_is_there(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "decode", "QUERY_HCA_CAP", "--out", "00" * 20, "--json")
    assert code == 2
    tree = json.loads(out)
    assert tree["status"] == 0
    assert tree["capability"]["cmd_hca_cap"]["log_max_qp"] is None
    assert "20 bytes" in err and "4112" in err and "missing" in err and "byte 20" in err


def test_unknown_opcode_decodes_the_header(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "decode", "0x999", "--in", "0999000000000000" + "aabb" * 4,
                         "--json")
    assert code == 2 and "0x999" in err and "allow-list" in err
    tree = json.loads(out)
    assert tree["opcode"] == 0x999 and tree["payload"] == "0x" + "aabb" * 4


def test_unknown_command_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "describe", "QUERY_HCA_CAPZ")
    assert code == 2 and "did you mean" in err and "QUERY_HCA_CAP" in err


def test_unknown_register(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "encode", "ACCESS_REG:PPCNX")
    assert code == 2 and "PPCNT" in err


def test_decode_needs_a_buffer(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "decode", "QUERY_HCA_CAP")
    assert code == 2 and "--in" in err


def test_bad_op_mod(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "describe", "QUERY_HCA_CAP", "--op-mod", "GENRAL/current")
    assert code == 2 and "GENERAL/current" in err


def test_errors_in_json_mode(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "encode", PPCNT_READ, "local_port=999", "--json")
    assert code == 2
    doc = json.loads(out)
    assert "local_port" in doc["error"] and doc["field"] == "register_data.local_port"


# -- decode never assumes or drops bytes silently -----------------------------------------
def _encoded(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, "encode", *argv)
    assert code == 0, err
    return out.strip()


@pytest.mark.parametrize("length", [1, 2, 15])
def test_decode_request_shorter_than_the_header(capsys, length: int) -> None:
    """Used only to pick the reply layout, a short request would be silently ignored."""
    hex_in = ("0805000000000001" + "00" * 8)[: 2 * length]
    code, out, err = run(capsys, "decode", "ACCESS_REG:PAOS", "--in", hex_in, "--out", "00" * 32)
    assert code == 2 and out == ""
    assert f"--in has {length} bytes" in err and "16-byte" in err


def test_decode_short_request_alone_is_refused_too(capsys) -> None:
    code, _, err = run(capsys, "decode", "QUERY_ISSI", "--in", "0a01")
    assert code == 2 and "--in has 2 bytes" in err


def test_decode_reply_without_request_says_what_it_assumed(capsys) -> None:
    reply = "00" * 16 + "00" * 4096
    code, _, err = run(capsys, "decode", "QUERY_HCA_CAP", "--out", reply, "--json")
    assert code == 0 and "note:" in err and "op_mod 1 (GENERAL/current)" in err
    code, _, err = run(capsys, "decode", "ACCESS_REG", "--out", "00" * 32, "--json")
    assert code == 0 and "register is unknown" in err
    code, _, err = run(capsys, "decode", "ACCESS_REG:PAOS", "--out", "00" * 32, "--json")
    assert code == 0 and err == ""  # a bound register needs no assumption
    code, _, err = run(capsys, "decode", "QUERY_ISSI", "--out", "00" * 112, "--json")
    assert code == 0 and err == ""  # nothing in the reply depends on the request


def test_decode_reports_trailing_bytes_and_still_prints(capsys) -> None:
    reply = "00" * 16 + "00011234" + "00" * 12 + "ee" * 5
    code, out, err = run(capsys, "decode", "ACCESS_REG:PAOS", "--out", reply, "--json")
    assert code == 2
    assert json.loads(out)["register_data"]["local_port"] == 1
    assert "5 trailing bytes after the layout (from byte 32) not decoded" in err
    request = _encoded(capsys, "QUERY_ISSI") + "ff"
    code, _, err = run(capsys, "decode", "QUERY_ISSI", "--in", request)
    assert code == 2 and "1 trailing bytes" in err and "from byte 16" in err


def test_decode_lists_and_raw_payloads_take_the_rest(capsys) -> None:
    code, _, err = run(capsys, "decode", "0x999", "--in", "0999" + "00" * 30, "--json")
    assert "trailing" not in err  # a raw payload runs to the end
    reply = "00" * 16 + "00" * 32  # QUERY_DIAGNOSTIC_COUNTERS: a list of 16-byte samples
    code, _, err = run(capsys, "decode", "QUERY_DIAGNOSTIC_COUNTERS", "--out", reply + "00" * 8)
    assert code == 2 and "8 trailing bytes" in err and "from byte 48" in err
    code, _, err = run(capsys, "decode", "QUERY_DIAGNOSTIC_COUNTERS", "--out", reply, "--json")
    assert code == 0 and "trailing" not in err


def test_decode_unknown_register_is_raw_and_said(capsys) -> None:
    request = "0805000000000001" + "00001234" + "00000000" + "aabbccdd" * 3
    code, out, err = run(capsys, "decode", "ACCESS_REG", "--in", request, "--json")
    assert code == 0
    tree = json.loads(out)
    assert tree["register_id"] == 0x1234 and tree["register_data"] == "0x" + "aabbccdd" * 3
    assert "register id 0x1234 is unknown" in err and "shown raw" in err
    reply = "00" * 16 + "11223344" * 2
    code, out, err = run(capsys, "decode", "ACCESS_REG", "--in", request, "--out", reply,
                         "--json")
    assert code == 0 and json.loads(out)["register_data"] == "0x" + "11223344" * 2
    assert "0x1234" in err


def test_decode_bound_register_with_another_registers_request(capsys) -> None:
    request = _encoded(capsys, "ACCESS_REG:PPCNT", "local_port=1")
    code, out, err = run(capsys, "decode", "ACCESS_REG:MGIR", "--in", request)
    assert code == 2 and out == ""
    assert "MGIR" in err and "0x5008" in err and "PPCNT" in err and "ACCESS_REG:PPCNT" in err
    code, out, err = run(capsys, "decode", "ACCESS_REG:MGIR", "--in", request, "--json")
    assert code == 2 and json.loads(out)["field"] == "register_id"


def test_decode_request_of_another_command_is_reported(capsys) -> None:
    request = _encoded(capsys, "QUERY_ISSI")
    code, _, err = run(capsys, "decode", "QUERY_ADAPTER", "--in", request, "--json")
    assert code == 2 and "0x010a" in err and "QUERY_ISSI" in err and "QUERY_ADAPTER" in err


def test_decode_general_object_reply_follows_obj_type(capsys) -> None:
    request = _encoded(capsys, "QUERY_GENERAL_OBJECT", "obj_type=VIRTIO_Q_COUNTERS", "obj_id=9")
    reply = "00" * 8 + "00000009" + "00" * 4 + "00" * 16 + "0000000000000005" + "00" * 168
    code, out, err = run(capsys, "decode", "QUERY_GENERAL_OBJECT", "--in", request, "--out",
                         reply, "--json")
    assert code == 0, err
    tree = json.loads(out)
    assert tree["obj_id"] == 9
    assert tree["object"]["virtio_q_counters"]["received_desc"] == 5
    code, out, err = run(capsys, "decode", "QUERY_GENERAL_OBJECT", "--out", reply, "--json")
    assert code == 0 and json.loads(out)["object"].startswith("0x") and "obj_type" in err


@pytest.mark.parametrize("argv", [("op_mod=1", "op_mod=2"), ("local_port=1", "local_port=1")])
def test_encode_field_given_twice(capsys, argv: tuple[str, str]) -> None:
    code, _, err = run(capsys, "encode", PPCNT_READ, *argv)
    name = argv[0].split("=")[0]
    assert code == 2 and f"field {name} given twice" in err


def test_describe_says_when_op_mod_is_no_defined_variant(capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    assert main(["describe", "QUERY_HCA_CAP", "--op-mod", "99", "--json"]) == 0
    note = json.loads(capsys.readouterr().out)["op_mod_note"]
    assert note.startswith("op_mod 99 is not a variant QUERY_HCA_CAP defines (1=GENERAL/current")
    assert main(["describe", "QUERY_HCA_CAP", "--op-mod", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["op_mod_note"] is None


def test_describe_never_cuts_a_field_path(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A long path folds onto the next line instead of ending in an ellipsis."""
    import re

    monkeypatch.setenv("COLUMNS", "120")
    assert main(["describe", "QUERY_HCA_CAP"]) == 0
    out = capsys.readouterr().out
    field_cells = [row.split("│")[3] for row in out.splitlines() if row.count("│") >= 7]
    assert field_cells and not [c for c in field_cells if re.search(r"\w…", c)]
    assert any("granularity" in cell for cell in field_cells)

"""Catalogue: commands, scopes (the kernel rule), registers, lookup, search, status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fwctl_tui.decoders import catalogue, input_fields
from fwctl_tui.decoders.mlx5 import docs, register_docs
from fwctl_tui.decoders.mlx5.status import explain_status, explain_syndrome, status_name
from fwctl_tui.facts import facts
from fwctl_tui.uapi import Scope

REQUIRED_REGISTERS = ("PPCNT", "PDDR", "PAOS", "PTYS", "PMLP", "PMTU", "PPLM", "SLTP", "MGIR",
                      "MTMP", "MTCAP", "MCIA", "MCAM", "PCAM", "MNVDA", "MCQS", "MCQI", "MFRL",
                      "MPCNT", "MPEIN", "DTOR", "PMAOS")


def test_94_commands_ordered_by_group_then_name() -> None:
    cmds = catalogue.commands()
    assert len(cmds) == 94
    order = {g: i for i, g in enumerate(catalogue.GROUPS)}
    keys = [(order[c.group], c.name) for c in cmds]
    assert keys == sorted(keys)
    assert {c.group for c in cmds} == set(catalogue.GROUPS)


def test_every_command_has_our_summary_and_a_group() -> None:
    for c in catalogue.commands():
        assert c.name in docs.SUMMARIES, c.name
        assert len(c.summary) > 40
        assert c.group in catalogue.GROUPS


def test_scope_table_equals_the_facts_allow_list() -> None:
    """Opcode by opcode, from the raw facts rather than through allowlist.py."""
    taint_names = {s.removeprefix("FWCTL_RPC_") for s in facts()["scope_rules"]["taints"]}
    rows = facts()["mlx5"]["allow_list"]
    assert len(rows) == len(catalogue.commands())
    for row in rows:
        cmd = catalogue.find(hex(row["opcode"]))
        rule = row.get("op_mod_rule")
        if rule:
            assert cmd.min_scope(0) == Scope(rule["op_mod_0_write_min_scope_value"])
            for op_mod in (1, 2, 0xFFFF):
                assert cmd.min_scope(op_mod) == Scope(rule["op_mod_nonzero_min_scope_value"])
            assert cmd.min_scope_by_op_mod() == {0: Scope(0), 1: Scope(1)}
            assert cmd.is_write(0) and not cmd.is_write(1)
        else:
            for op_mod in (0, 1, 7):
                assert cmd.min_scope(op_mod) == Scope(row["min_scope_value"])
            assert cmd.min_scope_by_op_mod() is None
        assert cmd.taints() == (cmd.min_scope().name in taint_names)
        assert cmd.since == row["since"].split()[0]
        assert cmd.kernel_name == row["opcode_name"]


def test_access_reg_scope_rule() -> None:
    cmd = catalogue.find("ACCESS_REG")
    assert cmd.default_op_mod == 1
    assert cmd.min_scope() == Scope.DEBUG_READ_ONLY
    assert cmd.min_scope(0) == Scope.CONFIGURATION
    assert cmd.op_mods == {0: "write", 1: "read"}
    bound = catalogue.find("ACCESS_REG:PPCNT")
    assert bound.min_scope() == Scope.DEBUG_READ_ONLY and bound.min_scope(0) == Scope.CONFIGURATION


def test_set_diagnostic_params_taints() -> None:
    cmd = catalogue.find("SET_DIAGNOSTIC_PARAMS")
    assert cmd.min_scope() == Scope.DEBUG_WRITE
    assert cmd.taints() and cmd.is_write()


def test_cap_command_variants() -> None:
    cmd = catalogue.find("QUERY_HCA_CAP")
    assert cmd.op_mods[1] == "GENERAL/current" and cmd.op_mods[0] == "GENERAL/max"
    assert cmd.default_op_mod == 1
    assert catalogue.find("SET_HCA_CAP").op_mods[0] == "GENERAL"
    other = catalogue.find("QUERY_OTHER_HCA_CAP")  # no pages: no page variants either
    assert dict(other.op_mods) == {} and other.default_op_mod == 0


@pytest.mark.parametrize("text", ["QUERY_HCA_CAP", "query_hca_cap", "MLX5_CMD_OP_QUERY_HCA_CAP",
                                  "0x100", "256", " 0x0100 "])
def test_find_variants(text: str) -> None:
    assert catalogue.find(text).name == "QUERY_HCA_CAP"


def test_find_register_bound() -> None:
    for text in ("ACCESS_REG:PPCNT", "access_reg:ppcnt", "PPCNT", "0x805:PPCNT",
                 "ACCESS_REG:0x5008", "ACCESS_REG:20488"):
        cmd = catalogue.find(text)
        assert cmd.name == "ACCESS_REG:PPCNT"
        assert cmd.opcode == 0x805 and cmd.default_op_mod == 1
        assert cmd.register is not None and cmd.register.id == 0x5008
    assert catalogue.find("ACCESS_REGISTER_USER:PDDR").opcode == 0xB0C


def test_find_errors_are_helpful() -> None:
    with pytest.raises(LookupError, match="QUERY_HCA_CAP"):
        catalogue.find("QUERY_HCA_CAPS")
    with pytest.raises(LookupError, match="CREATE_QP"):
        catalogue.find("0x500")
    with pytest.raises(LookupError, match="PPCNT"):
        catalogue.find("ACCESS_REG:PPCNTT")
    with pytest.raises(LookupError, match="register"):
        catalogue.find("QUERY_HCA_CAP:PPCNT")


def test_every_register_has_a_real_summary() -> None:
    regs = catalogue.registers()
    written = [r for r in regs if r.name in register_docs.SUMMARIES]
    assert len(written) >= 200
    assert set(register_docs.SUMMARIES) <= {r.name for r in regs}  # no stale entries
    for reg in regs:
        assert "No summary written yet" not in reg.summary, reg.name
        if reg.name not in register_docs.SUMMARIES:  # the neutral line, built from data
            assert reg.summary.startswith(f"Access register {reg.id:#06x}; field layout from")
    for name, text in register_docs.SUMMARIES.items():
        assert text.endswith((".", ")")) and len(text) < 420, name
        assert text.count(". ") <= 4, name


def test_registers_cover_the_required_set_with_index_fields() -> None:
    regs = {r.name: r for r in catalogue.registers()}
    assert len(regs) >= 60
    for name in REQUIRED_REGISTERS:
        reg = regs[name]
        assert name in register_docs.SUMMARIES, name
        assert reg.summary == register_docs.SUMMARIES[name]
        if name not in ("MGIR", "DTOR", "MFRL"):  # device-wide registers
            assert reg.index_fields, name
    assert regs["PPCNT"].index_fields[:2] == ("swid", "local_port")
    assert "grp" in regs["PPCNT"].index_fields
    assert regs["PPCNT"].access["counter_set"] == "RO"
    pages = {p.field: p for p in regs["PDDR"].pages}
    assert pages["page_data"].selector == "page_select"
    assert len(regs["PPCNT"].pages[0].variants) >= 14
    assert {p.selector for p in regs["MPCNT"].pages} == {"grp"}
    assert "configuration_item_header.type" in regs["MNVDA"].index_fields


def test_register_forms_ask_index_fields_first() -> None:
    specs = input_fields(catalogue.find("ACCESS_REG:PPCNT"))
    assert specs[0].path == "op_mod" and specs[0].choices == {"write": 0, "read": 1}
    assert specs[0].default == 1
    index = [s for s in specs if s.access == "INDEX"]
    first_other = next(i for i, s in enumerate(specs[1:], 1) if s.access != "INDEX")
    assert all(specs.index(s) < first_other for s in index)
    paths = {s.path for s in specs}
    assert "opcode" not in paths and "uid" not in paths and "register_id" not in paths
    grp = next(s for s in specs if s.path == "register_data.grp")
    assert grp.kind == "choice" and grp.choices and grp.choices["Physical_Layer_Counters"] == 18
    assert grp.max == 63


def test_cap_form_offers_named_pages() -> None:
    specs = input_fields(catalogue.find("QUERY_HCA_CAP"))
    op_mod = specs[0]
    assert op_mod.path == "op_mod" and op_mod.choices and op_mod.choices["GENERAL/current"] == 1
    assert {s.path for s in specs} >= {"other_function", "function_id"}


def test_commands_without_public_layout_are_still_listed() -> None:
    cmd = catalogue.find("QUERY_UCTX")
    assert not cmd.layout_public
    payload = input_fields(cmd)[-1]
    assert payload.path == "payload" and payload.kind == "bytes"
    assert cmd.in_layout == "mbox_in_generic" and cmd.note and "not public" in cmd.note
    partial = catalogue.find("QUERY_MODIFY_HEADER_CONTEXT")
    assert partial.in_public and not partial.out_public


def test_search_by_name_opcode_register_and_field() -> None:
    hits = catalogue.search("hca_cap")
    assert hits[0].kind == "command" and "HCA_CAP" in hits[0].name
    assert catalogue.search("0x805")[0].command.name == "ACCESS_REG"
    assert catalogue.search("2053")[0].command.name == "ACCESS_REG"
    reg = catalogue.search("ppcnt")[0]
    assert reg.kind == "register" and reg.command.name == "ACCESS_REG:PPCNT"
    assert catalogue.search("0x5008")[0].name == "PPCNT"
    fields = [h for h in catalogue.search("log_max_qp") if h.kind == "field"]
    assert any(h.command.name == "QUERY_HCA_CAP" and h.path and h.path.endswith("log_max_qp")
               for h in fields)
    assert any(h.kind == "field" and h.command.name == "ACCESS_REG:PDDR"
               for h in catalogue.search("page_select"))
    assert catalogue.search("") == []
    assert catalogue.search("zzzz_no_such_thing") == []


def test_status_names_and_explanations() -> None:
    assert status_name(0) == "OK"
    assert status_name(3) == "BAD_PARAM_ERR"
    assert status_name(7) == "NOT_READY"
    assert status_name(0x42).startswith("UNKNOWN")
    for code in (1, 2, 3, 4, 5, 6, 8, 9, 10, 15, 16, 48, 64, 80, 81):
        assert status_name(code) in explain_status(code) or len(explain_status(code)) > 20
    assert "not in the kernel" in explain_status(0x42)
    assert explain_syndrome(0) is None
    assert "0x1234abcd" in (explain_syndrome(0x1234ABCD, 0x100) or "")


def test_decoders_do_not_import_textual_or_devices() -> None:
    code = ("import sys, fwctl_tui.decoders as d; d.catalogue.commands(); "
            "d.catalogue.search('ppcnt'); import fwctl_tui.cli.catalogue; "
            "bad = [m for m in sys.modules if m.startswith(('textual', 'fwctl_tui.ioctl', "
            "'fwctl_tui.discovery', 'fwctl_tui.sim'))]; print(bad)")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, check=True)
    assert json.loads(out.stdout.strip().replace("'", '"')) == []


def test_search_finds_flow_entry_list_fields_by_the_paths_the_decoder_shows() -> None:
    """The destination list is searched through its entry layouts, not the reference's
    union (destinations as dest_format_struct first, the layout of 8-byte entries)."""
    hits = {h.path for h in catalogue.search("destination_type", limit=50)
            if h.command.name == "QUERY_FLOW_TABLE_ENTRY"}
    assert hits == {"flow_context.destination[].dest_format_struct.destination_type"}
    counters = {h.path for h in catalogue.search("flow_counter_id", limit=50)
                if h.command.name == "QUERY_FLOW_TABLE_ENTRY"}
    assert counters == {"flow_context.destination[].flow_counter_list.flow_counter_id"}

"""The generated mlx5 tables agree with ../shared/reference and are up to date."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from fwctl_tui.decoders.mlx5.data import document
from tools.reference import reference_dir

REPO = Path(__file__).resolve().parents[2]
GENERATED = REPO / "fwctl_tui" / "decoders" / "mlx5" / "generated" / "mlx5.json"

try:
    reference_dir()
except FileNotFoundError as missing:
    if os.environ.get("CI"):  # in CI the guarantee must never silently disappear
        pytest.fail(f"CI is set but the reference is missing: {missing}", pytrace=False)
    pytest.skip(str(missing), allow_module_level=True)


@cache
def ref(name: str) -> Any:
    return json.loads((reference_dir() / name).read_text("utf-8"))


def test_generated_file_is_up_to_date(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "tools.gen_mlx5", "--out", str(tmp_path)],
                   cwd=REPO, check=True, capture_output=True)
    fresh = (tmp_path / "mlx5.json").read_bytes()
    assert fresh == GENERATED.read_bytes(), "run `python -m tools.gen_mlx5` and commit the result"


def test_generated_file_is_compact() -> None:
    assert GENERATED.stat().st_size < 3 * 1024 * 1024


def _layouts_in_reference(row: dict[str, Any]) -> tuple[str | None, str | None]:
    ifc = ref("mlx5_ifc.json")
    name = row["opcode_name"]
    entry = ifc["cmd_layouts"].get(name) or ifc["cmd_layouts"].get(
        name.replace("MLX5_CMD_OPCODE_", "MLX5_CMD_OP_")) or {}
    return entry.get("in"), entry.get("out")


def test_every_allow_listed_opcode_is_listed_once() -> None:
    facts = ref("fwctl-facts.json")["mlx5"]["allow_list"]
    cmds = {c["opcode"]: c for c in document()["commands"]}
    assert sorted(cmds) == sorted(r["opcode"] for r in facts)
    assert len(cmds) == 94
    names = [c["name"] for c in document()["commands"]]
    assert len(names) == len(set(names))


def test_commands_with_reference_layouts_get_them() -> None:
    structs = ref("mlx5_ifc.json")["structs"]
    for row in ref("fwctl-facts.json")["mlx5"]["allow_list"]:
        cmd = next(c for c in document()["commands"] if c["opcode"] == row["opcode"])
        lin, lout = _layouts_in_reference(row)
        if lin:
            assert cmd["in"] == lin and cmd["in_public"], cmd["name"]
        if lout and cmd.get("out_by") == "obj_type":
            # the reference's header, extended by the object the request names
            assert cmd["out"] == "query_general_object_out" and lout == GENERAL_HEADER
        elif lout:
            assert cmd["out"] == lout and cmd["out_public"], cmd["name"]
        if not lin and not lout and cmd["layout_source"] != "alias":
            # no layout anywhere: listed with the generic header and a raw payload
            assert (cmd["in"], cmd["out"]) == ("mbox_in_generic", "mbox_out_generic")
            assert not cmd["in_public"] and not cmd["out_public"]
        for layout in (cmd["in"], cmd["out"]):
            assert layout in document()["layouts"]
            assert (layout in structs or layout.startswith("mbox_")
                    or document()["layouts"][layout]["src"] == "composed")


def test_aliased_layouts_come_from_defined_in_or_header() -> None:
    structs = ref("mlx5_ifc.json")["structs"]
    by_name = {c["name"]: c for c in document()["commands"]}
    for name in ("QUERY_DIAGNOSTIC_COUNTERS", "QUERY_DIAGNOSTIC_PARAMS", "SET_DIAGNOSTIC_PARAMS",
                 "FPGA_QUERY_QP", "FPGA_QUERY_QP_COUNTERS"):
        cmd = by_name[name]
        assert cmd["in_public"] and cmd["out_public"]
        assert structs[cmd["out"]].get("defined_in")
    assert by_name["ACCESS_REGISTER_USER"]["in"] == "access_register_in"
    assert by_name["QUERY_GENERAL_OBJECT"]["in"] == "general_obj_in_cmd_hdr"


GENERAL_HEADER = "general_obj_out_cmd_hdr"


def _reference_size(name: str, layout: dict[str, Any]) -> int:
    if layout["src"] == "composed":  # QUERY_GENERAL_OBJECT: header + the largest object
        structs = ref("mlx5_ifc.json")["structs"]
        objects = max(structs[o["member"]]["size_bits"] for o in document()["general_objects"])
        return objects if layout.get("union") else structs[GENERAL_HEADER]["size_bits"] + objects
    if layout["src"] == "ifc":
        return int(ref("mlx5_ifc.json")["structs"][name]["size_bits"])
    if layout["src"] == "reg":
        node = layout.get("node", name)
        return int(ref("mlx5_registers.json")["nodes"][node]["size_bits"])
    hdr = ref("fwctl-facts.json")["mlx5"]["mbox_hdr_size_bytes"]
    return int(hdr["mbox_in_hdr" if name.startswith("mbox_in") else "mbox_out_hdr"]) * 8


def test_every_layout_size_matches_the_reference() -> None:
    for name, layout in document()["layouts"].items():
        assert layout["size"] == _reference_size(name, layout), name


def test_field_offsets_match_the_reference() -> None:
    structs = ref("mlx5_ifc.json")["structs"]
    nodes = ref("mlx5_registers.json")["nodes"]

    def width(f: dict[str, Any]) -> int:
        if f.get("width_bits") is not None:
            return int(f["width_bits"])
        return int(structs[f["type"]]["size_bits"])

    for name, layout in document()["layouts"].items():
        if layout["src"] == "ifc":
            src = {(f["offset_bits"], width(f)) for f in structs[name]["fields"]}
        elif layout["src"] == "reg":
            src = {(f["offset_bits"], f["width_bits"])
                   for f in nodes[layout.get("node", name)]["fields"]}
        else:
            continue
        for f in layout["fields"]:
            assert (f["o"], f["w"]) in src, (name, f["n"])


def test_no_duplicate_names() -> None:
    for name, layout in document()["layouts"].items():
        fields = [f["n"] for f in layout["fields"]]
        assert len(fields) == len(set(fields)), name
        assert all(n and "." not in n and "[" not in n for n in fields), name
    regs = document()["registers"]
    assert len({r["name"] for r in regs}) == len(regs)
    assert len({r["id"] for r in regs}) == len(regs)


def test_struct_fields_do_not_overlap() -> None:
    for name, layout in document()["layouts"].items():
        if layout.get("union"):
            continue
        end = 0
        for f in sorted(layout["fields"], key=lambda f: f["o"]):
            assert f["o"] >= end, (name, f["n"])
            end = f["o"] + f["w"]


def test_register_ids_match_both_references() -> None:
    regs_ref = ref("mlx5_registers.json")["registers"]
    rel = ref("mlx5_ifc.json")["related"]
    kernel = {**rel["reg_ids"]["values"], **rel["reg_ids_newer"]["values"]}
    ids = {r["id"] for r in regs_ref.values()} | set(kernel.values())
    for reg in document()["registers"]:
        assert reg["id"] in ids, reg["name"]
        kname = f"MLX5_REG_{reg['name']}"
        if kname in kernel:
            assert kernel[kname] == reg["id"]


def test_registers_agree_with_the_kernel_header() -> None:
    """Where both sources describe a register, offsets agree except for recorded cases."""
    ifc = ref("mlx5_ifc.json")["structs"]
    checked = 0
    for reg in document()["registers"]:
        check = reg.get("ifc_check")
        if not check:
            continue
        checked += 1
        ifc_fields = {f["name"]: (f["offset_bits"], f["width_bits"])
                      for f in ifc[reg["ifc_layout"]]["fields"] if f["kind"] != "reserved"}
        ours = {f["n"]: (f["o"], f["w"]) for f in document()["layouts"][reg["layout"]]["fields"]}
        recorded = {d[0] for d in check["differ"]} | {o[0] for o in check["only_ifc"]}
        for fname, pos in ifc_fields.items():
            if fname in recorded or fname is None:
                continue
            assert ours.get(fname) == pos, (reg["name"], fname)
        # differences are flexible arrays sized differently, or a handful of known fields
        assert len(check["differ"]) <= 2, reg["name"]
    assert checked >= 50
    for name in ("PPCNT", "PDDR", "PAOS", "PMAOS", "MCAM", "PCAM", "MTMP", "MTCAP", "MPCNT"):
        reg = next(r for r in document()["registers"] if r["name"] == name)
        assert not reg["ifc_check"]["differ"], name


def test_status_codes_come_from_both_sources() -> None:
    facts = ref("fwctl-facts.json")["mlx5"]["cmd_status"]
    related = ref("mlx5_ifc.json")["related"]["cmd_status"]["values"]
    status = document()["status"]
    for table in (facts, related):
        for name, value in table.items():
            assert status[name.removeprefix("MLX5_CMD_STAT_")] == value


@pytest.mark.parametrize("page", ["GENERAL", "GENERAL_2", "ROCE", "FLOW_TABLE", "DEBUG"])
def test_cap_pages_follow_related_cap_type_struct(page: str) -> None:
    rel = ref("mlx5_ifc.json")["related"]
    row = next(p for p in document()["cap_pages"] if p["name"] == page)
    assert row["type"] == rel["cap_types"]["values"][f"MLX5_CAP_{page}"]
    assert row["layout"] == rel["cap_type_struct"]["values"][f"MLX5_CAP_{page}"]


def test_query_other_hca_cap_is_the_reference_struct_without_pages() -> None:
    """other_capability is the plain 640-bit other_hca_cap (roce only), not a page union."""
    structs = ref("mlx5_ifc.json")["structs"]
    cmd = next(c for c in document()["commands"] if c["name"] == "QUERY_OTHER_HCA_CAP")
    assert cmd["op_mods"] == {}
    assert (cmd["in"], cmd["out"]) == ("query_other_hca_cap_in", "query_other_hca_cap_out")
    out = document()["layouts"][cmd["out"]]
    assert out["size"] == structs[cmd["out"]]["size_bits"] == 768
    slot = next(f for f in out["fields"] if f["n"] == "other_capability")
    assert (slot["o"], slot["w"], slot["k"], slot["t"]) == (128, 640, "struct", "other_hca_cap")
    roce = [(f["name"], f["offset_bits"], f["width_bits"])
            for f in structs["other_hca_cap"]["fields"] if f["kind"] != "reserved"]
    assert roce == [("roce", 0, 1)]
    assert [(f["n"], f["o"], f["w"]) for f in document()["layouts"]["other_hca_cap"][
        "fields"]] == roce
    # another function's pages: QUERY_HCA_CAP's own input names the function
    names = {f["name"]: f["offset_bits"] for f in structs["query_hca_cap_in"]["fields"]}
    assert {"other_function", "function_id"} <= set(names)


def test_rqt_list_selector_and_count_point_at_reference_fields() -> None:
    """rqtc's anonymous union of rq_num[] / rq_vhca[]: selected by rq_vhca_id_format and
    counted by rqt_actual_size, at the reference's offsets (our table names them)."""
    structs = ref("mlx5_ifc.json")["structs"]
    rqtc = {f["name"]: f for f in structs["rqtc"]["fields"]}
    union = next(f for f in document()["layouts"]["rqtc"]["fields"]
                 if f["n"] == "rq_num_or_rq_vhca")
    anon = next(f for f in structs["rqtc"]["fields"] if f["kind"] == "union")
    assert (union["o"], union["w"]) == (anon["offset_bits"], 0) == (1920, 0)
    sel, cnt = union["sel"], union["cnt"]
    assert (sel["f"], sel["o"], sel["w"]) == ("rq_vhca_id_format",
                                              rqtc["rq_vhca_id_format"]["offset_bits"], 1)
    assert sel["v"] == {"0": "rq_num", "1": "rq_vhca"}
    assert (cnt["f"], cnt["o"], cnt["w"]) == ("rqt_actual_size",
                                              rqtc["rqt_actual_size"]["offset_bits"], 16)
    members = {m["name"]: m for m in structs[anon["type"]]["fields"]}
    assert set(sel["v"].values()) == set(members)
    assert all(m["flexible"] for m in members.values())


def test_flow_entry_list_flag_counts_and_layouts_point_at_reference_fields() -> None:
    """flow_context.destination: a flexible array of the 128-bit union
    dest_format_flow_counter_list_auto in the reference; our table (kernel knowledge) makes
    it destinations then counters at a stride extended_destination picks."""
    structs = ref("mlx5_ifc.json")["structs"]
    ctx = {f["name"]: f for f in structs["flow_context"]["fields"]}
    declared = ctx["destination"]
    assert (declared["offset_bits"], declared["flexible"], declared["element_width_bits"],
            declared["type"]) == (6144, True, 128, "dest_format_flow_counter_list_auto")
    members = {f["name"]: f["type"] for f in structs[declared["type"]]["fields"]}
    assert members == {"extended_dest_format": "extended_dest_format",
                       "flow_counter_list": "flow_counter_list"}
    out = next(f for f in document()["layouts"]["flow_context"]["fields"]
               if f["n"] == "destination")
    segs = out["segs"]

    def at(name: str) -> tuple[str, int, int]:
        return name, ctx[name]["offset_bits"], ctx[name]["width_bits"]

    flag = segs["flag"]
    assert (flag["f"], flag["o"], flag["w"]) == at("extended_destination") == (
        "extended_destination", 128, 1)
    counts = [(r["cnt"]["f"], r["cnt"]["o"], r["cnt"]["w"]) for r in segs["runs"]]
    assert counts == [at("destination_list_size"), at("flow_counter_list_size")] == [
        ("destination_list_size", 136, 24), ("flow_counter_list_size", 168, 24)]
    assert segs["stride"] == {"0": 64, "1": 128}
    assert [r["m"] for r in segs["runs"]] == [
        {"0": "dest_format_struct", "1": "extended_dest_format"},
        {"0": "flow_counter_list", "1": "flow_counter_list"}]
    for run in segs["runs"]:
        for value, layout in run["m"].items():
            assert structs[layout]["size_bits"] <= segs["stride"][value]
            assert document()["layouts"][layout]["size"] == structs[layout]["size_bits"]
    entry = structs["extended_dest_format"]["fields"][0]
    assert (entry["name"], entry["type"], entry["offset_bits"]) == (
        "destination_entry", "dest_format_struct", 0)


def test_destination_type_labels_are_the_reference_enum_group() -> None:
    group = next(g for g in ref("mlx5_ifc.json")["enum_groups"]
                 if g.get("tag") == "mlx5_ifc_flow_destination_type")
    field = next(f for f in document()["layouts"]["dest_format_struct"]["fields"]
                 if f["n"] == "destination_type")
    labels = document()["enums"][field["e"]]
    assert labels == {k.removeprefix("MLX5_IFC_FLOW_DESTINATION_TYPE_"): v
                      for k, v in group["members"].items()}
    assert labels == {"VPORT": 0, "FLOW_TABLE": 1, "TIR": 2, "FLOW_SAMPLER": 6, "UPLINK": 8,
                      "TABLE_TYPE": 10}


@pytest.mark.parametrize(("entry", "message"), [
    (("extended_destination", {0: 64}, (("destination_list_size",
                                          {0: "extended_dest_format"}),)),
     "does not fit the stride"),
    (("extended_destination", {0: 64, 2: 128}, (("destination_list_size",
                                                  {0: "dest_format_struct"}),)),
     "does not fit extended_destination"),
    (("extended_destination", {0: 64}, (("destination_list_size", {0: "flow_counter_list"}),
                                        ("flow_counter_list_size", {0: "flow_counter_list"}))),
     "two runs share a layout"),
    (("no_such_flag", {0: 64}, (("destination_list_size", {0: "dest_format_struct"}),)),
     "no such number field"),
])
def test_segment_table_mistakes_stop_the_generator(monkeypatch: pytest.MonkeyPatch,
                                                   entry: Any, message: str) -> None:
    from tools import mlx5_builder
    from tools.mlx5_builder import Builder

    monkeypatch.setattr(mlx5_builder, "IFC_SEGMENTS", {("flow_context", "destination"): entry})
    builder = Builder(ref("mlx5_ifc.json"), {"nodes": {}})
    with pytest.raises(SystemExit, match=message):
        builder.add_ifc("flow_context")


def test_general_object_replies_follow_the_reference_query_structs() -> None:
    """Reply = general_obj_out_cmd_hdr + the object the reference's query_*_out ends with."""
    ifc = ref("mlx5_ifc.json")
    structs, enums = ifc["structs"], ifc["enums"]
    layouts = document()["layouts"]
    reply = layouts["query_general_object_out"]
    header = [(f["name"], f["offset_bits"], f["width_bits"])
              for f in structs[GENERAL_HEADER]["fields"] if f["kind"] != "reserved"]
    assert [(f["n"], f["o"], f["w"]) for f in reply["fields"][:-1]] == header
    union = reply["fields"][-1]
    assert (union["n"], union["o"], union["k"]) == ("object", 128, "union")
    members = {m["n"]: m for m in layouts[union["t"]]["fields"]}
    objects = document()["general_objects"]
    assert {o["name"] for o in objects} >= {"VIRTIO_NET_Q", "VIRTIO_Q_COUNTERS", "SAMPLER"}
    for obj in objects:
        query = structs[obj["query"]]
        assert query["fields"][-1]["type"] == obj["member"]
        if not query.get("incomplete"):
            assert query["fields"][-1]["offset_bits"] == 128
        assert members[obj["member"]]["w"] == structs[obj["member"]]["size_bits"]
        names = [k for k, v in enums.items() if v == obj["obj_type"]
                 and k.endswith("_" + obj["name"]) and "HCA_CAP" not in k]
        assert names, obj
    vdpa = [o for o in objects if o["defined_in"]]
    assert {o["name"] for o in vdpa} == {"VIRTIO_NET_Q", "VIRTIO_Q_COUNTERS"}


def test_register_summaries_are_our_own_words() -> None:
    """No summary repeats 8 or more consecutive words of the vendor's descriptions."""
    import re

    from fwctl_tui.decoders import catalogue

    regs = ref("mlx5_registers.json")
    nodes, by_id = regs["nodes"], {r["id"]: r for r in regs["registers"].values()}

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    def vendor_text(node: str, seen: set[str]) -> list[list[str]]:
        if node in seen:
            return []
        seen.add(node)
        out = [words(nodes[node].get("descr") or "")]
        for f in nodes[node]["fields"]:
            out.append(words(f.get("descr") or ""))
            if f.get("subnode"):
                out += vendor_text(f["subnode"], seen)
        return out

    span = 8
    for reg in catalogue.registers():
        if reg.id not in by_id:
            continue
        grams = {tuple(w[i:i + span]) for w in vendor_text(by_id[reg.id]["node"], set())
                 for i in range(len(w) - span + 1)}
        mine = words(reg.summary)
        copied = [" ".join(mine[i:i + span]) for i in range(len(mine) - span + 1)
                  if tuple(mine[i:i + span]) in grams]
        assert not copied, (reg.name, copied[0])

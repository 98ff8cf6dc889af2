"""Generate the mlx5 catalogue data file from ../shared/reference (`python -m tools.gen_mlx5`).

Reads fwctl-facts.json (allow-list, mailbox headers, status codes), mlx5_ifc.json (command
layouts, capability pages, enums) and mlx5_registers.json (access registers with access
flags, enums and pages) and writes one compact JSON file holding only what the catalogue
reaches. Every number comes from those files; the small tables below are our own
knowledge of *which* reference entries belong together (aliases, selectors, enum prefixes).
Vendor prose (`descr`) is never copied: help text lives in fwctl_tui/decoders/mlx5/docs.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from tools.reference import REPO_ROOT, reference_dir

OUT_DIR = REPO_ROOT / "fwctl_tui" / "decoders" / "mlx5" / "generated"
OUT_NAME = "mlx5.json"
SCHEMA = 1

# Commands whose layouts the reference has under another name (cmd_layouts has no entry).
LAYOUT_ALIASES: dict[str, tuple[str | None, str | None]] = {
    "QUERY_OTHER_HCA_CAP": ("query_other_hca_cap_in", "query_other_hca_cap_out"),
    "FPGA_QUERY_QP": ("fpga_query_qp_in", "fpga_query_qp_out"),
    "FPGA_QUERY_QP_COUNTERS": ("fpga_query_qp_counters_in", "fpga_query_qp_counters_out"),
    "QUERY_DIAGNOSTIC_COUNTERS": ("query_diagnostic_cntrs_in", "query_diagnostic_cntrs_out"),
    "QUERY_DIAGNOSTIC_PARAMS": ("query_diagnostic_params_in", "query_diagnostic_params_out"),
    "SET_DIAGNOSTIC_PARAMS": ("set_diagnostic_params_in", "set_diagnostic_params_out"),
    "ACCESS_REGISTER_USER": ("access_register_in", "access_register_out"),
}

# op_mod variants named by an enum prefix of mlx5_ifc.json (the capability commands and
# the register commands are built from related.cap_types / facts reg_access_op instead).
OP_MOD_ENUMS: dict[str, str] = {
    "QUERY_PAGES": "MLX5_QUERY_PAGES_IN_OP_MOD_",
    "QUERY_VPORT_STATE": "MLX5_VPORT_STATE_OP_MOD_",
    "QUERY_VNIC_ENV": "MLX5_QUERY_VNIC_ENV_IN_OP_MOD_",
    "QUERY_VPORT_COUNTER": "MLX5_QUERY_VPORT_COUNTER_IN_OP_MOD_",
}
CAP_QUERY_COMMANDS = ("QUERY_HCA_CAP", "QUERY_OTHER_HCA_CAP")
REGISTER_COMMANDS = ("ACCESS_REG", "ACCESS_REGISTER_USER")

# Enum labels for mlx5_ifc fields: (struct, field) -> enum name prefix in mlx5_ifc.json.
FIELD_ENUMS: dict[tuple[str, str], str] = {
    ("cmd_hca_cap", "port_type"): "MLX5_CAP_PORT_TYPE_",
    ("cmd_hca_cap", "cmdif_checksum"): "MLX5_CMD_HCA_CAP_CMDIF_CHECKSUM_",
    ("cmd_hca_cap", "gid_table_size"): "MLX5_CMD_HCA_CAP_GID_TABLE_SIZE_",
    ("cmd_hca_cap", "pkey_table_size"): "MLX5_CMD_HCA_CAP_PKEY_TABLE_SIZE_",
    ("cmd_hca_cap", "umr_fence"): "MLX5_CAP_UMR_FENCE_",
    ("qpc", "state"): "MLX5_QPC_STATE_",
    ("qpc", "st"): "MLX5_QPC_ST_",
    ("qpc", "pm_state"): "MLX5_QPC_PM_STATE_",
    ("qpc", "mtu"): "MLX5_QPC_MTU_",
    ("sqc", "state"): "MLX5_SQC_STATE_",
    ("rqc", "state"): "MLX5_RQC_STATE_",
    ("rqc", "mem_rq_type"): "MLX5_RQC_MEM_RQ_TYPE_",
    ("rmpc", "state"): "MLX5_RMPC_STATE_",
    ("srqc", "state"): "MLX5_SRQC_STATE_",
    ("xrc_srqc", "state"): "MLX5_XRC_SRQC_STATE_",
    ("xrqc", "state"): "MLX5_XRQC_STATE_",
    ("xrqc", "topology"): "MLX5_XRQC_TOPOLOGY_",
    ("cqc", "status"): "MLX5_CQC_STATUS_",
    ("cqc", "cqe_sz"): "MLX5_CQC_CQE_SZ_",
    ("cqc", "st"): "MLX5_CQC_ST_",
    ("eqc", "status"): "MLX5_EQC_STATUS_",
    ("eqc", "st"): "MLX5_EQC_ST_",
    ("dctc", "state"): "MLX5_DCTC_STATE_",
    ("dctc", "mtu"): "MLX5_DCTC_MTU_",
    ("tirc", "disp_type"): "MLX5_TIRC_DISP_TYPE_",
    ("tirc", "rx_hash_fn"): "MLX5_RX_HASH_FN_",
    ("wq", "wq_type"): "MLX5_WQ_WQ_TYPE_",
    ("scheduling_context", "element_type"): "SCHEDULING_CONTEXT_ELEMENT_TYPE_",
    ("tsar_element", "tsar_type"): "TSAR_ELEMENT_TSAR_TYPE_",
    ("query_vport_state_out", "state"): "MLX5_QUERY_VPORT_STATE_OUT_STATE_",
    ("query_vport_state_out", "admin_state"): "MLX5_QUERY_VPORT_STATE_OUT_STATE_",
    ("general_obj_in_cmd_hdr", "obj_type"): "MLX5_OBJ_TYPE_",
    ("query_flow_table_in", "table_type"): "MLX5_FLOW_TABLE_TYPE_",
    ("query_flow_group_in", "table_type"): "MLX5_FLOW_TABLE_TYPE_",
    ("query_fte_in", "table_type"): "MLX5_FLOW_TABLE_TYPE_",
    ("flow_table_context", "table_miss_action"): "MLX5_FLOW_TABLE_MISS_ACTION_",
    ("mfrl_reg", "reset_state"): "MLX5_MFRL_REG_RESET_STATE_",
    ("mtctr_reg", "first_clock_timestamp_request"): "MLX5_MTCTR_REQUEST_",
    ("mtctr_reg", "second_clock_timestamp_request"): "MLX5_MTCTR_REQUEST_",
}

IP_VERSION_MEMBERS = {"4": "ipv4_layout", "6": "ipv6_layout"}  # IP version numbers

# Unions in mlx5_ifc.json chosen by a sibling field: (struct, union field) ->
# (selector field, {selector value: member}). Values are enum members or protocol numbers.
IFC_SELECTORS: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("scheduling_context", "element_attributes"): (
        "element_type",
        {
            "SCHEDULING_CONTEXT_ELEMENT_TYPE_TSAR": "tsar",
            "SCHEDULING_CONTEXT_ELEMENT_TYPE_VPORT": "vport",
            "SCHEDULING_CONTEXT_ELEMENT_TYPE_VPORT_TC": "vport_tc",
        },
    ),
    ("fte_match_set_lyr_2_4", "src_ipv4_src_ipv6"): ("ip_version", IP_VERSION_MEMBERS),
    ("fte_match_set_lyr_2_4", "dst_ipv4_dst_ipv6"): ("ip_version", IP_VERSION_MEMBERS),
}

MBOX_IN = "mbox_in_generic"
MBOX_OUT = "mbox_out_generic"
RAW_PAYLOAD_BIT = 64  # bytes 8.. of a mailbox without a public layout are shown raw


def _load(name: str) -> Any:
    return json.loads((reference_dir() / name).read_text("utf-8"))


def _short(name: str) -> str:
    return name.removeprefix("MLX5_CMD_OPCODE_").removeprefix("MLX5_CMD_OP_")


class Builder:
    """Collects the reachable layouts and enums in the generic table format."""

    def __init__(self, ifc: dict[str, Any], regs: dict[str, Any]) -> None:
        self.ifc = ifc
        self.structs: dict[str, Any] = ifc["structs"]
        self.nodes: dict[str, Any] = regs["nodes"]
        self.layouts: dict[str, Any] = {}
        self.enums: dict[str, dict[str, int]] = {}
        self._enum_ids: dict[tuple[tuple[str, int], ...], str] = {}

    # -- enums -------------------------------------------------------------------------
    def enum(self, members: dict[str, int], hint: str) -> str:
        key = tuple(sorted(members.items(), key=lambda kv: (kv[1], kv[0])))
        if key not in self._enum_ids:
            name = hint
            while name in self.enums:
                name += "_"
            self._enum_ids[key] = name
            self.enums[name] = dict(key)
        return self._enum_ids[key]

    def ifc_enum(self, prefix: str) -> dict[str, int]:
        found = {k.removeprefix(prefix): v for k, v in self.ifc["enums"].items()
                 if k.startswith(prefix)}
        if not found:
            raise SystemExit(f"no mlx5_ifc enum with prefix {prefix}")
        return found

    # -- mlx5_ifc structs --------------------------------------------------------------
    def add_ifc(self, name: str) -> str:
        if name in self.layouts:
            return name
        if name not in self.structs:
            raise KeyError(name)
        src = self.structs[name]
        entry: dict[str, Any] = {"size": src["size_bits"], "src": "ifc"}
        if src.get("union"):
            entry["union"] = 1
        self.layouts[name] = entry  # placeholder first: structs may recurse
        fields = []
        for f in src["fields"]:
            conv = self._ifc_field(name, f)
            if conv is not None:
                fields.append(conv)
        entry["fields"] = fields
        return name

    def _ifc_width(self, f: dict[str, Any]) -> int:
        if f.get("width_bits") is not None:
            return int(f["width_bits"])
        return int(self.structs[f["type"]]["size_bits"])

    def _ifc_field(self, parent: str, f: dict[str, Any]) -> dict[str, Any] | None:
        kind = f["kind"]
        if kind == "reserved":
            return None
        name = f["name"]
        if name is None:  # anonymous union: name it after its members
            name = "_or_".join(m["name"] for m in self.structs[f["type"]]["fields"]
                               if m["kind"] != "reserved")
        out: dict[str, Any] = {"n": name, "o": f["offset_bits"], "w": self._ifc_width(f)}
        if kind == "bits":
            out["k"] = "int"
            prefix = FIELD_ENUMS.get((parent, name))
            if prefix:
                hint = prefix.removeprefix("MLX5_").rstrip("_")
                out["e"] = self.enum(self.ifc_enum(prefix), hint)
        elif kind in ("struct", "union"):
            target = self.structs.get(f["type"])
            if target is None:
                return None  # type defined nowhere in the reference (e.g. a missing cap page)
            is_union = kind == "union" or bool(target.get("union"))
            out["k"] = "union" if is_union else "struct"
            out["t"] = self.add_ifc(f["type"])
            sel = IFC_SELECTORS.get((parent, name))
            if sel:
                out["sel"] = self._ifc_selector(parent, sel)
        elif kind == "array":
            out["k"] = "array"
            out["c"] = f.get("count") or 0
            out["ew"] = f["element_width_bits"]
            if f.get("flexible"):
                out["flex"] = 1
            if f.get("element_kind") in ("struct", "union"):
                if f.get("type") not in self.structs:
                    return None
                out["et"] = self.add_ifc(f["type"])
                if f["element_kind"] == "union" or self.structs[f["type"]].get("union"):
                    out["eu"] = 1
        else:
            raise SystemExit(f"unknown field kind {kind} in {parent}")
        return out

    def _ifc_selector(self, parent: str, sel: tuple[str, dict[str, str]]) -> dict[str, Any]:
        field_name, mapping = sel
        field = next(f for f in self.structs[parent]["fields"] if f["name"] == field_name)
        values: dict[str, str] = {}
        for key, member in mapping.items():
            value = self.ifc["enums"][key] if key in self.ifc["enums"] else int(key)
            values[str(value)] = member
        return {"f": field_name, "o": field["offset_bits"], "w": field["width_bits"], "v": values}

    # -- mlx5_registers nodes ----------------------------------------------------------
    def add_node(self, node_name: str) -> str:
        # a register node named like an mlx5_ifc struct (only `uint64`) gets a prefix
        name = f"reg_{node_name}" if node_name in self.structs else node_name
        if name in self.layouts:
            return name
        node = self.nodes[node_name]
        entry: dict[str, Any] = {"size": node["size_bits"], "src": "reg"}
        if node_name != name:
            entry["node"] = node_name
        if node["is_union"]:
            entry["union"] = 1
        self.layouts[name] = entry
        entry["fields"] = [self._node_field(node, f) for f in node["fields"]]
        return name

    def _node_field(self, parent: dict[str, Any], f: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"n": f["name"], "o": f["offset_bits"], "w": f["width_bits"]}
        if f.get("access"):
            out["a"] = f["access"]
        arr, sub = f.get("array"), f.get("subnode")
        if arr:
            out["k"] = "array"
            out["ew"] = arr["element_bits"]
            out["c"] = arr["count"] or 0
            if arr["dynamic"]:
                out["c"], out["flex"] = 0, 1
            if sub:
                out["et"] = self.add_node(sub)
                if self.nodes[sub]["is_union"]:
                    out["eu"] = 1
        elif sub:
            target = self.nodes[sub]
            out["t"] = self.add_node(sub)
            out["k"] = "union" if target["is_union"] else "struct"
            if f.get("selector_field") and f["selector_field"].get("offset_bits") is not None:
                out["sel"] = self._node_selector(f, target)
            elif target["is_conditional"]:
                out["cond"] = [[m["name"], _condition(m.get("condition") or "", parent)]
                               for m in target["fields"]]
        else:
            out["k"] = "int"
        if f.get("enum") and out["k"] in ("int", "array"):
            out["e"] = self.enum(f["enum"], f["name"])
        return out

    @staticmethod
    def _node_selector(f: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
        sf = f["selector_field"]
        values = {str(m["selector_value"]): m["name"] for m in target["fields"]
                  if m.get("selector_value") is not None}
        return {"f": sf["path"].removeprefix("$(parent)."), "o": sf["offset_bits"],
                "w": sf["width_bits"], "v": values}


_TOKEN = re.compile(r"\$\(parent\)\.[A-Za-z0-9_.]+|==|\|\||&&|[()|&]|[A-Za-z0-9_.]+")


def _condition(text: str, parent: dict[str, Any]) -> Any:
    """Turn a register page condition into a small AST over parent-relative bit ranges.

    Grammar: expr = term (OR term)*, term = factor (AND factor)*, factor = (expr) | ref == name.
    A reference or value we cannot resolve makes that comparison false.
    """
    tokens = _TOKEN.findall(text)
    pos = 0
    fields = {f["name"]: f for f in parent["fields"]}

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def expr() -> Any:
        parts = [term()]
        while peek() in ("|", "||", "OR"):
            take()
            parts.append(term())
        return parts[0] if len(parts) == 1 else ["or", *parts]

    def term() -> Any:
        parts = [factor()]
        while peek() in ("AND", "&&", "&"):
            take()
            parts.append(factor())
        return parts[0] if len(parts) == 1 else ["and", *parts]

    def factor() -> Any:
        tok = take()
        if tok == "(":
            inner = expr()
            if peek() == ")":
                take()
            return inner
        ref = tok.removeprefix("$(parent).")
        if peek() != "==":
            return ["false"]
        take()
        label = take()
        field = fields.get(ref)
        if field is None:
            return ["false"]
        enum = field.get("enum") or {}
        if label in enum:
            value = enum[label]
        elif label.isdigit():
            value = int(label)
        else:
            return ["false"]
        return ["eq", field["offset_bits"], field["width_bits"], value]

    if not tokens:
        return ["false"]
    try:
        return expr()
    except IndexError:
        return ["false"]


def _mbox_layouts(facts: dict[str, Any]) -> dict[str, Any]:
    """Generic mailbox layouts (header fields from the facts, the rest as a raw payload)."""
    mlx5 = facts["mlx5"]

    def header(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"n": r["name"], "o": r["bit_offset"], "w": r["bit_size"], "k": "int"}
                for r in rows
                if not r["name"].startswith("reserved") and r["bit_offset"] < RAW_PAYLOAD_BIT]

    size_in = mlx5["mbox_hdr_size_bytes"]["mbox_in_hdr"] * 8
    size_out = mlx5["mbox_hdr_size_bytes"]["mbox_out_hdr"] * 8
    raw = {"n": "payload", "o": RAW_PAYLOAD_BIT, "w": 0, "k": "raw"}
    return {
        MBOX_IN: {"size": size_in, "src": "facts", "fields": [*header(mlx5["mbox_in_hdr"]), raw]},
        MBOX_OUT: {"size": size_out, "src": "facts",
                   "fields": [*header(mlx5["mbox_out_hdr"]), dict(raw)]},
    }


def _cap_pages(ifc: dict[str, Any]) -> list[dict[str, Any]]:
    rel = ifc["related"]
    structs = rel["cap_type_struct"]["values"]
    members = {f["type"]: f["name"] for f in ifc["structs"]["hca_cap_union"]["fields"]
               if f["kind"] != "reserved"}
    pages = []
    for key, value in rel["cap_types"]["values"].items():
        short = key.removeprefix("MLX5_CAP_")
        if short == "NUM" or short.startswith("RESERVED"):
            continue
        layout = structs.get(key)
        if layout not in ifc["structs"]:
            layout = None
        pages.append({"type": value, "name": short, "layout": layout,
                      "member": members.get(layout, layout) if layout else None})
    return sorted(pages, key=lambda p: p["type"])


def _op_mods(name: str, ifc: dict[str, Any], facts: dict[str, Any],
             pages: list[dict[str, Any]]) -> dict[str, str]:
    """Named op_mod variants of a command: {str(op_mod): name}."""
    rel = ifc["related"]
    modes = rel["cap_mode"]["values"]
    if name in CAP_QUERY_COMMANDS:
        cur, top = modes["HCA_CAP_OPMOD_GET_CUR"], modes["HCA_CAP_OPMOD_GET_MAX"]
        out = {}
        for page in pages:
            out[str((page["type"] << 1) | cur)] = f"{page['name']}/current"
            out[str((page["type"] << 1) | top)] = f"{page['name']}/max"
        return out
    if name == "SET_HCA_CAP":
        return {str(page["type"] << 1): page["name"] for page in pages}
    if name in REGISTER_COMMANDS:
        ops = facts["mlx5"]["reg_access_op"]
        ordered = sorted(ops.items(), key=lambda kv: kv[1])
        return {str(v): k.rsplit("_", 1)[-1].lower() for k, v in ordered}
    prefix = OP_MOD_ENUMS.get(name)
    if prefix:
        found = {k.removeprefix(prefix): v for k, v in ifc["enums"].items() if k.startswith(prefix)}
        return {str(v): k for k, v in sorted(found.items(), key=lambda kv: kv[1])}
    return {}


def _layouts_for(name: str, kernel_name: str, ifc: dict[str, Any]) -> tuple[Any, Any, str | None]:
    entry = ifc["cmd_layouts"].get(kernel_name) or ifc["cmd_layouts"].get(
        "MLX5_CMD_OP_" + _short(kernel_name)) or {}
    lin, lout = entry.get("in"), entry.get("out")
    how = entry.get("matched_by") if (lin or lout) else None
    if name in LAYOUT_ALIASES and not (lin or lout):
        lin, lout = LAYOUT_ALIASES[name]
        how = "alias"
    for layout in (lin, lout):
        if layout is not None and layout not in ifc["structs"]:
            raise SystemExit(f"{name}: layout {layout} is not in mlx5_ifc.json")
    return lin, lout, how


def _registers(b: Builder, ifc: dict[str, Any], regs: dict[str, Any]) -> list[dict[str, Any]]:
    rel = ifc["related"]
    kernel_ids = {**rel["reg_ids"]["values"], **rel["reg_ids_newer"]["values"]}
    kernel_by_id = {v: k.removeprefix("MLX5_REG_") for k, v in kernel_ids.items()}
    ifc_layout_by_id = {kernel_ids[k]: v for k, v in ifc["reg_layouts"].items()
                        if v and k in kernel_ids}
    out = []
    seen_ids = set()
    for adb_name, reg in regs["registers"].items():
        rid = reg["id"]
        seen_ids.add(rid)
        name = kernel_by_id.get(rid, adb_name.upper())
        layout = b.add_node(reg["node"])
        entry: dict[str, Any] = {"name": name, "id": rid, "layout": layout, "source": "registers",
                                 "aliases": sorted({adb_name, adb_name.upper()} - {name})}
        ifc_layout = ifc_layout_by_id.get(rid)
        if ifc_layout:
            entry["ifc_layout"] = ifc_layout
            entry["ifc_check"] = _agree(b, layout, ifc["structs"][ifc_layout])
        out.append(entry)
    for rid, ifc_layout in sorted(ifc_layout_by_id.items()):
        if rid in seen_ids:
            continue
        out.append({"name": kernel_by_id[rid], "id": rid, "layout": b.add_ifc(ifc_layout),
                    "source": "ifc", "aliases": [], "ifc_layout": ifc_layout})
    names = [r["name"] for r in out]
    if len(names) != len(set(names)):
        raise SystemExit("duplicate register names")
    return sorted(out, key=lambda r: r["name"])


def _agree(b: Builder, layout: str, ifc_struct: dict[str, Any]) -> dict[str, Any]:
    """Compare a register node with the kernel's layout; adopt kernel names on exact overlap."""
    fields = b.layouts[layout]["fields"]
    by_name = {f["n"]: f for f in fields}
    by_pos = {(f["o"], f["w"]): f for f in fields}
    same, renamed, differ, only_ifc = 0, [], [], []
    for kf in ifc_struct["fields"]:
        if kf["kind"] == "reserved" or kf["name"] is None:
            continue
        kname, pos = kf["name"], (kf["offset_bits"], kf["width_bits"])
        if kname in by_name:
            f = by_name[kname]
            if (f["o"], f["w"]) == pos:
                same += 1
            else:
                differ.append([kname, *pos, f["o"], f["w"]])
        elif pos in by_pos and by_pos[pos]["n"] not in {x["name"] for x in ifc_struct["fields"]}:
            f = by_pos[pos]
            renamed.append([kname, f["n"]])
            f["n"] = kname
            by_name[kname] = f
        else:
            only_ifc.append([kname, *pos])
    new_names = {old: new for new, old in renamed}
    for f in fields:
        if "sel" in f and f["sel"]["f"] in new_names:
            f["sel"]["f"] = new_names[f["sel"]["f"]]
    return {"same": same, "renamed": renamed, "differ": differ, "only_ifc": only_ifc}


def build() -> dict[str, Any]:
    """The whole generated document, deterministic for a given reference."""
    facts = _load("fwctl-facts.json")
    ifc = _load("mlx5_ifc.json")
    regs = _load("mlx5_registers.json")
    b = Builder(ifc, regs)
    b.layouts.update(_mbox_layouts(facts))
    pages = _cap_pages(ifc)
    for page in pages:
        if page["layout"]:
            b.add_ifc(page["layout"])
    b.add_ifc("hca_cap_union")

    status = {**facts["mlx5"]["cmd_status"], **ifc["related"]["cmd_status"]["values"]}
    status_short = {k.removeprefix("MLX5_CMD_STAT_"): v
                    for k, v in sorted(status.items(), key=lambda kv: kv[1])}
    status_enum = b.enum(status_short, "CMD_STAT")

    commands = []
    for row in facts["mlx5"]["allow_list"]:
        name = _short(row["opcode_name"])
        lin, lout, how = _layouts_for(name, row["opcode_name"], ifc)
        op_mods = _op_mods(name, ifc, facts, pages)
        cmd: dict[str, Any] = {
            "name": name, "opcode": row["opcode"], "kernel_name": row["opcode_name"],
            "allow_group": row["group"], "since": row["since"].split()[0],
            "in": b.add_ifc(lin) if lin else MBOX_IN,
            "out": b.add_ifc(lout) if lout else MBOX_OUT,
            "in_public": lin is not None, "out_public": lout is not None,
            "layout_source": how, "op_mods": op_mods,
        }
        src = ifc["structs"].get(lin or "", {}).get("defined_in") or \
            ifc["structs"].get(lout or "", {}).get("defined_in")
        if src:
            cmd["defined_in"] = src
        commands.append(cmd)
    _bind_command_enums(b, commands, status_enum)

    registers = _registers(b, ifc, regs)
    opcode_names = {str(v): _short(k) for k, v in ifc["cmd_opcodes"].items()}
    opcode_names.update({str(r["opcode"]): _short(r["opcode_name"])
                         for r in facts["mlx5"]["allow_list"]})
    return {
        "schema": SCHEMA,
        "sources": {
            "mlx5_ifc": ifc["source"], "mlx5_registers": regs["source"],
            "cap_types": ifc["related"]["cap_types"]["source"],
        },
        "commands": sorted(commands, key=lambda c: c["opcode"]),
        "cap_pages": pages,
        "cap_mode": ifc["related"]["cap_mode"]["values"],
        "registers": registers,
        "status": status_short,
        "opcode_names": dict(sorted(opcode_names.items(), key=lambda kv: int(kv[0]))),
        "enums": dict(sorted(b.enums.items())),
        "layouts": dict(sorted(b.layouts.items())),
    }


def _bind_command_enums(b: Builder, commands: list[dict[str, Any]], status_enum: str) -> None:
    """Label `status` in replies and `op_mod` in inputs whose variants every user agrees on."""
    op_mods_by_layout: dict[str, list[dict[str, str]]] = {}
    for cmd in commands:
        op_mods_by_layout.setdefault(cmd["in"], []).append(cmd["op_mods"])
        for f in b.layouts[cmd["out"]]["fields"]:
            if f["n"] == "status" and f["o"] == 0 and f["k"] == "int":
                f["e"] = status_enum
    for layout, variants in op_mods_by_layout.items():
        if not variants[0] or any(v != variants[0] for v in variants):
            continue
        members = {label: int(value) for value, label in variants[0].items()}
        for f in b.layouts[layout]["fields"]:
            if f["n"] == "op_mod" and f["k"] == "int":
                f["e"] = b.enum(members, f"op_mod_{layout}")


def render(doc: dict[str, Any]) -> str:
    """Stable, diff-friendly JSON: one line per layout, enum, command and register."""
    lines = ["{"]
    keys = list(doc)
    for i, key in enumerate(keys):
        value = doc[key]
        comma = "," if i < len(keys) - 1 else ""
        if isinstance(value, dict) and key in ("layouts", "enums", "opcode_names", "status"):
            items = [f"  {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}"
                     for k, v in value.items()]
            lines.append(f"{json.dumps(key)}: {{\n" + ",\n".join(items) + f"\n}}{comma}")
        elif isinstance(value, list):
            items = [f"  {json.dumps(v, separators=(',', ':'))}" for v in value]
            lines.append(f"{json.dumps(key)}: [\n" + ",\n".join(items) + f"\n]{comma}")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, separators=(',', ':'))}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / OUT_NAME
    target.write_text(render(build()), "utf-8")
    shown = target.relative_to(REPO_ROOT) if target.is_relative_to(REPO_ROOT) else target
    print(f"wrote {shown} ({target.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()

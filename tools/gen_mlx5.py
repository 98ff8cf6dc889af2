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
from pathlib import Path
from typing import Any

from fwctl_tui.allowlist import short_name
from tools.mlx5_builder import Builder, load_reference
from tools.mlx5_tables import (
    CAP_QUERY_COMMANDS,
    GENERAL_OBJECT_COMMAND,
    GENERAL_OBJECT_HEADER,
    GENERAL_OBJECT_QUERIES,
    GENERAL_OBJECT_REPLY,
    LAYOUT_ALIASES,
    MBOX_IN,
    MBOX_OUT,
    OBJ_TYPE_PREFIXES,
    OP_MOD_ENUMS,
    RAW_PAYLOAD_BIT,
    REGISTER_COMMANDS,
)
from tools.reference import REPO_ROOT

OUT_DIR = REPO_ROOT / "fwctl_tui" / "decoders" / "mlx5" / "generated"
OUT_NAME = "mlx5.json"
SCHEMA = 1

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
        "MLX5_CMD_OP_" + short_name(kernel_name)) or {}
    lin, lout = entry.get("in"), entry.get("out")
    how = entry.get("matched_by") if (lin or lout) else None
    if name in LAYOUT_ALIASES and not (lin or lout):
        lin, lout = LAYOUT_ALIASES[name]
        how = "alias"
    for layout in (lin, lout):
        if layout is not None and layout not in ifc["structs"]:
            raise SystemExit(f"{name}: layout {layout} is not in mlx5_ifc.json")
    return lin, lout, how


def _general_objects(b: Builder, ifc: dict[str, Any]) -> list[dict[str, Any]]:
    """The QUERY_GENERAL_OBJECT reply layout and its obj_type -> object table.

    Each query struct in the reference is the common header followed by the object; the
    reply layout is that header plus a union of the objects. Two vDPA query structs are
    marked incomplete in the reference (their header's width was not resolved, so both
    fields show offset 0); their object then starts right after the header, as every
    other query struct's does, which the checks below confirm for the complete ones.
    """
    structs = ifc["structs"]
    header_bits = structs[GENERAL_OBJECT_HEADER]["size_bits"]
    members, objects = [], []
    for enum_key, query in GENERAL_OBJECT_QUERIES.items():
        src = structs[query]
        head, obj = src["fields"][0], src["fields"][-1]
        if len(src["fields"]) != 2 or structs[head["type"]]["size_bits"] != header_bits:
            raise SystemExit(f"{query}: expected a {header_bits}-bit header and an object")
        offset = header_bits if src.get("incomplete") else obj["offset_bits"]
        size = structs[obj["type"]]["size_bits"]
        if offset != header_bits or src["size_bits"] not in (size, header_bits + size):
            raise SystemExit(f"{query}: the object does not follow the header")
        members.append({"n": obj["type"], "o": 0, "w": size, "k": "struct",
                        "t": b.add_ifc(obj["type"])})
        short = next(enum_key.removeprefix(p) for p in OBJ_TYPE_PREFIXES
                     if enum_key.startswith(p))
        objects.append({"obj_type": ifc["enums"][enum_key], "name": short,
                        "member": obj["type"], "query": query,
                        "defined_in": src.get("defined_in")})
    union = f"{GENERAL_OBJECT_REPLY}__object"
    width = max(m["w"] for m in members)
    b.layouts[union] = {"size": width, "src": "composed", "union": 1, "fields": members}
    b.layouts[GENERAL_OBJECT_REPLY] = {
        "size": header_bits + width, "src": "composed",
        "fields": [*b.ifc_fields(GENERAL_OBJECT_HEADER),
                   {"n": "object", "o": header_bits, "w": width, "k": "union", "t": union}],
    }
    return sorted(objects, key=lambda o: o["obj_type"])


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
    facts = load_reference("fwctl-facts.json")
    ifc = load_reference("mlx5_ifc.json")
    regs = load_reference("mlx5_registers.json")
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

    general_objects = _general_objects(b, ifc)
    commands = []
    for row in facts["mlx5"]["allow_list"]:
        name = short_name(row["opcode_name"])
        lin, lout, how = _layouts_for(name, row["opcode_name"], ifc)
        op_mods = _op_mods(name, ifc, facts, pages)
        by_obj_type = name == GENERAL_OBJECT_COMMAND and lout == GENERAL_OBJECT_HEADER
        cmd: dict[str, Any] = {
            "name": name, "opcode": row["opcode"], "kernel_name": row["opcode_name"],
            "allow_group": row["group"], "since": row["since"].split()[0],
            "in": b.add_ifc(lin) if lin else MBOX_IN,
            "out": GENERAL_OBJECT_REPLY if by_obj_type else b.add_ifc(lout) if lout else MBOX_OUT,
            "in_public": lin is not None, "out_public": lout is not None,
            "layout_source": how, "op_mods": op_mods,
        }
        src = ifc["structs"].get(lin or "", {}).get("defined_in") or \
            ifc["structs"].get(lout or "", {}).get("defined_in")
        if src:
            cmd["defined_in"] = src
        if by_obj_type:
            cmd["out_by"] = "obj_type"  # the reply's `object` union: see general_objects
        commands.append(cmd)
    _bind_command_enums(b, commands, status_enum)

    registers = _registers(b, ifc, regs)
    b.check_tables()
    opcode_names = {str(v): short_name(k) for k, v in ifc["cmd_opcodes"].items()}
    opcode_names.update({str(r["opcode"]): short_name(r["opcode_name"])
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
        "general_objects": general_objects,
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

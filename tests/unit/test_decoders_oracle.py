"""An independent oracle: construct BitStructs built from the same generated field tables.

The oracle walks the raw JSON tables itself (not layout.py or plan.py), resolves unions the
way the catalogue documents (context, selector field, condition, single member; a union of
flexible arrays by its selector), caps flexible arrays at their count field, lays out a
segmented list run by run at the stride its flag field picks, builds a
flat BitStruct of Padding + BitsInteger for the resulting leaves and parses the buffer with
construct. Every leaf our decoder produces must match it, path for path, value for value.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Any

import construct as cs

from fwctl_tui.decoders import catalogue, decode_layout, iter_leaves
from fwctl_tui.decoders.mlx5.data import document
from fwctl_tui.decoders.plan import compile_plan

Leaves = dict[str, tuple[int, int]]


@cache
def bit_reader(offset: int, width: int, total: int) -> cs.Construct:
    return cs.BitStruct(cs.Padding(offset), "v" / cs.BitsInteger(width),
                        cs.Padding(total - offset - width))


def read(data: bytes, offset: int, width: int) -> int | None:
    total = len(data) * 8
    if width <= 0 or offset + width > total:
        return None
    value: int = bit_reader(offset, width, total).parse(data).v
    return value


def holds(ast: list[Any], data: bytes, base: int) -> bool:
    op = ast[0]
    if op == "eq":
        return read(data, base + ast[1], ast[2]) == ast[3]
    if op == "or":
        return any(holds(a, data, base) for a in ast[1:])
    if op == "and":
        return all(holds(a, data, base) for a in ast[1:])
    return False


def oracle_leaves(layout: str, ctx: dict[str, str], data: bytes) -> Leaves:
    tables = document()["layouts"]
    nbits = len(data) * 8
    out: Leaves = {}

    def walk(name: str, base: int, prefix: str) -> None:
        for f in tables[name]["fields"]:
            path, bit, kind = prefix + f["n"], base + f["o"], f["k"]
            chosen = ctx.get(path)
            if chosen is not None:
                if kind == "array" and f.get("flex"):
                    walk(chosen, bit, path + ".")
                    continue
                members = tables[f["t"]]["fields"] if kind == "union" else []
                m = next((m for m in members if chosen in (m["n"], m.get("t"))), None)
                walk(m["t"] if m else chosen, bit, f"{path}.{m['n'] if m else chosen}.")
            elif kind == "int":
                out[path] = (bit, f["w"])
            elif kind == "struct":
                walk(f["t"], bit, path + ".")
            elif kind == "union":
                union(f, path, bit, base)
            elif kind == "array" and "segs" in f:
                segments(f["segs"], path, bit, base)
            elif kind == "array":
                elements(f, path, bit, base, f.get("cnt"))
            elif kind == "raw" and bit < nbits:
                out[path] = (bit, nbits - bit)

    def elements(f: dict[str, Any], path: str, bit: int, base: int,
                 cnt: dict[str, Any] | None) -> None:
        count = f["c"]
        if f.get("flex"):
            count = max(0, (nbits - bit) // f["ew"])
            stated = read(data, base + cnt["o"], cnt["w"]) if cnt else None
            if stated is not None:
                count = min(count, stated)
        for i in range(count):
            ebit, epath = bit + i * f["ew"], f"{path}[{i}]"
            if f.get("et") and not f.get("eu"):
                walk(f["et"], ebit, epath + ".")
            else:
                out[epath] = (ebit, f["ew"])

    def segments(segs: dict[str, Any], path: str, bit: int, base: int) -> None:
        flag = read(data, base + segs["flag"]["o"], segs["flag"]["w"])
        stride = segs["stride"].get(str(flag), 0)
        if not stride:
            return
        room = max(0, (nbits - bit) // stride)
        i = 0
        for run in segs["runs"]:
            stated = read(data, base + run["cnt"]["o"], run["cnt"]["w"])
            layout = run["m"].get(str(flag))
            if stated is None or layout is None:
                return
            for _ in range(min(stated, room - i)):
                walk(layout, bit + i * stride, f"{path}[{i}].{layout}.")
                i += 1

    def union(f: dict[str, Any], path: str, bit: int, base: int) -> None:
        members = tables[f["t"]]["fields"]
        chosen = None
        if "sel" in f:
            value = read(data, base + f["sel"]["o"], f["sel"]["w"])
            chosen = f["sel"]["v"].get(str(value))
        elif "cond" in f:
            chosen = next((m for m, ast in f["cond"] if holds(ast, data, base)), None)
        elif len(members) == 1 and members[0].get("t"):
            chosen = members[0]["n"]
        elif f["w"] == 0:
            return
        member = next((m for m in members if m["n"] == chosen), None)
        if member is not None and member["k"] == "array" and member.get("flex"):
            elements(member, f"{path}.{member['n']}", bit + member["o"], base, f.get("cnt"))
        elif member is None or not member.get("t"):
            if f["w"]:
                out[path] = (bit, f["w"])
        else:
            walk(member["t"], bit, f"{path}.{member['n']}.")

    walk(layout, 0, "")
    return out


def oracle_values(leaves: Leaves, data: bytes) -> dict[str, int]:
    total = len(data) * 8
    fields: list[cs.Construct] = []
    names: list[str] = []
    pos = 0
    for path, (bit, width) in sorted(leaves.items(), key=lambda kv: kv[1][0]):
        if bit + width > total:
            continue
        assert bit >= pos, f"oracle leaves overlap at {path}"
        if bit > pos:
            fields.append(cs.Padding(bit - pos))
        fields.append(f"f{len(names)}" / cs.BitsInteger(width))
        names.append(path)
        pos = bit + width
    if pos < total:
        fields.append(cs.Padding(total - pos))
    parsed = cs.BitStruct(*fields).parse(data)
    return {path: parsed[f"f{i}"] for i, path in enumerate(names)}


def ours(layout: str, ctx: dict[str, str], data: bytes) -> dict[str, int]:
    root = decode_layout(layout, data, ctx)
    out = {}
    for leaf in iter_leaves(root):
        value = leaf.value
        out[leaf.path] = int.from_bytes(value, "big") if isinstance(value, bytes) else value
    return out


def agree(layout: str, ctx: dict[str, str], data: bytes) -> None:
    expected = oracle_values(oracle_leaves(layout, ctx, data), data)
    got = {k: v for k, v in ours(layout, ctx, data).items() if v is not None or k in expected}
    assert got == expected, layout


def test_oracle_agrees_on_every_catalogue_layout() -> None:
    rng = random.Random(99)
    from fwctl_tui.decoders.mlx5.data import layouts

    count = 0
    for _label, layout, ctx in catalogue.layout_contexts():
        nbytes = (compile_plan(layouts(), layout, ctx).size + 7) // 8
        for extra in (0, 12):
            agree(layout, ctx, rng.randbytes(nbytes + extra))
            count += 1
    assert count > 600


def test_oracle_agrees_on_register_pages() -> None:
    rng = random.Random(5)
    tables = document()["layouts"]
    checked = 0
    for reg in catalogue.registers():
        layout = tables[reg.layout]
        nbytes = layout["size"] // 8
        for f in layout["fields"]:
            if "sel" not in f:
                continue
            sel = f["sel"]
            for value in sel["v"]:
                raw = int.from_bytes(rng.randbytes(nbytes), "big")
                shift = nbytes * 8 - sel["o"] - sel["w"]
                raw = (raw & ~(((1 << sel["w"]) - 1) << shift)) | (int(value) << shift)
                agree(reg.layout, {}, raw.to_bytes(nbytes, "big"))
                checked += 1
    assert checked > 100


def test_oracle_agrees_on_short_buffers() -> None:
    rng = random.Random(11)
    for layout, ctx in (("query_hca_cap_out", {"capability": "cmd_hca_cap"}),
                        ("ppcnt_reg_ext", {}), ("mgir_ext", {})):
        for size in (0, 3, 17, 40):
            agree(layout, ctx, rng.randbytes(size))


def test_oracle_agrees_on_rqt_lists_of_both_formats_and_counts() -> None:
    """QUERY_RQT: rq_vhca_id_format picks rq_num[] or rq_vhca[], rqt_actual_size counts."""
    rng = random.Random(17)
    checked = 0
    for fmt in (0, 1):
        for actual in (0, 1, 5, 300, 0xFFFF):
            for extra in (0, 7, 40, 2048):
                raw = bytearray(rng.randbytes(272 + extra))
                raw[56] = (raw[56] & 0x7F) | (fmt << 7)  # rq_vhca_id_format: bit 448
                raw[58:60] = actual.to_bytes(2, "big")  # rqt_actual_size: bits 464..479
                agree("query_rqt_out", {}, bytes(raw))
                leaves = oracle_leaves("query_rqt_out", {}, bytes(raw))
                member = "rq_vhca" if fmt else "rq_num"
                width = 8 if fmt else 4
                listed = {p.split("]")[0] for p in leaves if f".{member}[" in p}
                assert len(listed) == min(actual, extra // width)
                checked += 1
    assert checked == 40


def test_oracle_agrees_on_flow_entry_lists_of_both_strides_and_counts() -> None:
    """QUERY_FLOW_TABLE_ENTRY: extended_destination picks 8- or 16-byte entries,
    destination_list_size destinations come first, then flow_counter_list_size counters,
    all capped at what the buffer holds."""
    rng = random.Random(23)
    checked = 0
    for ext in (0, 1):
        for dests, counters in ((0, 0), (1, 0), (0, 2), (1, 1), (3, 2), (200, 0x800000)):
            for extra in (0, 7, 8, 16, 40, 2048):
                raw = bytearray(rng.randbytes(832 + extra))
                raw[80] = (raw[80] & 0x7F) | (ext << 7)  # extended_destination: bit 640
                raw[81:84] = dests.to_bytes(3, "big")  # destination_list_size: bits 648..671
                raw[85:88] = counters.to_bytes(3, "big")  # flow_counter_list_size: 680..703
                agree("query_fte_out", {}, bytes(raw))
                leaves = oracle_leaves("query_fte_out", {}, bytes(raw))
                stride = 16 if ext else 8
                shown = min(dests + counters, extra // stride)
                listed = {p.split("]")[0] for p in leaves if ".destination[" in p}
                assert len(listed) == shown
                dest = "extended_dest_format" if ext else "dest_format_struct"
                kinds = [next(p.split("]")[1].split(".")[1] for p in leaves
                              if p.startswith(f"flow_context.destination[{i}]."))
                         for i in range(shown)]
                assert kinds == ([dest] * dests + ["flow_counter_list"] * counters)[:shown]
                checked += 1
    assert checked == 72

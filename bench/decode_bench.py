"""Decode speed: our field-table engine against a construct BitStruct of the same layout.

Run `python -m bench.decode_bench` (or import and call `run()`). Measures, in one process:
- a full QUERY_HCA_CAP general-device capability reply (4112 bytes) decoded by our engine
  (values only, and values plus the whole tree as JSON) and by a straightforward construct
  BitStruct built from the same field table (Padding + BitsInteger per field);
- fields decoded per second over every layout the catalogue reaches.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import construct as cs

from fwctl_tui.decoders import catalogue, decode_layout, decode_output, encode_input, node_to_json
from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.decoders.plan import Plan, compile_plan


def _per_call(fn: Callable[[], Any], min_time: float = 0.3) -> float:
    """Seconds per call: best of 3 timed batches, batch size grown to ~min_time/3."""
    fn()
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        spent = time.perf_counter() - start
        if spent > min_time / 3:
            break
        n *= 2
    best = spent
    for _ in range(2):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, time.perf_counter() - start)
    return best / n


def construct_for(plan: Plan, nbytes: int) -> cs.Construct:
    """A BitStruct with one BitsInteger per leaf of the plan and Padding for the gaps."""
    fields: list[cs.Construct] = []
    pos = 0
    for i, pn in enumerate(sorted(plan.leaves, key=lambda p: p.bit)):
        if pn.bit > pos:
            fields.append(cs.Padding(pn.bit - pos))
        fields.append(f"f{i}" / cs.BitsInteger(pn.width))
        pos = pn.bit + pn.width
    if pos < nbytes * 8:
        fields.append(cs.Padding(nbytes * 8 - pos))
    return cs.BitStruct(*fields)


def run(quiet: bool = False) -> dict[str, Any]:
    """Benchmark numbers as a dict (times in microseconds); prints the table unless quiet."""
    result = measure()
    if not quiet:
        print_table(result)
    return result


def measure() -> dict[str, Any]:
    """The measurements behind run()."""
    rng = random.Random(2024)
    cmd = catalogue.find("QUERY_HCA_CAP")
    request = encode_input(cmd, {"op_mod": "GENERAL/current"})
    plan = compile_plan(layouts(), "query_hca_cap_out", {"capability": "cmd_hca_cap"})
    nbytes = (plan.size + 7) // 8
    reply = bytes(16) + rng.randbytes(nbytes - 16)
    oracle = construct_for(plan, nbytes)

    ours_values = _per_call(lambda: decode_output(cmd, reply, request))
    ours_tree = _per_call(lambda: node_to_json(decode_output(cmd, reply, request)))
    theirs = _per_call(lambda: oracle.parse(reply))
    fields = len(plan.leaves)

    total_fields = 0
    cases = list(catalogue.layout_contexts())
    buffers = []
    for _label, layout, ctx in cases:
        size = (compile_plan(layouts(), layout, ctx).size + 7) // 8
        buffers.append((layout, ctx, rng.randbytes(size)))
    for layout, ctx, buf in buffers:  # warm-up: plans and generated functions are cached
        total_fields += _count(node_to_json(decode_layout(layout, buf, ctx)))
    rounds = 5
    start = time.perf_counter()
    for _ in range(rounds):
        for layout, ctx, buf in buffers:
            node_to_json(decode_layout(layout, buf, ctx))
    all_seconds = (time.perf_counter() - start) / rounds

    return {
        "caps_page_fields": fields,
        "caps_page_bytes": nbytes,
        "ours_values_us": ours_values * 1e6,
        "ours_tree_us": ours_tree * 1e6,
        "construct_us": theirs * 1e6,
        "speedup_values": theirs / ours_values,
        "speedup_tree": theirs / ours_tree,
        "layouts": len(buffers),
        "fields_all_layouts": total_fields,
        "fields_per_second": total_fields / all_seconds,
    }


def _count(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_count(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count(v) for v in value)
    return 1


def print_table(r: dict[str, Any]) -> None:
    rows = [
        ("QUERY_HCA_CAP general page", f"{r['caps_page_bytes']} B, {r['caps_page_fields']} fields"),
        ("ours: decode (values, lazy tree)", f"{r['ours_values_us']:9.1f} us"),
        ("ours: decode + full tree as JSON", f"{r['ours_tree_us']:9.1f} us"),
        ("construct BitStruct parse", f"{r['construct_us']:9.1f} us"),
        ("speedup (values / full tree)", f"{r['speedup_values']:.0f}x / {r['speedup_tree']:.1f}x"),
        (f"all {r['layouts']} catalogue layouts", f"{r['fields_all_layouts']} fields"),
        ("fields decoded per second", f"{r['fields_per_second']:,.0f}"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"   {key:<{width}}  {value}")


if __name__ == "__main__":
    run()

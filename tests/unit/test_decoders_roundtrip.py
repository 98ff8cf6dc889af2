"""Decode/encode round trips over every catalogue layout, plus hypothesis properties."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fwctl_tui.decoders import (
    catalogue,
    decode_input,
    decode_layout,
    encode_input,
    encode_layout,
    input_fields,
    iter_leaves,
    node_at_bit,
    node_to_json,
)
from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.decoders.node import Node
from fwctl_tui.decoders.plan import compile_plan

CASES = list(catalogue.layout_contexts())


def covered(root: Node, nbytes: int) -> int:
    """Bit mask of the bits some decoded leaf covers (reserved bits stay 0)."""
    total = nbytes * 8
    mask = 0
    for leaf in iter_leaves(root):
        if leaf.missing or leaf.width_bits == 0:
            continue
        shift = total - leaf.bit_offset - leaf.width_bits
        mask |= ((1 << leaf.width_bits) - 1) << shift
    return mask


def roundtrip(layout: str, ctx: dict[str, str], buf: bytes) -> None:
    root = decode_layout(layout, buf, ctx)
    values = node_to_json(root)
    again = encode_layout(layout, values, ctx, size_bytes=len(buf))
    expect = int.from_bytes(buf, "big") & covered(root, len(buf))
    assert int.from_bytes(again, "big") == expect, layout
    assert node_to_json(decode_layout(layout, again, ctx)) == values, layout


def test_catalogue_reaches_hundreds_of_layouts() -> None:
    assert len(CASES) > 300
    assert {layout for _, layout, _ in CASES} >= {"query_hca_cap_out", "ppcnt_reg_ext",
                                                   "mgir_ext", "pddr_reg_ext"}
    objects = {ctx.get("object") for _, _, ctx in CASES}
    assert {"virtio_net_q_object", "virtio_q_counters", "sampler_obj"} <= objects


def test_roundtrip_every_catalogue_layout() -> None:
    rng = random.Random(20240601)
    lset = layouts()
    for _label, layout, ctx in CASES:
        plan = compile_plan(lset, layout, ctx)
        nbytes = (plan.size + 7) // 8
        for extra in (0, 0, 24 if plan.dyns else 0):
            roundtrip(layout, ctx, rng.randbytes(nbytes + extra))


def test_roundtrip_every_register_page() -> None:
    """Force each selector value so every page of every paged register is exercised."""
    rng = random.Random(7)
    lset = layouts()
    for reg in catalogue.registers():
        plan = compile_plan(lset, reg.layout)
        nbytes = (plan.size + 7) // 8
        for pn in plan.dyns:
            dyn = pn.dyn
            if dyn is None or dyn.selector is None:
                continue
            bit = dyn.sel_base + dyn.selector.offset
            for value, member in dyn.selector.members.items():
                raw = int.from_bytes(rng.randbytes(nbytes), "big")
                shift = nbytes * 8 - bit - dyn.selector.width
                raw &= ~(((1 << dyn.selector.width) - 1) << shift)
                raw |= value << shift
                buf = raw.to_bytes(nbytes, "big")
                root = decode_layout(reg.layout, buf, {})
                node = next(n for n in _walk(root) if n.path == pn.path)
                assert node.children and node.children[0].name == member
                roundtrip(reg.layout, {}, buf)


def _walk(node: Node) -> Any:
    yield node
    for child in node.children:
        yield from _walk(child)


def test_leaves_are_found_by_their_bits() -> None:
    cmd = catalogue.find("QUERY_HCA_CAP")
    from fwctl_tui.decoders import decode_output

    root = decode_output(cmd, random.Random(3).randbytes(4112))
    leaves = list(iter_leaves(root))
    assert len(leaves) > 300
    for leaf in leaves:
        assert node_at_bit(root, leaf.bit_offset) is leaf
        assert node_at_bit(root, leaf.bit_offset + leaf.width_bits - 1) is leaf
    assert node_at_bit(root, 4112 * 8) is None
    assert node_at_bit(root, 8).path == ""  # reserved gap after status: the root


ALL_LAYOUTS = [(layout, ctx) for _label, layout, ctx in CASES]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_LAYOUTS), st.integers(0, 2**64), st.integers(0, 3))
def test_property_decode_encode_decode(case: tuple[str, dict[str, str]], seed: int,
                                       fill: int) -> None:
    """Any buffer (random, all zeros, all ones, sparse) of any catalogue layout (commands,
    capability pages, general objects, registers) survives decode -> encode -> decode."""
    layout, ctx = case
    rng = random.Random(seed)
    nbytes = (compile_plan(layouts(), layout, ctx).size + 7) // 8
    if fill == 0:
        buf = rng.randbytes(nbytes)
    elif fill == 3:
        buf = bytes(rng.choice((0, 0, 0, 0xFF, 0x80)) for _ in range(nbytes))
    else:
        buf = bytes([0 if fill == 1 else 0xFF]) * nbytes
    roundtrip(layout, ctx, buf)


FORM_COMMANDS = [c.name for c in catalogue.commands()] + [
    f"ACCESS_REG:{r.name}" for r in catalogue.registers()]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FORM_COMMANDS), st.data())
def test_property_form_values_survive_encode_decode(name: str, data: Any) -> None:
    cmd = catalogue.find(name)
    specs = [s for s in input_fields(cmd) if s.kind != "bytes"]
    if not specs:
        return
    chosen = data.draw(st.lists(st.sampled_from(specs), max_size=6, unique_by=lambda s: s.path))
    values = {}
    for spec in chosen:
        if spec.path == "op_mod":
            values[spec.path] = data.draw(st.sampled_from(sorted(cmd.op_mods) or [0]))
        elif spec.path == "register_id" and spec.choices:  # only registers the catalogue has
            values[spec.path] = data.draw(st.sampled_from(sorted(spec.choices.values())))
        else:
            values[spec.path] = data.draw(st.integers(spec.min, spec.max))
    buf = encode_input(cmd, values)
    root = decode_input(cmd, buf)
    leaves = {leaf.path: leaf.value for leaf in iter_leaves(root)}
    for path, value in values.items():
        assert leaves[path] == value, path
    assert leaves["opcode"] == cmd.opcode


_WITH_INPUT = [c for c in catalogue.commands() if c.in_layout]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_WITH_INPUT), st.binary(min_size=64, max_size=64),
       st.binary(min_size=64, max_size=64), st.sampled_from(["in", "out"]))
def test_context_depends_only_on_the_selector_bytes(cmd: Any, request: bytes, other: bytes,
                                                    direction: str) -> None:
    """What lets codec cache decode plans by the request's first selector_end bytes."""
    from fwctl_tui.decoders.mlx5.context import context_for, selector_end

    end = selector_end(cmd.in_layout)
    same_selectors = request[:end] + other[end:]
    assert context_for(cmd, direction, request) == context_for(cmd, direction, same_selectors)


def test_cached_decode_plans_follow_the_request() -> None:
    """Two PPCNT requests of different groups decode with different counter layouts."""
    cmd = catalogue.find("ACCESS_REG:PPCNT")
    requests = [encode_input(cmd, {"local_port": 1, "grp": grp}) for grp in (0x0, 0x12)]
    decoded = [decode_input(cmd, request) for request in requests * 2]
    names = [str(node_to_json(node)) for node in decoded]
    assert names[0] == names[2] and names[1] == names[3] and names[0] != names[1]


def test_cached_plan_serves_rqt_replies_of_either_list_format() -> None:
    """The RQT list's format and count live in the reply, not the request: one cached
    plan (keyed by the request's selector bytes) decodes both formats correctly."""
    from fwctl_tui.decoders import decode_output, encode_output
    from fwctl_tui.decoders.mlx5.codec import _decode_plan

    cmd = catalogue.find("QUERY_RQT")
    request = encode_input(cmd, {"rqtn": 4})
    lst = "rqt_context.rq_num_or_rq_vhca"
    narrow = encode_output(cmd, {"rqt_context.rqt_actual_size": 2, f"{lst}.rq_num[0].rq_num": 7,
                                 f"{lst}.rq_num[1].rq_num": 8}, in_=request)
    wide = encode_output(cmd, {"rqt_context.rqt_actual_size": 1, f"{lst}.rq_vhca[0].rq_num": 9,
                               f"{lst}.rq_vhca[0].rq_vhca_id": 2}, in_=request)
    plan = _decode_plan(cmd, "out", request)
    for _ in range(2):
        a = node_to_json(decode_output(cmd, narrow + bytes(32), request))["rqt_context"]
        b = node_to_json(decode_output(cmd, wide + bytes(32), request))["rqt_context"]
        assert a[lst.split(".")[1]] == {"rq_num": [{"rq_num": 7}, {"rq_num": 8}]}
        assert b[lst.split(".")[1]] == {"rq_vhca": [{"rq_num": 9, "rq_vhca_id": 2}]}
    assert _decode_plan(cmd, "out", request) is plan

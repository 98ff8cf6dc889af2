"""Generic decode/encode of any layout in a LayoutSet (mlx5 wrappers live in mlx5/codec.py).

Encoding collects (bit, width, value) writes from a {path: value} mapping and ORs them into
one big integer: values may be nested like the JSON decode output, leaves may be given by
their last name when that is unambiguous, enum labels and 0x-hex are accepted, and a
data-selected union (a register page) is chosen by the member named in the paths, with
its selector field filled in when the caller left it out (a union of flexible arrays too:
`rqt_context.rq_num_or_rq_vhca.rq_vhca[3].rq_num` sets rq_vhca_id_format to 1). A segmented
list's elements name their layout (`flow_context.destination[1].flow_counter_list.
flow_counter_id`); the flag and run counts the caller leaves out are filled in from them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fwctl_tui.decoders.errors import DecodeError, EncodeError, did_you_mean
from fwctl_tui.decoders.layout import CountRef, LayoutSet, Segments
from fwctl_tui.decoders.node import Node, decode_plan
from fwctl_tui.decoders.plan import Context, Plan, PlanNode, compile_plan
from fwctl_tui.decoders.values import coerce, flatten, parse_hex

_INDEX = re.compile(r"^\[(\d+)\](.*)$")
_MEMBER = re.compile(r"^\.?([^.\[]*)(.*)$")  # ".page.x" / ".list[2].x" -> member, the rest


def decode_layout_in(lset: LayoutSet, layout: str, data: bytes,
                     context: Context | None = None) -> Node:
    """Decode `data` as `layout`; fields past the end of `data` come back `missing`."""
    return decode_plan(compile_plan(lset, layout, context), lset, data)


def encode_layout_in(lset: LayoutSet, layout: str, values: Mapping[str, Any],
                     context: Context | None = None, *, size_bytes: int | None = None) -> bytes:
    """Encode `values` as `layout` (zero elsewhere); length = layout size or `size_bytes`."""
    plan = compile_plan(lset, layout, context)
    writer = Writer(lset)
    writer.route(plan, 0, flatten(values), "")
    total = max(plan.size, writer.end) if size_bytes is None else size_bytes * 8
    return writer.render((total + 7) // 8)


@dataclass
class _Write:
    bit: int
    width: int
    value: int
    path: str


class Writer:
    """Routes {path: value} onto plans (recursing into data-selected parts)."""

    def __init__(self, lset: LayoutSet) -> None:
        self.lset = lset
        self.writes: list[_Write] = []
        self.end = 0

    def put(self, bit: int, width: int, value: int, path: str) -> None:
        self.writes.append(_Write(bit, width, value, path))
        self.end = max(self.end, bit + width)

    def render(self, size_bytes: int) -> bytes:
        total = size_bytes * 8
        acc = 0
        for w in self.writes:
            if w.bit + w.width > total:
                raise EncodeError(f"{w.path}: field ends at bit {w.bit + w.width}, past the "
                                  f"{size_bytes}-byte buffer", field=w.path)
            shift = total - w.bit - w.width
            mask = ((1 << w.width) - 1) << shift
            acc = (acc & ~mask) | (w.value << shift)
        return acc.to_bytes(size_bytes, "big")

    def route(self, plan: Plan, base: int, values: Mapping[str, Any], prefix: str) -> None:
        """Assign every value to a leaf of `plan` laid at `base` (paths relative to it)."""
        groups: dict[str, dict[str, Any]] = {}
        for path, value in values.items():
            pn = plan.by_path.get(path)
            if pn is not None and pn.dyn is None:
                self.assign(pn, base, value, prefix + path)
                continue
            dyn = _owning_dyn(plan, path)
            if dyn is not None:
                groups.setdefault(dyn.path, {})[path[len(dyn.path):]] = value
                continue
            target = _shorthand(plan, path, prefix)
            self.assign(target, base, value, prefix + target.path)
        for dyn_path, rest in groups.items():
            self.route_dyn(plan, plan.by_path[dyn_path], base, rest, prefix)

    def assign(self, pn: PlanNode, base: int, value: Any, path: str) -> None:
        if pn.index < 0:
            if isinstance(value, bytes | bytearray | str) and pn.width:
                self.put(base + pn.bit, pn.width, coerce(path, value, pn.width), path)
                return
            raise EncodeError(f"{path} is a {pn.kind}; give values for its fields "
                              f"(e.g. {path}.<field>)", field=path)
        self.put(base + pn.bit, pn.width, coerce(path, value, pn.width, pn.enum), path)

    def route_dyn(self, plan: Plan, pn: PlanNode, base: int, rest: dict[str, Any],
                  prefix: str) -> None:
        dyn = pn.dyn
        assert dyn is not None
        where = prefix + pn.path
        if dyn.mode == "raw":
            for key, value in rest.items():
                if key:
                    raise EncodeError(f"{where}{key}: {where} is a raw payload", field=where)
                if isinstance(value, bytes | bytearray):
                    data = bytes(value)
                else:
                    try:
                        data = parse_hex(str(value), where)
                    except DecodeError as err:
                        raise EncodeError(err.message, field=where) from None
                if data:
                    self.put(base + pn.bit, len(data) * 8, int.from_bytes(data, "big"), where)
            return
        if dyn.mode == "flex":
            self._route_flex(pn, base, rest, where)
            return
        if dyn.mode == "segments":
            self._route_segments(pn, base, rest, where)
            return
        self._route_union(plan, pn, base, rest, where)

    def written(self, bit: int, width: int) -> int | None:
        """The last value put at exactly (bit, width), or None."""
        return next((w.value for w in reversed(self.writes)
                     if w.bit == bit and w.width == width), None)

    def _route_segments(self, pn: PlanNode, base: int, rest: dict[str, Any],
                        where: str) -> None:
        """Elements of a segmented list: `[i].<layout>.<field>` (or `[i].<layout>` as bytes).

        The flag is the one given, else the least value every named layout allows; each
        run's count is the one given, else just enough to reach its last named element.
        """
        dyn = pn.dyn
        assert dyn is not None and dyn.segments is not None
        segs = dyn.segments
        names = segs.layout_names
        elements: dict[int, tuple[str, dict[str, Any]]] = {}
        for key, value in rest.items():
            match = _INDEX.match(key)
            member = _MEMBER.match(match.group(2)) if match else None
            if match is None or member is None or not member.group(1):
                raise EncodeError(f"{where}{key}: name an entry's layout: {where}[i].<layout>"
                                  f"... with <layout> one of {', '.join(names)}",
                                  field=where + key)
            i, (name, sub) = int(match.group(1)), member.groups()
            epath = f"{where}[{i}]"
            if name not in names:
                raise EncodeError(f"{epath}: no entry layout named {name!r}"
                                  f"{did_you_mean(name, names)}; one of {', '.join(names)}",
                                  field=epath)
            held = elements.setdefault(i, (name, {}))
            if held[0] != name:
                raise EncodeError(f"{epath}: values for {held[0]} and {name}; an entry holds "
                                  "one", field=epath)
            held[1][sub.removeprefix(".")] = value
        if not elements:
            return
        holder = base + dyn.count_base
        flag = self._segment_flag(segs, holder, elements, where)
        stride = segs.strides[flag]
        start = 0
        for k, run in enumerate(segs.runs):
            mine = sorted(i for i, (name, _) in elements.items() if segs.run_of(name, flag) == k)
            count_bit = holder + run.count.offset
            count = self.written(count_bit, run.count.width)
            if count is None:
                count = max(0, mine[-1] + 1 - start) if mine else 0
                self.put(count_bit, run.count.width, count, f"{where} count {run.count.field}")
            for i in mine:
                if not start <= i < start + count:
                    last = f"..{start + count - 1}" if count > 1 else ""
                    at = f"[{start}{last}]" if count else "no entries"
                    raise EncodeError(
                        f"{where}[{i}]: a {elements[i][0]} entry, but {run.count.field}="
                        f"{count} puts those at {at}", field=f"{where}[{i}]")
            start += count
        for i, (name, vals) in sorted(elements.items()):
            bit = base + pn.bit + i * stride
            epath = f"{where}[{i}].{name}"
            sub_plan = compile_plan(self.lset, name)
            whole = vals.pop("", None)
            if whole is not None:
                self.put(bit, sub_plan.size, coerce(epath, whole, sub_plan.size), epath)
            self.route(sub_plan, bit, vals, epath + ".")
            self.end = max(self.end, bit + stride)

    def _segment_flag(self, segs: Segments, holder: int,
                      elements: dict[int, tuple[str, dict[str, Any]]], where: str) -> int:
        """The flag value the named entry layouts need (given, or the least they allow)."""
        flag_bit = holder + segs.flag.offset
        given = self.written(flag_bit, segs.flag.width)
        allowed = frozenset(segs.strides)
        for i, (name, _) in sorted(elements.items()):
            fits = segs.flags_for(name)
            if given is not None and given not in fits:
                raise EncodeError(
                    f"{where}[{i}]: a {name} entry needs {segs.flag.field}="
                    f"{'/'.join(map(str, sorted(fits)))}, but {segs.flag.field}={given} "
                    "was given", field=f"{where}[{i}]")
            if not allowed & fits:
                raise EncodeError(f"{where}[{i}]: {name} entries cannot share the list with "
                                  "the entries before them (they need another "
                                  f"{segs.flag.field})", field=f"{where}[{i}]")
            allowed &= fits
        if given is not None:
            return given
        flag = min(allowed)
        self.put(flag_bit, segs.flag.width, flag, f"{where} flag {segs.flag.field}")
        return flag

    def _route_flex(self, pn: PlanNode, base: int, rest: dict[str, Any], where: str) -> None:
        dyn = pn.dyn
        assert dyn is not None
        elements: dict[int, dict[str, Any]] = {}
        for key, value in rest.items():
            match = _INDEX.match(key)
            if match is None:
                raise EncodeError(f"{where}{key}: {where} is an array; use {where}[i]",
                                  field=where + key)
            sub = match.group(2).removeprefix(".")
            elements.setdefault(int(match.group(1)), {})[sub] = value
        for i, vals in sorted(elements.items()):
            bit = base + pn.bit + i * dyn.elem_width
            epath = f"{where}[{i}]"
            if dyn.elem_layout and not dyn.elem_union:
                sub_plan = compile_plan(self.lset, dyn.elem_layout)
                whole = vals.pop("", None)
                if whole is not None:
                    self.put(bit, dyn.elem_width, coerce(epath, whole, dyn.elem_width), epath)
                self.route(sub_plan, bit, vals, epath + ".")
                self.end = max(self.end, bit + dyn.elem_width)
                continue
            if set(vals) != {""}:
                raise EncodeError(f"{epath}: element holds a single value", field=epath)
            self.put(bit, dyn.elem_width, coerce(epath, vals[""], dyn.elem_width, dyn.elem_enum),
                     epath)
        if dyn.count is not None and elements:
            self._count_elements(dyn.count, base + dyn.count_base, max(elements) + 1, where)

    def _count_elements(self, count: CountRef, holder: int, needed: int, where: str) -> None:
        """A counted array's count: the one given must cover the named elements (a decoder
        shows no more than it says); none given is just enough for them."""
        count_bit = holder + count.offset
        given = self.written(count_bit, count.width)
        if given is None:
            self.put(count_bit, count.width, needed, f"{where} count {count.field}")
        elif given < needed:
            raise EncodeError(f"{where}[{needed - 1}]: {count.field}={given} counts only "
                              f"{given} element(s); give {count.field}={needed} or more",
                              field=f"{where}[{needed - 1}]")

    def _route_union(self, plan: Plan, pn: PlanNode, base: int, rest: dict[str, Any],
                     where: str) -> None:
        dyn = pn.dyn
        assert dyn is not None and dyn.union is not None
        if "" in rest:  # the whole slot as bytes
            self.put(base + pn.bit, pn.width, coerce(where, rest.pop(""), pn.width), where)
        members: dict[str, dict[str, Any]] = {}
        for key, value in rest.items():
            match = _MEMBER.match(key)
            assert match is not None  # the pattern matches any text
            name, sub = match.groups()
            members.setdefault(name, {})[sub] = value
        if not members:
            return
        if len(members) > 1:
            raise EncodeError(f"{where}: values for several pages ({', '.join(members)}); "
                              "a union holds one", field=where)
        (name, vals), = members.items()
        member = dyn.union.by_name.get(name)
        if member is None or (member.type is None and name not in dyn.members):
            raise EncodeError(f"{where}: no page named {name!r}"
                              f"{did_you_mean(name, dyn.union.by_name)}", field=where)
        sel = dyn.selector
        if sel is not None:
            sel_bit = base + dyn.sel_base + sel.offset
            chosen = sel.value_for(name)
            given = [w for w in self.writes if w.bit == sel_bit and w.width == sel.width]
            if given and chosen is not None and given[-1].value != chosen:
                raise EncodeError(
                    f"{where}: page {name} needs {sel.field}={chosen}, but "
                    f"{sel.field}={given[-1].value} was given", field=where)
            if not given and chosen is not None:
                self.put(sel_bit, sel.width, chosen, f"{where} selector {sel.field}")
        if name in dyn.members:  # a flexible array: keys are [i] or [i].field
            self._route_flex(dyn.members[name], base, {k: v for k, v in vals.items() if k},
                             f"{where}.{name}")
            return
        sub_plan = compile_plan(self.lset, member.type or "", None, member.name)
        self.route(sub_plan, base + pn.bit,
                   {k.removeprefix("."): v for k, v in vals.items() if k}, f"{where}.{name}.")


def _owning_dyn(plan: Plan, path: str) -> PlanNode | None:
    best: PlanNode | None = None
    for pn in plan.dyns:
        p = pn.path
        inside = path == p or path.startswith((p + ".", p + "["))
        if inside and (best is None or len(p) > len(best.path)):
            best = pn
    return best


def _shorthand(plan: Plan, path: str, prefix: str) -> PlanNode:
    """Resolve `local_port` to `register_data.local_port` when only one leaf ends so."""
    leaves = [pn for pn in plan.by_path.values() if pn.index >= 0]
    hits = [pn for pn in leaves if pn.path.endswith("." + path)]
    if len(hits) == 1:
        return hits[0]
    where = prefix + path
    if len(hits) > 1:
        shown = ", ".join(prefix + h.path for h in hits[:6])
        raise EncodeError(f"{where}: ambiguous field name; use one of {shown}", field=where)
    names = [pn.path for pn in leaves] + [pn.name for pn in leaves]
    hint = did_you_mean(path, names)
    if not hint:
        settable = [pn.path for pn in leaves if pn.path not in ("opcode", "uid")]
        more = ", ..." if len(settable) > 10 else ""
        hint = f"; this layout's fields are {', '.join(settable[:10])}{more}"
    raise EncodeError(f"unknown field {where!r}{hint}", field=where)

"""Compiled decode plans: a layout's field table flattened once into absolute positions.

A `Plan` is position-independent (offsets relative to where the layout starts) and cached
per (layout, context), so the same plan serves a whole reply, a union member or every
element of an array. Its static leaves are read by one generated function
(`w[i] >> shift & mask` over the reply's big-endian dwords, `int.from_bytes` for the rare
field that straddles dwords), which is why a 4 KB capability page decodes in tens of
microseconds. Parts whose shape depends on the data (register pages picked by a selector,
flexible arrays and their count fields, segmented lists and their flag and count fields,
raw payloads) are `dynamic` nodes resolved when a Node is expanded. A plan depends on its
layout and context only, never on the data: a selector, flag or count read from the buffer
being decoded is applied by the Node, so a plan cached for one reply serves every reply to
the same request.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any

from fwctl_tui.decoders.errors import DecodeError
from fwctl_tui.decoders.layout import (
    CountRef,
    Enum,
    FieldDef,
    Layout,
    LayoutSet,
    Segments,
    Selector,
)

Context = Mapping[str, str]  # field path (from the root layout) -> member or layout name
RAW = "@raw"  # context value: show the field as a raw payload running to the buffer's end
MAX_FAST_LEAVES = 4000  # beyond this the generated function is split into chunks
LIST_MODES = frozenset({"flex", "segments"})  # dynamic modes whose length is in the data


class PlanNode:
    """Static description of one node: what Node wraps together with decoded values."""

    __slots__ = ("access", "bit", "children", "doc", "dyn", "enum", "index", "kind",
                 "layout", "name", "open_end", "path", "width")

    def __init__(self, name: str, path: str, kind: str, bit: int, width: int, *,
                 enum: Enum | None = None, access: str | None = None, doc: str | None = None,
                 layout: str | None = None) -> None:
        self.name, self.path, self.kind = name, path, kind
        self.bit, self.width = bit, width
        self.enum, self.access, self.doc, self.layout = enum, access, doc, layout
        self.children: list[PlanNode] = []
        self.index = -1  # position in the plan's value list (static leaves)
        self.dyn: Dyn | None = None
        # a struct holding a list whose length the data sets: it may run past `width`
        self.open_end = False

    @property
    def is_leaf(self) -> bool:
        return self.index >= 0

    @property
    def is_list(self) -> bool:
        """A flexible array (plain or segmented), or a data-selected union of them: its
        length is in the data."""
        return self.dyn is not None and (self.dyn.mode in LIST_MODES or bool(self.dyn.members))

    def __repr__(self) -> str:
        return f"PlanNode({self.path or self.name!r}, {self.kind}, bit={self.bit}, w={self.width})"


class Dyn:
    """How a dynamic node finds its shape in the data."""

    __slots__ = (
        "cond_base",
        "conditions",
        "count",
        "count_base",
        "elem_enum",
        "elem_layout",
        "elem_union",
        "elem_width",
        "members",
        "mode",
        "segments",
        "sel_base",
        "selector",
        "union",
    )

    def __init__(self, mode: str) -> None:
        self.mode = mode  # "select" | "cond" | "flex" | "segments" | "raw"
        self.union: Layout | None = None
        self.selector: Selector | None = None
        self.sel_base = 0  # bit (plan-relative) of the layout holding the selector
        self.conditions: tuple[tuple[str, Any], ...] = ()
        self.cond_base = 0
        # select/cond: the union's flexible-array members, compiled (member name -> node)
        self.members: dict[str, PlanNode] = {}
        self.elem_layout: str | None = None
        self.elem_width = 0
        self.elem_enum: Enum | None = None
        self.elem_union = False
        # flex: the field stating the element count, and the bit (plan-relative) of the
        # layout holding it; None: as many elements as the buffer holds
        self.count: CountRef | None = None
        self.count_base = 0
        # segments: the runs, their flag and count fields (read at count_base, like count)
        self.segments: Segments | None = None


class Plan:
    """A compiled layout: tree skeleton, static leaves and a fast value extractor."""

    __slots__ = ("_fast", "_json", "by_path", "dyns", "flexible", "layout", "leaves", "root",
                 "size", "words")

    def __init__(self, root: PlanNode, layout: str, leaves: list[PlanNode],
                 dyns: list[PlanNode], by_path: dict[str, PlanNode]) -> None:
        self.root, self.layout, self.leaves, self.dyns, self.by_path = (
            root, layout, leaves, dyns, by_path)
        self.size = root.width
        # only the dwords that hold a leaf are unpacked (a 2048-bit page in a 4 KB slot)
        self.words = (max((pn.bit + pn.width for pn in leaves), default=0) + 31) // 32
        self._fast = _codegen(leaves) if leaves else (lambda w, d, o: [])
        self._json: Any = None
        # whether data past `size` may belong to it: a flexible array (plain or segmented),
        # or a data-selected union with a flexible-array member (raw payloads are not counted)
        self.flexible = any(pn.is_list for pn in dyns)

    def extract(self, data: bytes, base: int) -> list[Any]:
        """Values of the static leaves for a layout starting at bit `base` of `data`."""
        nbits = len(data) * 8
        if base % 32 == 0 and base + self.words * 32 <= nbits:
            words = struct.unpack_from(f">{self.words}I", data, base // 8)
            values: list[Any] = self._fast(words, data, base // 8)
            return values
        return [_read_leaf(data, nbits, base + pn.bit, pn.width, pn.kind) for pn in self.leaves]


    def json_builder(self, dyn_json: Any) -> Any:
        """A generated function (values, frame) -> the JSON shape of the static tree; dynamic
        nodes are handed to `dyn_json(plan_node, frame)`."""
        if self._json is None:
            self._json = _json_codegen(self.root, self.dyns, dyn_json)
        return self._json


def _json_expr(pn: PlanNode, dyn_index: dict[int, int]) -> str:
    if pn.index >= 0:
        return f"v[{pn.index}]" if pn.kind == "int" else f"_h(v[{pn.index}])"
    if pn.dyn is not None:
        return f"_d(_dyns[{dyn_index[id(pn)]}], fr)"
    if pn.kind == "array":
        return "[" + ", ".join(_json_expr(c, dyn_index) for c in pn.children) + "]"
    return "{" + ", ".join(f"{c.name!r}: {_json_expr(c, dyn_index)}" for c in pn.children) + "}"


def _hex(value: Any) -> str | None:
    return None if value is None else "0x" + value.hex()


def _json_codegen(root: PlanNode, dyns: list[PlanNode], dyn_json: Any) -> Any:
    """Like _codegen, for the JSON shape: one nested display instead of a tree walk."""
    dyn_index = {id(pn): i for i, pn in enumerate(dyns)}
    namespace: dict[str, Any] = {"_h": _hex, "_d": dyn_json, "_dyns": list(dyns)}
    exec(f"def _json(v, fr):\n    return {_json_expr(root, dyn_index)}\n", namespace)
    return namespace["_json"]


def read_bits(data: bytes, bit: int, width: int) -> int | None:
    """An unsigned big-endian bit field, or None when it runs past the buffer."""
    if width <= 0 or bit + width > len(data) * 8:
        return None
    first, last = bit // 8, (bit + width + 7) // 8
    shift = last * 8 - bit - width
    return (int.from_bytes(data[first:last], "big") >> shift) & ((1 << width) - 1)


def _read_leaf(data: bytes, nbits: int, bit: int, width: int, kind: str) -> Any:
    if bit + width > nbits:
        return None
    if kind == "int":
        return read_bits(data, bit, width)
    if bit % 8 == 0 and width % 8 == 0:
        return bytes(data[bit // 8:(bit + width) // 8])
    value = read_bits(data, bit, width) or 0
    return value.to_bytes((width + 7) // 8, "big")


def _leaf_expr(bit: int, width: int, kind: str) -> str:
    word, within = divmod(bit, 32)
    mask = (1 << width) - 1
    if kind == "int" and within + width <= 32:
        shift = 32 - within - width
        expr = f"w[{word}]" if shift == 0 else f"(w[{word}] >> {shift})"
        return expr if width == 32 else f"{expr} & {mask:#x}"
    if kind == "int" and width == 64 and within == 0:
        return f"(w[{word}] << 32 | w[{word + 1}])"
    first, last = bit // 8, (bit + width + 7) // 8
    shift = last * 8 - bit - width
    if kind != "int" and shift == 0 and bit % 8 == 0:
        return f"d[o + {first}:o + {last}]"
    num = f"(_fb(d[o + {first}:o + {last}], 'big') >> {shift}) & {mask:#x}"
    return num if kind == "int" else f"({num}).to_bytes({(width + 7) // 8}, 'big')"


def _codegen(leaves: list[PlanNode]) -> Any:
    """One function returning every static leaf value: the hot path of decoding.

    Generated from our own field tables (never from input data); a flat list display is
    several times faster than looping over per-field descriptors.
    """
    exprs = [_leaf_expr(pn.bit, pn.width, pn.kind) for pn in leaves]
    chunks = [exprs[i:i + MAX_FAST_LEAVES] for i in range(0, len(exprs), MAX_FAST_LEAVES)]
    body = " + ".join("[" + ", ".join(chunk) + "]" for chunk in chunks)
    namespace: dict[str, Any] = {"_fb": int.from_bytes}
    exec(f"def _extract(w, d, o):\n    return {body}\n", namespace)
    return namespace["_extract"]


class Compiler:
    """Builds a Plan for one root layout under one context."""

    def __init__(self, lset: LayoutSet, context: Context) -> None:
        self.lset = lset
        self.context = context
        self.leaves: list[PlanNode] = []
        self.dyns: list[PlanNode] = []
        self.by_path: dict[str, PlanNode] = {}

    def compile(self, layout_name: str, root_name: str) -> Plan:
        layout = self.lset[layout_name]
        root = self.struct(layout, 0, "", root_name)
        return Plan(root, layout_name, self.leaves, self.dyns, self.by_path)

    def _add(self, pn: PlanNode, leaf: bool = False) -> PlanNode:
        if leaf:
            pn.index = len(self.leaves)
            self.leaves.append(pn)
        if pn.dyn is not None:
            self.dyns.append(pn)
        if pn.path:
            self.by_path[pn.path] = pn
        return pn

    def struct(self, layout: Layout, bit: int, path: str, name: str,
               access: str | None = None, doc: str | None = None) -> PlanNode:
        node = PlanNode(name, path, "struct", bit, layout.size, access=access, doc=doc,
                        layout=layout.name)
        end = bit + layout.size
        for f in layout.fields:
            child = self.field(layout, f, bit, _join(path, f.name))
            if child is not None:
                node.children.append(child)
                end = max(end, child.bit + child.width)
                node.open_end = node.open_end or child.open_end or child.is_list
        node.width = end - bit
        return self._add(node)

    def field(self, parent: Layout, f: FieldDef, parent_bit: int, path: str) -> PlanNode | None:
        bit = parent_bit + f.offset
        doc = self.lset.doc(parent.name, f.name)
        chosen = self.context.get(path)
        if chosen == RAW:
            node = PlanNode(f.name, path, "raw", bit, 0, access=f.access, doc=doc)
            node.dyn = Dyn("raw")
            return self._add(node)
        if chosen is not None:
            return self.retyped(f, bit, path, chosen, doc)
        if f.kind == "int":
            return self.leaf(f.name, path, bit, f.width, f.enum, f.access, doc)
        if f.kind == "struct":
            return self.struct(self.lset[f.type or ""], bit, path, f.name, f.access, doc)
        if f.kind == "union":
            return self.union(f, bit, parent_bit, path, doc)
        if f.kind == "array":
            return self.array(f, bit, path, doc, parent_bit)
        if f.kind == "raw":
            node = PlanNode(f.name, path, "raw", bit, 0, access=f.access, doc=doc)
            node.dyn = Dyn("raw")
            return self._add(node)
        raise DecodeError(f"field {path}: unknown kind {f.kind!r}")

    def leaf(self, name: str, path: str, bit: int, width: int, enum: Enum | None,
             access: str | None, doc: str | None, kind: str | None = None) -> PlanNode:
        kind = kind or ("int" if width <= 64 else "bytes")
        return self._add(PlanNode(name, path, kind, bit, width, enum=enum, access=access,
                                  doc=doc), leaf=True)

    def retyped(self, f: FieldDef, bit: int, path: str, chosen: str,
                doc: str | None) -> PlanNode:
        """A field whose layout the context names (capability page, register data)."""
        if f.kind == "array" and f.flexible:  # register_data: the register itself
            return self.struct(self.lset[chosen], bit, path, f.name, f.access, doc)
        member_name, member_layout = chosen, chosen
        if f.kind == "union" and f.type is not None and f.type in self.lset:
            member = self.lset[f.type].member(chosen)
            if member is not None:
                member_name, member_layout = member.name, member.type or chosen
        node = PlanNode(f.name, path, "union", bit, f.width, access=f.access, doc=doc)
        child = self.struct(self.lset[member_layout], bit, _join(path, member_name), member_name)
        node.children.append(child)
        node.width = max(f.width, child.width)
        return self._add(node)

    def union(self, f: FieldDef, bit: int, parent_bit: int, path: str,
              doc: str | None) -> PlanNode | None:
        layout = self.lset[f.type or ""]
        members = [m for m in layout.fields if m.kind != "raw"]
        node = PlanNode(f.name, path, "union", bit, f.width, access=f.access, doc=doc,
                        layout=layout.name)
        if f.selector is not None or f.conditions:
            dyn = Dyn("select" if f.selector is not None else "cond")
            dyn.union, dyn.selector, dyn.sel_base = layout, f.selector, parent_bit
            dyn.conditions, dyn.cond_base = f.conditions or (), parent_bit
            # a union of flexible arrays: the chosen array runs on past the union, holding
            # as many elements as the union's count field says (when it has one)
            dyn.members = {
                m.name: self.flex(m, bit + m.offset, _join(path, m.name),
                                  self.lset.doc(layout.name, m.name), f.counted_by, parent_bit)
                for m in members if m.kind == "array" and m.flexible}
            node.dyn = dyn
            return self._add(node)
        if len(members) == 1 and members[0].type:  # nothing to choose
            only = members[0]
            child = self.struct(self.lset[only.type or ""], bit, _join(path, only.name), only.name)
            node.children.append(child)
            return self._add(node)
        if f.width == 0:
            return None  # an unresolved zero-width union holds nothing to show
        return self._add(node, leaf=True)  # shown raw: nothing says which member applies

    def array(self, f: FieldDef, bit: int, path: str, doc: str | None,
              parent_bit: int) -> PlanNode:
        if f.segments is not None:
            node = PlanNode(f.name, path, "array", bit, 0, access=f.access, doc=doc)
            dyn = Dyn("segments")
            dyn.segments, dyn.count_base, dyn.elem_width = f.segments, parent_bit, f.elem_width
            node.dyn = dyn
            return self._add(node)
        if f.flexible:
            return self._add(self.flex(f, bit, path, doc, f.counted_by, parent_bit))
        node = PlanNode(f.name, path, "array", bit, f.count * f.elem_width, access=f.access,
                        doc=doc, layout=f.type)
        for i in range(f.count):
            name, epath, ebit = f"{f.name}[{i}]", f"{path}[{i}]", bit + i * f.elem_width
            if f.type and not f.elem_union:
                child = self.struct(self.lset[f.type], ebit, epath, name, f.access)
            elif f.type:  # array of unions with no selector: each element raw
                child = self.leaf(name, epath, ebit, f.elem_width, None, f.access, None, "union")
            else:
                child = self.leaf(name, epath, ebit, f.elem_width, f.enum, f.access, None)
            node.children.append(child)
        return self._add(node)

    @staticmethod
    def flex(f: FieldDef, bit: int, path: str, doc: str | None, counted_by: CountRef | None,
             count_base: int) -> PlanNode:
        """A flexible array's node (not added to the plan: the caller decides where it goes).

        `counted_by` is read at `count_base` (plan-relative bit of the layout holding it).
        """
        node = PlanNode(f.name, path, "array", bit, 0, access=f.access, doc=doc, layout=f.type)
        dyn = Dyn("flex")
        dyn.elem_layout, dyn.elem_width, dyn.elem_enum = f.type, f.elem_width, f.enum
        dyn.elem_union = f.elem_union
        dyn.count, dyn.count_base = counted_by, count_base
        node.dyn = dyn
        return node


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def compile_plan(lset: LayoutSet, layout: str, context: Context | None = None,
                 root_name: str | None = None) -> Plan:
    """The cached plan for a layout under a context (paths -> member/layout names)."""
    key = (layout, tuple(sorted((context or {}).items())), root_name or layout)
    cache: dict[Any, Plan] = lset.__dict__.setdefault("_plan_cache", {})
    plan = cache.get(key)
    if plan is None:
        if layout not in lset:
            raise DecodeError(f"unknown layout {layout!r}")
        for path, chosen in (context or {}).items():
            if chosen != RAW and chosen not in lset and not _is_member_name(lset, chosen):
                raise DecodeError(f"context for {path}: unknown layout {chosen!r}")
        plan = Compiler(lset, context or {}).compile(layout, root_name or layout)
        cache[key] = plan
    return plan


def _is_member_name(lset: LayoutSet, name: str) -> bool:
    return any(name in lset[n].by_name for n in lset if lset[n].is_union)

"""Decoded trees: `Node` views over a plan and the values read from one buffer.

Nodes are cheap views (plan node + frame) and build their children on first access, so a
2 MiB reply or a 4 KB capability page costs only the leaf extraction until a UI or a
JSON dump walks it. Offsets are absolute bit positions in the decoded buffer, which is
what hex-view <-> tree linking needs (`node_at_bit`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import Any

from fwctl_tui.decoders.layout import LayoutSet, eval_condition
from fwctl_tui.decoders.plan import Plan, PlanNode, compile_plan, read_bits


class Frame:
    """One plan instance laid over a buffer at a bit offset."""

    __slots__ = ("base", "data", "lset", "nbits", "plan", "plan_root", "prefix", "values")

    def __init__(self, lset: LayoutSet, data: bytes, base: int, values: list[Any],
                 prefix: str, plan: Plan | None = None) -> None:
        self.lset, self.data, self.base, self.values, self.prefix = lset, data, base, values, prefix
        self.nbits = len(data) * 8
        self.plan = plan
        self.plan_root = plan.root if plan is not None else None


class Node:
    """A decoded field: name, dotted path, value, absolute bit offset/width, label, children.

    `value` is an int for fields up to 64 bits, bytes for wider ones, raw payloads and
    unresolved unions, None for structs, arrays and anything beyond the buffer (`missing`).
    """

    __slots__ = ("_fr", "_kids", "_name", "_pn", "_val")

    def __init__(self, pn: PlanNode, fr: Frame, name: str | None = None) -> None:
        self._pn, self._fr, self._name = pn, fr, name
        self._kids: list[Node] | None = None
        self._val: Any = None

    # -- identity ----------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name or self._pn.name

    @property
    def path(self) -> str:
        prefix, rel = self._fr.prefix, self._pn.path
        if not prefix:
            return rel
        if not rel:
            return prefix
        return prefix + rel if rel.startswith("[") else f"{prefix}.{rel}"

    @property
    def kind(self) -> str:
        """int | bytes | struct | union | array | raw."""
        return self._pn.kind

    @property
    def doc(self) -> str | None:
        return self._pn.doc

    @property
    def access(self) -> str | None:
        return self._pn.access

    @property
    def buffer_bits(self) -> int:
        """Bits in the whole buffer this node was decoded from."""
        return self._fr.nbits

    @property
    def layout(self) -> str | None:
        """The layout a struct (or struct array) node is laid out as; None for plain leaves."""
        return self._pn.layout

    @property
    def bit_offset(self) -> int:
        return self._fr.base + self._pn.bit

    @property
    def width_bits(self) -> int:
        pn = self._pn
        if pn.dyn is None:
            if pn.open_end and self.children:  # up to the end of its list
                start = self.bit_offset
                return max(pn.width, *(c.bit_offset + c.width_bits - start
                                       for c in self.children))
            return pn.width
        if pn.dyn.mode == "raw":
            return max(0, self._fr.nbits - self.bit_offset)
        if pn.dyn.mode == "flex":
            return len(self.children) * pn.dyn.elem_width
        if pn.dyn.mode == "segments":  # every element one stride wide
            return sum(c.width_bits for c in self.children)
        if pn.width == 0 and self.children:  # a union of flexible arrays: the one in use
            return self.children[0].width_bits
        return pn.width

    # -- values ------------------------------------------------------------------------
    @property
    def value(self) -> Any:
        pn = self._pn
        if pn.index >= 0:
            return self._fr.values[pn.index]
        if pn.dyn is not None and pn.dyn.mode == "raw":
            start = self.bit_offset // 8
            return bytes(self._fr.data[start:]) if start <= len(self._fr.data) else None
        if pn.dyn is not None and pn.dyn.mode in ("select", "cond") and not self.children:
            return self._val  # no page matched the selector: the slot's raw bytes
        return None

    @property
    def label(self) -> str | None:
        """Enum label of the value, or the chosen member of a union."""
        pn = self._pn
        if pn.enum is not None and pn.index >= 0:
            value = self._fr.values[pn.index]
            return None if value is None else pn.enum.by_value.get(value)
        if pn.kind == "union" and self.children:
            return self.children[0].name
        return None

    @property
    def missing(self) -> bool:
        """True when the buffer ends before this field does (leaves) or starts (others)."""
        start = self.bit_offset
        if self._pn.index >= 0:
            return start + self._pn.width > self._fr.nbits
        return start >= self._fr.nbits and self.width_bits > 0

    @property
    def stated_count(self) -> int | None:
        """What the count field of a counted list says (None for anything else, or when
        the count field is beyond the buffer); `children` holds at most what fits."""
        pn, fr = self._pn, self._fr
        dyn = pn.dyn
        if dyn is None or dyn.mode != "flex" or dyn.count is None:
            return None
        count: int | None = read_bits(fr.data, fr.base + dyn.count_base + dyn.count.offset,
                                      dyn.count.width)
        return count

    @property
    def children(self) -> list[Node]:
        if self._kids is None:
            self._kids = self._build_children()
        return self._kids

    def children_upto(self, limit: int) -> list[Node]:
        """The first `limit` children, without building the rest of a long flexible
        array (a 2 MiB reply's 131k counters) when they are not built yet."""
        pn = self._pn
        if self._kids is None and pn.dyn is not None and pn.dyn.mode == "flex":
            return self._flex_elements(limit)
        return self.children[:limit]

    def _build_children(self) -> list[Node]:
        pn, fr = self._pn, self._fr
        if pn.dyn is None:
            return [Node(c, fr) for c in pn.children]
        mode = pn.dyn.mode
        if mode in ("select", "cond"):
            return self._resolve_union()
        if mode == "flex":
            return self._flex_elements()
        if mode == "segments":
            return self._segment_elements()
        return []

    def _resolve_union(self) -> list[Node]:
        pn, fr, dyn = self._pn, self._fr, self._pn.dyn
        assert dyn is not None and dyn.union is not None
        member_name = choose_member(pn, fr.data, fr.base)
        member = dyn.union.by_name.get(member_name) if member_name else None
        start = fr.base + pn.bit
        if member_name in dyn.members:  # a flexible array, compiled with the plan
            return [Node(dyn.members[member_name], fr)]
        if member is None or member.type is None:
            if pn.width and start + pn.width <= fr.nbits:
                self._val = bytes(fr.data[start // 8:(start + pn.width) // 8])
            return []
        plan = compile_plan(fr.lset, member.type, None, member.name)
        return [_instance(plan, fr.lset, fr.data, start, _child_path(self.path, member.name))]

    def _flex_elements(self, limit: int | None = None) -> list[Node]:
        pn, fr, dyn = self._pn, self._fr, self._pn.dyn
        assert dyn is not None
        start, width = fr.base + pn.bit, dyn.elem_width
        if width <= 0:
            return []
        count = max(0, (fr.nbits - start) // width)
        if dyn.count is not None:  # the stated count, capped at what the buffer holds
            stated = read_bits(fr.data, fr.base + dyn.count_base + dyn.count.offset,
                               dyn.count.width)
            if stated is not None:
                count = min(count, stated)
        if limit is not None:
            count = min(count, limit)
        path = self.path
        out: list[Node] = []
        if dyn.elem_layout and not dyn.elem_union:
            plan = compile_plan(fr.lset, dyn.elem_layout)
            if any(d.is_list for d in plan.dyns):
                count = min(count, 1)  # an open-ended element: its own tail takes the rest
            for i in range(count):
                name = f"{pn.name}[{i}]"
                out.append(_instance(plan, fr.lset, fr.data, start + i * width, f"{path}[{i}]",
                                     name))
            return out
        kind = "union" if dyn.elem_layout else ("int" if width <= 64 else "bytes")
        for i in range(count):
            leaf = PlanNode(f"{pn.name}[{i}]", "", kind, 0, width, enum=dyn.elem_enum,
                            access=pn.access)
            leaf.index = 0
            bit = start + i * width
            number = read_bits(fr.data, bit, width)
            value: Any = number
            if kind != "int" and number is not None:
                value = number.to_bytes((width + 7) // 8, "big")
            out.append(Node(leaf, Frame(fr.lset, fr.data, bit, [value], f"{path}[{i}]")))
        return out

    def _segment_elements(self) -> list[Node]:
        """A segmented list: run after run, each element `name[i]` a union-like node whose
        one child is the run's layout for the flag value, capped at what the buffer holds.

        The flag and count fields are read from this reply's own bytes, so the plan stays
        independent of the data. An unreadable flag or count (the buffer ends before it)
        ends the list there, as does a flag value the table gives no stride or layout for.
        """
        pn, fr, dyn = self._pn, self._fr, self._pn.dyn
        assert dyn is not None and dyn.segments is not None
        segs = dyn.segments
        holder = fr.base + dyn.count_base  # the layout holding the flag and count fields
        flag = read_bits(fr.data, holder + segs.flag.offset, segs.flag.width)
        if flag is None or segs.strides.get(flag, 0) <= 0:
            return []
        stride = segs.strides[flag]
        start, path = fr.base + pn.bit, self.path
        room = max(0, (fr.nbits - start) // stride)
        out: list[Node] = []
        for run in segs.runs:
            stated = read_bits(fr.data, holder + run.count.offset, run.count.width)
            layout = run.layouts.get(flag)
            if stated is None or layout is None:
                break
            plan = compile_plan(fr.lset, layout)
            for _ in range(min(stated, room - len(out))):
                i = len(out)
                bit = start + i * stride
                element = PlanNode(f"{pn.name}[{i}]", "", "union", 0, stride, access=pn.access)
                node = Node(element, Frame(fr.lset, fr.data, bit, [], f"{path}[{i}]"))
                node._kids = [_instance(plan, fr.lset, fr.data, bit, f"{path}[{i}].{layout}")]
                out.append(node)
        return out

    def __repr__(self) -> str:
        value = self.value
        shown = f"0x{value.hex()}" if isinstance(value, bytes) else value
        where = self.path or self.name
        return f"Node({where!r}, {self.kind}, bit={self.bit_offset}, value={shown!r})"


def choose_member(pn: PlanNode, data: bytes, base: int) -> str | None:
    """The member a data-selected union holds, from its selector field or conditions."""
    dyn = pn.dyn
    assert dyn is not None
    if dyn.mode == "select" and dyn.selector is not None:
        value = read_bits(data, base + dyn.sel_base + dyn.selector.offset, dyn.selector.width)
        return None if value is None else dyn.selector.members.get(value)
    start = base + dyn.cond_base

    def read(offset: int, width: int) -> int | None:
        return read_bits(data, start + offset, width)

    return next((m for m, ast in dyn.conditions if eval_condition(ast, read)), None)


def _child_path(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _instance(plan: Plan, lset: LayoutSet, data: bytes, base: int, prefix: str,
              name: str | None = None) -> Node:
    return Node(plan.root, Frame(lset, data, base, plan.extract(data, base), prefix, plan), name)


def decode_plan(plan: Plan, lset: LayoutSet, data: bytes) -> Node:
    """The root Node of `data` decoded with `plan` (layout starting at byte 0)."""
    return _instance(plan, lset, bytes(data), 0, "")


# -- walking ---------------------------------------------------------------------------
LEAF_KINDS = frozenset({"int", "bytes", "raw"})


def is_leaf(node: Node) -> bool:
    return node.kind in LEAF_KINDS or (node.kind == "union" and not node.children)


def iter_leaves(node: Node) -> Iterator[Node]:
    """Every value-carrying node under `node`, in tree order."""
    stack = [node]
    while stack:
        current = stack.pop()
        if is_leaf(current):
            yield current
        else:
            stack.extend(reversed(current.children))


def iter_nodes(node: Node) -> Iterator[Node]:
    """Every node under `node` (itself first), in tree order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if not is_leaf(current):
            stack.extend(reversed(current.children))


def node_at_bit(root: Node, bit: int) -> Node | None:
    """The deepest node covering absolute bit `bit` (a reserved gap gives its parent)."""
    start = root.bit_offset
    if not start <= bit < start + max(root.width_bits, 1):
        return None
    current = root
    while not is_leaf(current):
        kids = current.children
        i = bisect_right([k.bit_offset for k in kids], bit) - 1
        if i < 0 or bit >= kids[i].bit_offset + kids[i].width_bits:
            break  # fields never overlap within a struct; a gap belongs to the parent
        current = kids[i]
    return current


def find_node(root: Node, path: str) -> Node | None:
    """The node at a dotted path such as `register_data.counter_set` or `pas[3]`."""
    if path in ("", root.path):
        return root
    return next((n for n in iter_nodes(root) if n.path == path), None)


def hex_value(value: bytes | None) -> str | None:
    return None if value is None else "0x" + value.hex()


def node_to_json(node: Node) -> Any:
    """JSON shape: structs as objects, unions as {member: ...}, arrays as lists, ints up to
    64 bits as numbers, wider fields and raw bytes as 0x-hex strings, missing as null."""
    kind = node.kind
    fr = node._fr
    if node._pn is fr.plan_root and node._kids is None and fr.plan is not None:
        return fr.plan.json_builder(_dyn_json)(fr.values, fr)  # generated: no Node objects
    if node._pn.dyn is None and node._kids is None:
        return _plan_json(node._pn, fr)
    if kind == "int":
        return node.value
    if kind in ("bytes", "raw"):
        return hex_value(node.value)
    if kind == "array":
        return [node_to_json(c) for c in node.children]
    if kind == "union" and not node.children:
        return hex_value(node.value)
    return {c.name: node_to_json(c) for c in node.children}


def _dyn_json(pn: PlanNode, fr: Frame) -> Any:
    return node_to_json(Node(pn, fr))


def _plan_json(pn: PlanNode, fr: Frame) -> Any:
    if pn.index >= 0:
        value = fr.values[pn.index]
        return value if pn.kind == "int" or value is None else "0x" + value.hex()
    if pn.dyn is not None:
        return node_to_json(Node(pn, fr))
    if pn.kind == "array":
        return [_plan_json(c, fr) for c in pn.children]
    return {c.name: _plan_json(c, fr) for c in pn.children}

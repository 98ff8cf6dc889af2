"""Field tables: one `Layout` per struct/union, loaded from a generated JSON document.

A layout is big-endian and bit-packed, offsets MSB-first (bit 0 = top bit of byte 0), the
convention of mlx5_ifc.h and the PRM. Reserved fields are absent from the tables: they are
gaps, so they never reach a decoded tree but stay visible in a hex view.

Field kinds: `int` (a number, or bytes when wider than 64 bits), `struct`, `union`
(resolved by context, by a selector field or by a condition; else shown raw), `array`
(fixed count, or `flexible`: as many elements as the buffer holds, or fewer when a count
field says so) and `raw` (a byte-aligned payload running to the end of the buffer).

A union may be zero-width: a C union of flexible arrays (`rqtc`'s rq_num[] / rq_vhca[]).
Its selector picks which array the data holds, and its `counted_by` field, like a flexible
array's, says how many elements there are.

A flexible array may be `segmented`: consecutive runs of elements, each run counted by its
own field and laid out as its own struct, every element one stride wide, the stride picked
by a flag field (a flow entry's destinations, then its flow counters).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

DocLookup = Callable[[str, str], "str | None"]


@dataclass(frozen=True, slots=True)
class Selector:
    """A union member chosen by the value of a field of the containing layout."""

    field: str  # selector field name in the containing layout
    offset: int  # its bit offset relative to the containing layout
    width: int
    members: Mapping[int, str]  # selector value -> member name

    def value_for(self, member: str) -> int | None:
        for value, name in self.members.items():
            if name == member:
                return value
        return None


@dataclass(frozen=True, slots=True)
class CountRef:
    """The field stating how many elements a flexible array holds (C's `__counted_by`).

    It lives in the layout containing the array, or the union of arrays, that names it.
    """

    field: str  # count field name in the containing layout
    offset: int  # its bit offset relative to the containing layout
    width: int


@dataclass(frozen=True, slots=True)
class FlagRef:
    """The field whose value picks a segmented list's stride and element layouts.

    It lives in the layout containing the list, like a CountRef.
    """

    field: str
    offset: int  # bit offset relative to the containing layout
    width: int


@dataclass(frozen=True, slots=True)
class Segment:
    """One run of a segmented list: `count` elements, each laid out as `layouts[flag]`.

    The layout's name is also the element's member name in decoded paths
    (`destination[2].flow_counter_list.flow_counter_id`).
    """

    count: CountRef
    layouts: Mapping[int, str]  # flag value -> element layout

    def __post_init__(self) -> None:
        object.__setattr__(self, "layouts", MappingProxyType(dict(self.layouts)))


@dataclass(frozen=True, slots=True)
class Segments:
    """A flexible array of consecutive counted runs sharing one flag-picked stride.

    Element i of run k sits at `i * stride` from the array's start, where the runs before
    k hold their counts' worth of elements. A flag value without a stride, or a run
    without a layout for it, ends the list there (nothing says how to read on).
    """

    flag: FlagRef
    strides: Mapping[int, int]  # flag value -> element stride in bits
    runs: tuple[Segment, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "strides", MappingProxyType(dict(self.strides)))

    def flags_for(self, layout: str) -> frozenset[int]:
        """Flag values under which some run lays its elements out as `layout`."""
        return frozenset(v for run in self.runs for v, name in run.layouts.items()
                         if name == layout and v in self.strides)

    def run_of(self, layout: str, flag: int) -> int | None:
        """Index of the run whose elements are `layout` under `flag` (None: no such run)."""
        return next((k for k, run in enumerate(self.runs) if run.layouts.get(flag) == layout),
                    None)

    @property
    def layout_names(self) -> list[str]:
        """Every element layout, in run order (each once)."""
        return list(dict.fromkeys(name for run in self.runs for name in run.layouts.values()))


@dataclass(frozen=True, slots=True)
class Enum:
    """Labels of a field's values (first label wins on decode; any label encodes)."""

    name: str
    by_label: Mapping[str, int]
    by_value: Mapping[int, str]

    @classmethod
    def build(cls, name: str, members: Mapping[str, int]) -> Enum:
        by_value: dict[int, str] = {}
        for label, value in members.items():
            by_value.setdefault(value, label)
        return cls(name, MappingProxyType(dict(members)), MappingProxyType(by_value))

    def lookup(self, label: str) -> int | None:
        """Case-insensitive label -> value."""
        if label in self.by_label:
            return self.by_label[label]
        low = label.lower()
        for name, value in self.by_label.items():
            if name.lower() == low:
                return value
        return None


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One row of a field table."""

    name: str
    offset: int
    width: int
    kind: str  # int | struct | union | array | raw
    type: str | None = None  # struct/union layout, or array element layout
    count: int = 0
    elem_width: int = 0
    flexible: bool = False
    elem_union: bool = False
    enum: Enum | None = None
    access: str | None = None
    selector: Selector | None = None
    conditions: tuple[tuple[str, Any], ...] | None = None
    counted_by: CountRef | None = None  # flexible array, or union of flexible arrays
    segments: Segments | None = None  # flexible array of counted runs (see Segments)


@dataclass(frozen=True, slots=True)
class Layout:
    """A struct or union: its size in bits and its non-reserved fields in offset order."""

    name: str
    size: int
    is_union: bool
    fields: tuple[FieldDef, ...]
    source: str = ""
    by_name: Mapping[str, FieldDef] = field(default_factory=dict, compare=False, repr=False)

    def member(self, key: str) -> FieldDef | None:
        """A union member (or struct field) by its name or by the layout it holds."""
        if key in self.by_name:
            return self.by_name[key]
        return next((f for f in self.fields if f.type == key), None)


class LayoutSet:
    """All layouts of one device family, with enums and an optional field-help lookup."""

    def __init__(self, layouts: Mapping[str, Layout], doc: DocLookup | None = None) -> None:
        self._layouts = dict(layouts)
        self.doc: DocLookup = doc or (lambda layout, name: None)

    def __getitem__(self, name: str) -> Layout:
        try:
            return self._layouts[name]
        except KeyError:
            raise KeyError(f"unknown layout {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._layouts

    def __iter__(self) -> Any:
        return iter(self._layouts)

    def __len__(self) -> int:
        return len(self._layouts)

    @classmethod
    def from_tables(cls, layouts: Mapping[str, Any], enums: Mapping[str, Mapping[str, int]],
                    doc: DocLookup | None = None) -> LayoutSet:
        """Build from the generated JSON shape (`layouts` and `enums` sections)."""
        enum_objs = {name: Enum.build(name, members) for name, members in enums.items()}
        built = {name: _layout(name, raw, enum_objs) for name, raw in layouts.items()}
        return cls(built, doc)


def _layout(name: str, raw: Mapping[str, Any], enums: Mapping[str, Enum]) -> Layout:
    fields = tuple(sorted((_field(f, enums) for f in raw["fields"]), key=lambda f: f.offset))
    return Layout(name=name, size=int(raw["size"]), is_union=bool(raw.get("union")),
                  fields=fields, source=str(raw.get("src", "")),
                  by_name=MappingProxyType({f.name: f for f in fields}))


def _field(raw: Mapping[str, Any], enums: Mapping[str, Enum]) -> FieldDef:
    sel = raw.get("sel")
    selector = None
    if sel:
        selector = Selector(field=sel["f"], offset=int(sel["o"]), width=int(sel["w"]),
                            members=MappingProxyType({int(k): v for k, v in sel["v"].items()}))
    cond = raw.get("cond")
    cnt = raw.get("cnt")
    counted_by = CountRef(cnt["f"], int(cnt["o"]), int(cnt["w"])) if cnt else None
    segs = raw.get("segs")
    return FieldDef(
        name=raw["n"], offset=int(raw["o"]), width=int(raw["w"]), kind=raw["k"],
        type=raw.get("t") or raw.get("et"), count=int(raw.get("c", 0)),
        elem_width=int(raw.get("ew", 0)), flexible=bool(raw.get("flex")),
        elem_union=bool(raw.get("eu")), enum=enums[raw["e"]] if raw.get("e") else None,
        access=raw.get("a"), selector=selector,
        conditions=tuple((m, ast) for m, ast in cond) if cond else None,
        counted_by=counted_by, segments=_segments(segs) if segs else None,
    )


def _segments(raw: Mapping[str, Any]) -> Segments:
    """`{"flag": {f, o, w}, "stride": {value: bits}, "runs": [{"cnt": {f, o, w},
    "m": {value: layout}}, ...]}` -> Segments."""
    flag = raw["flag"]
    runs = tuple(Segment(CountRef(r["cnt"]["f"], int(r["cnt"]["o"]), int(r["cnt"]["w"])),
                         {int(k): v for k, v in r["m"].items()}) for r in raw["runs"])
    return Segments(FlagRef(flag["f"], int(flag["o"]), int(flag["w"])),
                    {int(k): int(v) for k, v in raw["stride"].items()}, runs)


def eval_condition(ast: Any, read: Callable[[int, int], int | None]) -> bool:
    """Evaluate a page condition: ["or"|"and", ...], ["eq", offset, width, value], ["false"]."""
    op = ast[0]
    if op == "eq":
        value: int = ast[3]
        return read(ast[1], ast[2]) == value
    if op == "or":
        return any(eval_condition(a, read) for a in ast[1:])
    if op == "and":
        return all(eval_condition(a, read) for a in ast[1:])
    return False

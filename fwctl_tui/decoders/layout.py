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
    return FieldDef(
        name=raw["n"], offset=int(raw["o"]), width=int(raw["w"]), kind=raw["k"],
        type=raw.get("t") or raw.get("et"), count=int(raw.get("c", 0)),
        elem_width=int(raw.get("ew", 0)), flexible=bool(raw.get("flex")),
        elem_union=bool(raw.get("eu")), enum=enums[raw["e"]] if raw.get("e") else None,
        access=raw.get("a"), selector=selector,
        conditions=tuple((m, ast) for m, ast in cond) if cond else None,
        counted_by=counted_by,
    )


def eval_condition(ast: Any, read: Callable[[int, int], int | None]) -> bool:
    """Evaluate a page condition: ["or"|"and", ...], ["eq", offset, width, value], ["false"]."""
    op = ast[0]
    if op == "eq":
        return read(ast[1], ast[2]) == ast[3]
    if op == "or":
        return any(eval_condition(a, read) for a in ast[1:])
    if op == "and":
        return all(eval_condition(a, read) for a in ast[1:])
    return False

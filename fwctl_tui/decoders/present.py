"""The presentation layer: a decoded tree as a person reads it, for every front end.

`present(root)` wraps a decoder `Node` tree in `View`s that the TUI tree, the CLI table
(`iter_rows`, `meaning`), `--json` (present_json.view_json) and the capture tables use,
so a value reads the same everywhere:

- a character array (PSID, vendor name, serial, ...) is one text value (`show_text`);
- a scaled field carries its engineer value and unit (MTMP `60.125 °C`), a PTYS mask
  its protocol names and rate, PDDR's FEC mode its RS code, BCD digits their number;
- a 64-bit counter split into `x_high`/`x_low` is one value `x`, and MTMP's 8-character
  `sensor_name_hi`/`_lo` one text;
- MGIR's firmware version (`28.39.1002`) and installation date are added as one value;
- a reply whose status is not OK shows its header only: the rest is marked not valid.

`present(root, raw=True)` is the faithful field-by-field tree (the TUI's raw toggle).
Unit facts come from the PRM prose (mlx5/units.py); a field without them stays raw.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fwctl_tui.decoders.mlx5.shown import NOTHING, Shown, bcd, show_int, show_text
from fwctl_tui.decoders.mlx5.status import status_name
from fwctl_tui.decoders.mlx5.units import document
from fwctl_tui.decoders.node import Node

HEADER_FIELDS = ("status", "syndrome")  # all a failed reply's bytes mean
_HIGH_HALVES = ("_high", "_hi")  # the names _pair can join (checked first: most are not)
VERSION_PARTS = (("extended_major", "extended_minor", "extended_sub_minor"),
                 ("major", "minor", "sub_minor"))
VERSION_LAYOUT = "mgir_fw_info_ext"  # the layout whose version parts make one `version`


class View:
    """One line of the presented tree: a decoder Node, or several joined into one value.

    Has the attributes the tree widget and the tables read from a Node (name, path, kind,
    value, label, missing, bit_offset, width_bits, children, doc, access) plus `shown`
    (the engineer value) and `parts` (the Nodes it stands for)."""

    __slots__ = ("_kids", "_value", "is_reply", "kind", "name", "node", "note", "parent_layout",
                 "parts", "raw", "shown")

    def __init__(self, node: Node, *, raw: bool = False, shown: Shown = NOTHING,
                 name: str | None = None, parts: tuple[Node, ...] | None = None,
                 kind: str | None = None, value: Any = None, note: str | None = None) -> None:
        self.node, self.raw, self.shown = node, raw, shown
        self.name = name or node.name
        self.parts = parts or (node,)
        self.kind = kind or node.kind
        self._value, self.note = value, note
        self.is_reply = False  # a reply root: its JSON says whether the data is valid
        self.parent_layout: str | None = None  # the layout this field belongs to
        self._kids: list[View] | None = [] if kind in ("joined", "text", "invalid",
                                                        "more") else None

    # -- what the widgets and tables read -----------------------------------------------
    @property
    def path(self) -> str:
        if self.kind == "invalid":
            return self.name
        path = self.node.path
        if len(self.parts) > 1 and self.kind != "composite":
            head, _, _ = path.rpartition(".")
            return f"{head}.{self.name}" if head else self.name
        return path if self.kind != "composite" else _sibling(path, self.name)

    @property
    def value(self) -> Any:
        return self.node.value if self._value is None and self.kind not in (
            "composite", "invalid") else self._value

    @property
    def label(self) -> str | None:
        return self.node.label if len(self.parts) == 1 and self.kind != "invalid" else None

    @property
    def missing(self) -> bool:
        return any(p.missing for p in self.parts) if self.kind != "invalid" else False

    @property
    def bit_offset(self) -> int:
        return min(p.bit_offset for p in self.parts)

    @property
    def width_bits(self) -> int:
        if self.kind == "invalid":  # to the buffer's end, without decoding a long list
            return max(0, self.node.buffer_bits - self.bit_offset)
        return max(p.bit_offset + p.width_bits for p in self.parts) - self.bit_offset

    @property
    def doc(self) -> str | None:
        return self.node.doc

    @property
    def access(self) -> str | None:
        return self.node.access

    @property
    def children(self) -> list[View]:
        if self._kids is None:
            self._kids = _children(self)
        return self._kids

    def shows(self, node: Node) -> bool:
        """Whether this line stands for decoder `node` (itself, a part, or inside it)."""
        if any(p is node for p in self.parts):
            return True
        if self.children or self.kind == "composite":
            return False
        start = self.bit_offset
        return start <= node.bit_offset < start + max(self.width_bits, 1)

    def __repr__(self) -> str:
        return f"View({self.path!r}, {self.kind}, {self.shown.text or self.value!r})"


def _sibling(path: str, name: str) -> str:
    head, _, _ = path.rpartition(".")
    return f"{head}.{name}" if head else name


def present(root: Node, *, raw: bool = False, is_reply: bool = False) -> View:
    """The presented tree of `root`; a reply with a non-OK status shows its header only."""
    view = View(root, raw=raw)
    view.is_reply = is_reply
    if is_reply and not raw:
        status = reply_status(root)
        if status:
            view._kids = _failed_children(view, status)
    return view


def reply_status(root: Node) -> int | None:
    """The mlx5 status byte of a decoded reply (None when absent or cut off)."""
    node = next((c for c in root.children if c.name == "status"), None)
    value = None if node is None else node.value
    return value if isinstance(value, int) else None


def not_valid_text(status: int) -> str:
    return (f"not valid: the command failed (status {status_name(status)}); firmware "
            "returned no data, only the status and syndrome above")


def _failed_children(view: View, status: int) -> list[View]:
    kids = [View(c) for c in view.node.children if c.name in HEADER_FIELDS]
    rest = [c for c in view.node.children if c.name not in HEADER_FIELDS]
    if rest:
        kids.append(View(rest[0], name="rest of the reply", parts=tuple(rest), kind="invalid",
                         note=not_valid_text(status)))
    return kids


# -- building the children ------------------------------------------------------------------
def _children(view: View) -> list[View]:
    layout = view.node.layout if view.node.kind == "struct" else None
    out = _child_views(view, layout)
    for kid in out:
        kid.parent_layout = layout
    return out


def _child_views(view: View, layout: str | None) -> list[View]:
    node, raw = view.node, view.raw
    kids = node.children
    if raw:
        return [View(c, raw=True) for c in kids]
    units = document()["fields"].get(layout or "", {})
    out: list[View] = []
    by_name = {c.name: c for c in kids}
    done: set[str] = set()
    for child in kids:
        name = child.name
        if name in done:
            continue
        pair = _pair(child, by_name, units) if name.endswith(_HIGH_HALVES) else None
        if pair is not None:
            done.add(pair.parts[1].name)
            out.append(pair)
            continue
        out.append(_leaf_view(child, units.get(name)))
    out.extend(_composites(view, by_name, units))
    return out


def _leaf_view(node: Node, spec: dict[str, Any] | None) -> View:
    if spec is not None and spec["kind"] == "text":
        data = _bytes_of(node)
        if data is not None:
            return View(node, shown=show_text(data), kind="text", value=data)
    value = node.value
    if spec is not None and isinstance(value, int) and not node.missing:
        return View(node, shown=show_int(spec, value, node.width_bits))
    return View(node)


def _bytes_of(node: Node) -> bytes | None:
    """The bytes of a character field: an array of 8-bit elements, bytes, or an int."""
    if node.missing:
        return None
    value = node.value
    if isinstance(value, bytes):
        return value
    if isinstance(value, int):
        return value.to_bytes((node.width_bits + 7) // 8, "big")
    if node.kind == "array":  # 8-bit characters, or dwords of four (PDDR vendor_name)
        kids = node.children
        if kids and all(isinstance(k.value, int) and k.width_bits % 8 == 0 for k in kids):
            return b"".join(k.value.to_bytes(k.width_bits // 8, "big") for k in kids)
    return None


def _pair(high: Node, by_name: dict[str, Node], units: dict[str, Any]) -> View | None:
    """`x_high` + `x_low` -> one 64-bit `x`; `x_hi` + `x_lo` text halves -> one text `x`."""
    name = high.name
    for hi, lo in (("_high", "_low"), ("_hi", "_lo")):
        if not name.endswith(hi):
            continue
        base = name[: -len(hi)]
        low = by_name.get(base + lo)
        if (low is None or high.kind != "int" or low.kind != "int"
                or low.bit_offset != high.bit_offset + high.width_bits):
            return None
        if hi == "_hi":
            if not (units.get(name, {}).get("kind") == "text" == units.get(
                    base + lo, {}).get("kind")):
                return None
            data = b"".join(_bytes_of(n) or b"" for n in (high, low))
            return View(high, name=base, parts=(high, low), kind="text",
                        shown=show_text(data), value=data)
        joined = None
        if isinstance(high.value, int) and isinstance(low.value, int):
            joined = high.value << low.width_bits | low.value
        return View(high, name=base, parts=(high, low), kind="joined", value=joined)
    return None


def _composites(view: View, by_name: dict[str, Node], units: dict[str, Any]) -> list[View]:
    """Values made of several fields: the firmware version, a BCD date and time."""
    out: list[View] = []
    names = set(by_name)
    if set(VERSION_PARTS[0]) <= names and view.node.layout == VERSION_LAYOUT:
        out.extend(_version(by_name))
    bcd_names = {n for n, spec in units.items() if spec["kind"] == "bcd" and n in by_name}
    for prefix in sorted({n[: -len("year")] for n in bcd_names if n.endswith("year")}):
        parts = [by_name.get(prefix + p) for p in ("year", "month", "day")]
        if all(p is not None and prefix + p.name[len(prefix):] in bcd_names for p in parts):
            date = _date_text([p for p in parts if p is not None], by_name, prefix, bcd_names)
            if date is not None:
                nodes = tuple(p for p in parts if p is not None)
                out.append(View(nodes[0], name=prefix + "date", parts=nodes, kind="composite",
                                shown=Shown(text=date, value=date), value=date))
    return out


def _version(by_name: dict[str, Node]) -> list[View]:
    for names in VERSION_PARTS:
        nodes = [by_name[n] for n in names if n in by_name]
        values = [n.value for n in nodes]
        if len(nodes) == 3 and all(isinstance(v, int) for v in values) and any(values):
            text = f"{values[0]}.{values[1]}.{values[2]:04d}"
            return [View(nodes[0], name="version", parts=tuple(nodes), kind="composite",
                         shown=Shown(text=text, value=text), value=text)]
    return []


def _date_text(parts: list[Node], by_name: dict[str, Node], prefix: str,
               bcd_names: set[str]) -> str | None:
    numbers = [bcd(p.value) if isinstance(p.value, int) else None for p in parts]
    if any(n is None for n in numbers):
        return None
    year, month, day = (int(n or 0) for n in numbers)
    if year < 100:  # the PRM's own example codes 2004 as 0x04
        year += 2000
    text = f"{year:04d}-{month:02d}-{day:02d}"
    hour = by_name.get(prefix + "hour")
    if hour is not None and prefix + "hour" in bcd_names and isinstance(hour.value, int):
        hhmm = f"{hour.value:04x}"
        if hhmm.isdigit():
            text += f" {hhmm[:2]}:{hhmm[2:]}"
    return text


# -- flat rows for tables -------------------------------------------------------------------
def iter_rows(view: View, limit: int | None = None) -> Iterator[View]:
    """Every line that carries a value, in tree order (structs and arrays expanded).
    With `limit`, a long list is read only as far as `limit` rows can reach."""
    stack = [view]
    while stack:
        current = stack.pop()
        kids = _kids_upto(current, limit) if current.kind not in ("int", "bytes", "raw") else []
        if kids:
            stack.extend(reversed(kids))
        elif current is not view or current.kind in ("int", "bytes", "raw", "union"):
            yield current


def _kids_upto(view: View, limit: int | None) -> list[View]:
    if limit is None or view._kids is not None or view.kind != "array":
        return view.children
    nodes = view.node.children_upto(limit)
    out = [View(c, raw=view.raw) for c in nodes]
    if len(nodes) == limit:  # maybe more: say so rather than read them all
        out.append(View(nodes[-1], kind="more", note=f"more elements of {view.name} follow"))
    return out


def meaning(view: View) -> str:
    """What the value means, for a table's last column: label, engineer value, or note."""
    if view.kind == "invalid":
        return view.note or ""
    if view.kind == "text":
        return "text"
    if view.kind == "composite":
        return "from " + ", ".join(p.name for p in view.parts)
    if view.shown.text is not None:
        text = view.shown.text
        return f"{view.label} · {text}" if view.label else text
    return view.label or view.shown.note or ""

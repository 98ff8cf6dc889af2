"""Layout conversion for the mlx5 generator: reference structs and registers -> field tables.

Builder turns mlx5_ifc.json structs and mlx5_registers.json nodes into the compact
layout records the decoders read (offsets, widths, kinds, enums, unions and their
selectors, flexible arrays and their count fields, segmented lists); _condition compiles
register page conditions into a tiny AST.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tools.mlx5_tables import FIELD_ENUMS, IFC_COUNTS, IFC_SEGMENTS, IFC_SELECTORS
from tools.reference import reference_dir


def load_reference(name: str) -> Any:
    """One reference JSON file, parsed."""
    return json.loads((reference_dir() / name).read_text("utf-8"))


class Builder:
    """Collects the reachable layouts and enums in the generic table format."""

    def __init__(self, ifc: dict[str, Any], regs: dict[str, Any]) -> None:
        self.ifc = ifc
        self.structs: dict[str, Any] = ifc["structs"]
        self.nodes: dict[str, Any] = regs["nodes"]
        self.layouts: dict[str, Any] = {}
        self.enums: dict[str, dict[str, int]] = {}
        self._enum_ids: dict[tuple[tuple[str, int], ...], str] = {}

    # -- enums -------------------------------------------------------------------------
    def enum(self, members: dict[str, int], hint: str) -> str:
        key = tuple(sorted(members.items(), key=lambda kv: (kv[1], kv[0])))
        if key not in self._enum_ids:
            name = hint
            while name in self.enums:
                name += "_"
            self._enum_ids[key] = name
            self.enums[name] = dict(key)
        return self._enum_ids[key]

    def ifc_enum(self, prefix: str | tuple[str, ...]) -> dict[str, int]:
        """Enumerators under one prefix (or several, merged in order), prefix removed."""
        found: dict[str, int] = {}
        for one in (prefix,) if isinstance(prefix, str) else prefix:
            members = {k.removeprefix(one): v for k, v in self.ifc["enums"].items()
                       if k.startswith(one)}
            if not members:
                raise SystemExit(f"no mlx5_ifc enum with prefix {one}")
            for label, value in members.items():
                found.setdefault(label, value)
        return found

    def ifc_fields(self, name: str) -> list[dict[str, Any]]:
        """The converted (non-reserved) fields of a struct, without adding it as a layout."""
        fields = []
        for f in self.structs[name]["fields"]:
            conv = self._ifc_field(name, f)
            if conv is not None:
                fields.append(conv)
        return fields

    # -- mlx5_ifc structs --------------------------------------------------------------
    def add_ifc(self, name: str) -> str:
        if name in self.layouts:
            return name
        if name not in self.structs:
            raise KeyError(name)
        src = self.structs[name]
        entry: dict[str, Any] = {"size": src["size_bits"], "src": "ifc"}
        if src.get("union"):
            entry["union"] = 1
        self.layouts[name] = entry  # placeholder first: structs may recurse
        fields = []
        for f in src["fields"]:
            conv = self._ifc_field(name, f)
            if conv is not None:
                fields.append(conv)
        entry["fields"] = fields
        return name

    def _ifc_width(self, f: dict[str, Any]) -> int:
        if f.get("width_bits") is not None:
            return int(f["width_bits"])
        return int(self.structs[f["type"]]["size_bits"])

    def _ifc_field(self, parent: str, f: dict[str, Any]) -> dict[str, Any] | None:
        kind = f["kind"]
        if kind == "reserved":
            return None
        name = f["name"]
        if name is None:  # anonymous union: name it after its members
            name = "_or_".join(m["name"] for m in self.structs[f["type"]]["fields"]
                               if m["kind"] != "reserved")
        out: dict[str, Any] = {"n": name, "o": f["offset_bits"], "w": self._ifc_width(f)}
        if kind == "bits":
            out["k"] = "int"
            prefix = FIELD_ENUMS.get((parent, name))
            if prefix:
                first = prefix if isinstance(prefix, str) else prefix[0]
                hint = first.removeprefix("MLX5_").rstrip("_")
                out["e"] = self.enum(self.ifc_enum(prefix), hint)
        elif kind in ("struct", "union"):
            target = self.structs.get(f["type"])
            if target is None:
                return None  # type defined nowhere in the reference (e.g. a missing cap page)
            is_union = kind == "union" or bool(target.get("union"))
            out["k"] = "union" if is_union else "struct"
            out["t"] = self.add_ifc(f["type"])
            sel = IFC_SELECTORS.get((parent, name))
            if sel:
                out["sel"] = self._ifc_selector(parent, sel)
            if (parent, name) in IFC_COUNTS:
                out["cnt"] = self._ifc_count(parent, name, target)
        elif kind == "array":
            out["k"] = "array"
            out["c"] = f.get("count") or 0
            out["ew"] = f["element_width_bits"]
            if f.get("flexible"):
                out["flex"] = 1
                if (parent, name) in IFC_COUNTS:
                    out["cnt"] = self._ifc_count(parent, name, None)
                if (parent, name) in IFC_SEGMENTS:
                    out["segs"] = self._ifc_segments(parent, name)
            if f.get("element_kind") in ("struct", "union"):
                if f.get("type") not in self.structs:
                    return None
                out["et"] = self.add_ifc(f["type"])
                if f["element_kind"] == "union" or self.structs[f["type"]].get("union"):
                    out["eu"] = 1
        else:
            raise SystemExit(f"unknown field kind {kind} in {parent}")
        return out

    def _ifc_selector(self, parent: str, sel: tuple[str, dict[str, str]]) -> dict[str, Any]:
        field_name, mapping = sel
        field = next(f for f in self.structs[parent]["fields"] if f["name"] == field_name)
        values: dict[str, str] = {}
        for key, member in mapping.items():
            value = self.ifc["enums"][key] if key in self.ifc["enums"] else int(key)
            values[str(value)] = member
        return {"f": field_name, "o": field["offset_bits"], "w": field["width_bits"], "v": values}

    def _ifc_count(self, parent: str, name: str, union: dict[str, Any] | None) -> dict[str, Any]:
        """The count field of a flexible array, or of a union whose members all are ones."""
        if union is not None and not all(
                m["kind"] == "reserved" or (m["kind"] == "array" and m.get("flexible"))
                for m in union["fields"]):
            raise SystemExit(f"{parent}.{name}: a count needs flexible-array members")
        field_name = IFC_COUNTS[(parent, name)]
        field = next(f for f in self.structs[parent]["fields"] if f["name"] == field_name)
        return {"f": field_name, "o": field["offset_bits"], "w": field["width_bits"]}

    def _ifc_ref(self, parent: str, field_name: str) -> dict[str, Any]:
        """{f, o, w} of a field of `parent` (SystemExit when the reference lacks it)."""
        field = next((f for f in self.structs[parent]["fields"] if f["name"] == field_name),
                     None)
        if field is None or field["kind"] != "bits":
            raise SystemExit(f"{parent}.{field_name}: no such number field in the reference")
        return {"f": field_name, "o": field["offset_bits"], "w": field["width_bits"]}

    def _ifc_segments(self, parent: str, name: str) -> dict[str, Any]:
        """A segmented list: flag field, strides and runs (count field, element layouts).

        Each element struct must fit its stride and runs must differ in layout under one
        flag value (an encoded entry names its layout, which must say its run).
        """
        flag, strides, runs = IFC_SEGMENTS[(parent, name)]
        flag_ref = self._ifc_ref(parent, flag)
        if any(value >> flag_ref["w"] for value in strides):
            raise SystemExit(f"{parent}.{name}: a stride's flag value does not fit {flag}")
        out_runs = []
        for count, layouts in runs:
            for value, layout in layouts.items():
                size = self.structs[self.add_ifc(layout)]["size_bits"]
                if value not in strides or size > strides[value]:
                    raise SystemExit(f"{parent}.{name}: {layout} does not fit the stride "
                                     f"{strides.get(value)} of {flag}={value}")
            out_runs.append({"cnt": self._ifc_ref(parent, count),
                             "m": {str(k): v for k, v in layouts.items()}})
        for value in strides:
            used = [layouts.get(value) for _, layouts in runs]
            if len(set(used)) != len(used):
                raise SystemExit(f"{parent}.{name}: two runs share a layout under {flag}={value}")
        return {"flag": flag_ref, "stride": {str(k): v for k, v in strides.items()},
                "runs": out_runs}

    def check_tables(self) -> None:
        """Every IFC_SELECTORS / IFC_COUNTS / IFC_SEGMENTS entry reached a layout (no typo)."""
        for table, key in ((IFC_SELECTORS, "sel"), (IFC_COUNTS, "cnt"), (IFC_SEGMENTS, "segs")):
            for struct, field_name in table:
                fields = self.layouts.get(struct, {}).get("fields", [])
                if not any(f["n"] == field_name and key in f for f in fields):
                    raise SystemExit(f"{struct}.{field_name}: table entry matched no field")

    # -- mlx5_registers nodes ----------------------------------------------------------
    def add_node(self, node_name: str) -> str:
        # a register node named like an mlx5_ifc struct (only `uint64`) gets a prefix
        name = f"reg_{node_name}" if node_name in self.structs else node_name
        if name in self.layouts:
            return name
        node = self.nodes[node_name]
        entry: dict[str, Any] = {"size": node["size_bits"], "src": "reg"}
        if node_name != name:
            entry["node"] = node_name
        if node["is_union"]:
            entry["union"] = 1
        self.layouts[name] = entry
        entry["fields"] = [self._node_field(node, f) for f in node["fields"]]
        return name

    def _node_field(self, parent: dict[str, Any], f: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"n": f["name"], "o": f["offset_bits"], "w": f["width_bits"]}
        if f.get("access"):
            out["a"] = f["access"]
        arr, sub = f.get("array"), f.get("subnode")
        if arr:
            out["k"] = "array"
            out["ew"] = arr["element_bits"]
            out["c"] = arr["count"] or 0
            if arr["dynamic"]:
                out["c"], out["flex"] = 0, 1
            if sub:
                out["et"] = self.add_node(sub)
                if self.nodes[sub]["is_union"]:
                    out["eu"] = 1
        elif sub:
            target = self.nodes[sub]
            out["t"] = self.add_node(sub)
            out["k"] = "union" if target["is_union"] else "struct"
            if f.get("selector_field") and f["selector_field"].get("offset_bits") is not None:
                out["sel"] = self._node_selector(f, target)
            elif target["is_conditional"]:
                out["cond"] = [[m["name"], _condition(m.get("condition") or "", parent)]
                               for m in target["fields"]]
        else:
            out["k"] = "int"
        if f.get("enum") and out["k"] in ("int", "array"):
            out["e"] = self.enum(f["enum"], f["name"])
        return out

    @staticmethod
    def _node_selector(f: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
        sf = f["selector_field"]
        values = {str(m["selector_value"]): m["name"] for m in target["fields"]
                  if m.get("selector_value") is not None}
        return {"f": sf["path"].removeprefix("$(parent)."), "o": sf["offset_bits"],
                "w": sf["width_bits"], "v": values}


_TOKEN = re.compile(r"\$\(parent\)\.[A-Za-z0-9_.]+|==|\|\||&&|[()|&]|[A-Za-z0-9_.]+")


def _condition(text: str, parent: dict[str, Any]) -> Any:
    """Turn a register page condition into a small AST over parent-relative bit ranges.

    Grammar: expr = term (OR term)*, term = factor (AND factor)*, factor = (expr) | ref == name.
    A reference or value we cannot resolve makes that comparison false.
    """
    tokens = _TOKEN.findall(text)
    pos = 0
    fields = {f["name"]: f for f in parent["fields"]}

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def expr() -> Any:
        parts = [term()]
        while peek() in ("|", "||", "OR"):
            take()
            parts.append(term())
        return parts[0] if len(parts) == 1 else ["or", *parts]

    def term() -> Any:
        parts = [factor()]
        while peek() in ("AND", "&&", "&"):
            take()
            parts.append(factor())
        return parts[0] if len(parts) == 1 else ["and", *parts]

    def factor() -> Any:
        tok = take()
        if tok == "(":
            inner = expr()
            if peek() == ")":
                take()
            return inner
        ref = tok.removeprefix("$(parent).")
        if peek() != "==":
            return ["false"]
        take()
        label = take()
        field = fields.get(ref)
        if field is None:
            return ["false"]
        enum = field.get("enum") or {}
        if label in enum:
            value = enum[label]
        elif label.isdigit():
            value = int(label)
        else:
            return ["false"]
        return ["eq", field["offset_bits"], field["width_bits"], value]

    if not tokens:
        return ["false"]
    try:
        return expr()
    except IndexError:
        return ["false"]

"""The engineer-unit facts tools/gen_units.py read from the PRM prose (generated/units.json).

Per layout and field: `scaled` (unit, scale, signed), `text` (a character array), `bcd`
(packed decimal digits), or `raw` with `why` (the PRM names a unit but no resolution);
each with the PRM sentence it came from (`source`). A field absent here has no unit the
PRM states: it is shown raw. Also the PTYS protocol-bit tables and PDDR FEC mode names.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

GENERATED = "units.json"


@cache
def document() -> dict[str, Any]:
    path = resources.files("fwctl_tui.decoders.mlx5").joinpath("generated", GENERATED)
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def field_unit(layout: str, field: str) -> dict[str, Any] | None:
    """The unit facts of `field` in `layout` (project names), or None (shown raw)."""
    spec: dict[str, Any] | None = document()["fields"].get(layout, {}).get(field)
    return spec


def scale_of(layout: str, field: str) -> tuple[float, str, bool]:
    """(scale, unit, signed) of a scaled field; KeyError when the PRM gives none."""
    spec = field_unit(layout, field)
    if spec is None or spec["kind"] != "scaled":
        raise KeyError(f"{layout}.{field} has no scale in the PRM")
    return float(spec["scale"]), str(spec["unit"]), bool(spec["signed"])

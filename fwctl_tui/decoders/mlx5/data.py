"""The generated mlx5 tables (tools/gen_mlx5.py output), loaded once per process."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from fwctl_tui.decoders.layout import LayoutSet
from fwctl_tui.decoders.mlx5.field_docs import field_help

GENERATED = "mlx5.json"


@cache
def document() -> dict[str, Any]:
    """The whole generated document (commands, registers, cap pages, enums, layouts)."""
    path = resources.files("fwctl_tui.decoders.mlx5").joinpath("generated", GENERATED)
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


@cache
def layouts() -> LayoutSet:
    """Every mlx5 layout the catalogue reaches, with our field help attached."""
    doc = document()
    return LayoutSet.from_tables(doc["layouts"], doc["enums"], field_help)

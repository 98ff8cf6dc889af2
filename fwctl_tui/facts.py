"""The kernel's fwctl facts, loaded once from the packaged copy of fwctl-facts.json.

Every number the tool uses about the kernel (ioctl numbers, struct layouts, errno rules,
the mlx5 allow-list) comes from here, never from a literal in the code.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def facts() -> dict[str, Any]:
    """The parsed facts file (schema of ../shared/reference/fwctl-facts.json)."""
    text = resources.files("fwctl_tui").joinpath("data/fwctl_facts.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def struct_fields(struct: str) -> list[dict[str, Any]]:
    """Field list (name, offset, size, type) of a uAPI struct such as ``fwctl_rpc``."""
    fields: list[dict[str, Any]] = facts()["structs"][struct]["fields"]
    return fields

"""generated/units.json against the PRM prose, re-read here with simpler, separate checks."""

from __future__ import annotations

import json
import os
import re
from functools import cache
from typing import Any

import pytest

from fwctl_tui.decoders.mlx5.data import document as layouts_document
from fwctl_tui.decoders.mlx5.units import document
from tools.reference import reference_dir

try:
    reference_dir()
except FileNotFoundError as missing:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the reference is missing: {missing}", pytrace=False)
    pytest.skip(str(missing), allow_module_level=True)


@cache
def prm_fields() -> dict[tuple[str, int], dict[str, Any]]:
    """(layout, offset) -> the PRM field: the project's names may differ (kernel names)."""
    nodes = json.loads((reference_dir() / "mlx5_registers.json").read_text("utf-8"))["nodes"]
    return {(name, f["offset_bits"]): f for name, node in nodes.items()
            for f in node.get("fields", [])}


def our_offset(layout: str, field: str) -> int:
    fields = layouts_document()["layouts"][layout]["fields"]
    offset: int = next(f["o"] for f in fields if f["n"] == field)
    return offset


def scaled() -> list[tuple[str, str, dict[str, Any]]]:
    return [(layout, name, spec) for layout, fields in document()["fields"].items()
            for name, spec in fields.items() if spec["kind"] == "scaled"]


# what the prose must say for each (unit, scale) the table holds
EXPECTED_WORDS = {
    ("°C", 0.125): r"0\.125 Celsius",
    ("°C", 1 / 256): r"1/256 (?:C|Celsius)",
    ("°C", 1.0): r"\b1 Celsius",
    ("V", 0.0001): r"100 ?uV",
    ("V", 0.01): r"0\.01 ?V",
    ("Gb/s", 0.1): r"100 Mb/s",
    ("Gb/s", 0.01): r"10 ?Mb/s",
    ("Gb/s", 1.0): r"1 Gb/s",
}


@pytest.mark.parametrize("layout,name,spec", scaled(), ids=lambda v: v if isinstance(v, str)
                         else "")
def test_every_scale_is_written_in_its_fields_prose(layout: str, name: str,
                                                    spec: dict[str, Any]) -> None:
    field = prm_fields()[(layout, our_offset(layout, name))]
    descr = field["descr"]
    if spec["source"].startswith("scale of `temperature`"):  # MTMP max_temperature
        assert "Celsius" in descr and "complement" in descr
        return
    words = next((w for (unit, scale), w in EXPECTED_WORDS.items()
                  if unit == spec["unit"] and abs(scale - spec["scale"]) < 1e-12), None)
    if words is None:  # mV, m, nm, dBm: the unit itself is in the prose
        unit = spec["unit"].rstrip("m") if spec["unit"] != "m" else "m "
        assert unit in descr or "mV" in descr, (layout, name, descr)
        return
    assert re.search(words, descr), (layout, name, descr)


def test_every_celsius_field_of_the_known_registers_has_its_scale() -> None:
    """No temperature the PRM scales is left raw in MTMP and PDDR's module page."""
    for layout in ("mtmp_ext", "pddr_module_info_ext"):
        ours = {f["o"]: f["n"] for f in layouts_document()["layouts"][layout]["fields"]}
        for (node, offset), field in prm_fields().items():
            if node == layout and re.search(r"0\.125 Celsius|1/256 C", field["descr"] or ""):
                spec = document()["fields"][layout][ours[offset]]
                assert spec["unit"] == "°C", (layout, field["name"])


def test_character_fields_say_so_in_their_prose() -> None:
    texts = [(layout, name) for layout, fields in document()["fields"].items()
             for name, spec in fields.items()
             if spec["kind"] == "text" and spec["prm_name"] is not None]
    assert ("mgir_fw_info_ext", "psid") in texts and ("pddr_module_info_ext", "vendor_sn") in texts
    for layout, name in texts:
        descr = prm_fields()[(layout, our_offset(layout, name))]["descr"]
        assert re.search(r"ASCII|PSID|[Ss]erial|[Pp]art [Nn]umber|[Pp]roduct [Nn]ame|character",
                         descr), (layout, name)


def test_kernel_layout_psids_are_text_like_every_prm_psid() -> None:
    spec = document()["fields"]["query_adapter_param_block"]["vsd_contd_psid"]
    assert spec["kind"] == "text" and spec["prm_name"] is None
    psids = [f for f in prm_fields().values()
             if f["name"].endswith("psid") and f["width_bits"] >= 64]
    assert psids and all("PSID" in f["descr"] for f in psids)

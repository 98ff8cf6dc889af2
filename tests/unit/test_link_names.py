"""Link speed, FEC and temperature names agree with the PRM prose, read independently here."""

from __future__ import annotations

import json
import os
import re
from functools import cache
from typing import Any

import pytest

from fwctl_tui.decoders.mlx5.link_names import (
    fec_name,
    fec_names_from_mask,
    speed_gbps,
    speed_lanes,
    speed_mbps,
    speed_names,
    temperature_c,
)
from fwctl_tui.decoders.mlx5.units import GENERATED
from tools import gen_units
from tools.reference import reference_dir

try:
    reference_dir()
except FileNotFoundError as missing:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the reference is missing: {missing}", pytrace=False)
    pytest.skip(str(missing), allow_module_level=True)


@cache
def descr(node: str, field: str) -> str:
    nodes: dict[str, Any] = json.loads(
        (reference_dir() / "mlx5_registers.json").read_text("utf-8"))["nodes"]
    return next(f["descr"] for f in nodes[node]["fields"] if f["name"] == field)


def test_units_file_is_up_to_date() -> None:
    from importlib import resources
    path = resources.files("fwctl_tui.decoders.mlx5").joinpath("generated", GENERATED)
    assert gen_units.render() == path.read_text("utf-8"), "run `make generate` and commit"


@pytest.mark.parametrize("bit", [9, 16, 20])
def test_extended_speed_names_are_the_prm_bit_lines(bit: int) -> None:
    line = re.search(rf"^Bit {bit}: (.+)$", descr("ptys_reg_ext", "ext_eth_proto_capability"),
                     re.M)
    assert line is not None
    first = line.group(1).split("/")[0].strip()
    (name,) = speed_names(1 << bit, extended=True)
    assert name.startswith(first)


def test_400g_four_lanes() -> None:
    assert speed_names(1 << 16, extended=True) == ["400GAUI-4/400GBASE-CR4"]
    assert speed_gbps(1 << 16, extended=True) == 400
    assert speed_lanes(1 << 16, extended=True) == 4


def test_legacy_mask_and_several_bits() -> None:
    assert "100GBase CR4" in descr("ptys_reg_ext", "eth_proto_capability")
    assert speed_names(1 << 20, extended=False) == ["100GBASE-CR4"]
    both = (1 << 20) | (1 << 22)
    assert speed_names(both, extended=False) == ["100GBASE-CR4", "100GBASE-KR4"]
    assert speed_gbps(both, extended=False) is None
    assert speed_gbps(0, extended=True) is None


def test_sub_gigabit_and_reserved_bits() -> None:
    assert speed_mbps(1, extended=True) == 100  # SGMII_100M
    assert speed_gbps(1, extended=True) is None
    assert speed_names(1 << 18, extended=True) == ["bit 18 (reserved)"]
    assert speed_names(1 << 23, extended=True)[0].startswith("1.6TAUI-8")
    assert speed_gbps(1 << 23, extended=True) == 1600


def test_fec_names_follow_the_rs_codes_in_the_prose() -> None:
    text = descr("pddr_operation_info_page_ext", "fec_mode_active")
    assert re.search(r"^7: Standard_RS-FEC - \(544,514\)", text, re.M)
    assert re.search(r"^2: Standard_RS_FEC - RS\(528,514\)", text, re.M)
    assert fec_name(7) == "RS-544/514"
    assert fec_name(2) == "RS-528/514"
    assert fec_name(0) == "no FEC"
    assert fec_name(99) == "unknown FEC mode 99"
    assert fec_names_from_mask(1 << 7 | 1 << 2) == ["RS-528/514", "RS-544/514"]


def test_temperatures_use_each_registers_own_scale() -> None:
    mtmp = descr("mtmp_ext", "temperature")
    assert "Units of 0.125 Celsius" in mtmp
    # the PRM's own example: -3.25 Celsius reads as 0xFFE6
    assert "-3.25 Celsius will read as 0xFFE6" in mtmp
    assert temperature_c(0xFFE6, register="MTMP") == -3.25
    assert temperature_c(480, register="MTMP") == 60.0
    assert "1/256 C" in descr("pddr_module_info_ext", "temperature")
    assert temperature_c(41 * 256, register="PDDR") == 41.0

"""One temperature precision: every screen and the CLI read a sensor at its own step.

decoders/mlx5/shown.py's temperature_text is what the reply view, the dashboard, `link`
and the findings print; these are its cases, written from the PRM's steps (MTMP 0.125 °C,
PDDR's module page 1/256 °C) rather than from the code.
"""

from __future__ import annotations

import pytest

from fwctl_tui.decoders.mlx5.link_names import temperature_c
from fwctl_tui.decoders.mlx5.shown import show_int, temperature_number, temperature_text
from fwctl_tui.decoders.mlx5.units import field_unit

MTMP_CASES = [  # raw 16-bit count -> what every screen shows
    (477, "59.625 °C"), (476, "59.5 °C"), (456, "57.0 °C"), (473, "59.125 °C"),
    (0xFFE6, "-3.25 °C"), (0xFFFF, "-0.125 °C"), (0, "0.0 °C"),
]


@pytest.mark.parametrize(("raw", "text"), MTMP_CASES)
def test_an_mtmp_reading_reads_at_the_sensors_step(raw: int, text: str) -> None:
    celsius = temperature_c(raw, register="MTMP")
    assert temperature_text(celsius) == text
    assert temperature_number(celsius) == text.removesuffix(" °C")
    # the reply view's meaning of the same raw field is the same text
    assert show_int(field_unit("mtmp_ext", "temperature"), raw, 16).text == text


def test_pddr_module_temperature_reads_at_its_finer_step() -> None:
    # 1/256 °C counts: shown to four decimals (the reply view's limit), zeros dropped
    assert temperature_text(temperature_c(0x1801, register="PDDR"), "PDDR") == "24.0039 °C"
    assert temperature_text(temperature_c(0x1880, register="PDDR"), "PDDR") == "24.5 °C"
    assert show_int(field_unit("pddr_module_info_ext", "temperature"), 0x1801,
                    16).text == "24.0039 °C"

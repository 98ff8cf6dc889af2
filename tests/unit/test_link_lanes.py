"""Which module lanes `link` and the dashboard list: a dark lane is shown, not dropped."""

from __future__ import annotations

from fwctl_tui.decoders.mlx5.link_names import speed_lanes
from fwctl_tui.monitor.link import PortSample, summary

PREFIX = "page_data.pddr_module_info_ext."


def module(lit: dict[int, int]) -> dict[str, int]:
    """PDDR module-info values with lanes `lit` (lane -> rx power) lit, the rest zero."""
    values = {}
    for lane in range(8):
        rx = lit.get(lane, 0)
        values[f"{PREFIX}rx_power_lane{lane}"] = rx
        values[f"{PREFIX}tx_power_lane{lane}"] = 1000 if rx else 0
        values[f"{PREFIX}tx_bias_lane{lane}"] = 600 if rx else 0
    return values


def lanes(lit: dict[int, int], paos: dict[str, int] | None = None,
          ptys: dict[str, int] | None = None) -> list[tuple[int, int]]:
    sample = PortSample(wall_time=0.0, duration_ms=1.0,
                        values={"module": module(lit), "paos": paos or {},
                                "ptys": ptys or {}})
    listed = summary(sample, "fwctl0", 1)["module"]["lanes"]
    return [(row["lane"], row["rx_power"]) for row in listed]


def test_a_dark_lane_between_live_ones_is_listed_with_zeros() -> None:
    assert lanes({0: 900, 2: 880, 3: 870}) == [(0, 900), (1, 0), (2, 880), (3, 870)]


def test_lanes_past_the_last_reading_of_a_down_link_are_not_listed() -> None:
    assert lanes({0: 900, 1: 910}) == [(0, 900), (1, 910)]
    assert lanes({}) == []


def test_an_up_link_lists_every_lane_its_speed_uses_even_dark_ones() -> None:
    """(A link speed of 4 lanes, from PTYS's extended protocol mask.)"""
    mask = next(1 << bit for bit in range(32) if speed_lanes(1 << bit, extended=True) == 4)
    rows = lanes({0: 900}, paos={"oper_status": 1}, ptys={"ext_eth_proto_oper": mask})
    assert rows == [(0, 900), (1, 0), (2, 0), (3, 0)]


def test_with_pmlp_the_port_lanes_are_its_mapped_module_lanes_dark_ones_too() -> None:
    """A port on module lanes 5 and 6 (a split module): lane 0 reads module lane 5."""
    pmlp = {"width": 2}
    for lane, module_lane in enumerate((5, 6)):
        pmlp[f"lane_module_mapping[{lane}].rx_lane"] = module_lane
        pmlp[f"lane_module_mapping[{lane}].tx_lane"] = module_lane
    sample = PortSample(wall_time=0.0, duration_ms=1.0,
                        values={"module": module({0: 900, 1: 910, 5: 870}), "pmlp": pmlp})
    listed = summary(sample, "fwctl0", 1)["module"]["lanes"]
    assert [(row["lane"], row["rx_power"], row["tx_power"]) for row in listed] == [
        (0, 870, 1000), (1, 0, 0)]

"""Named fault stories on a seeded simulated port, driven by the injected clock."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from fwctl_tui.decoders.mlx5.catalogue import find
from fwctl_tui.decoders.mlx5.codec import decode_output, encode_input, reply_buffer_size
from fwctl_tui.decoders.node import node_to_json
from fwctl_tui.sim.host import SimHost
from fwctl_tui.sim.mlx5.scenarios import (
    FEC_UNCORRECTABLE_AFTER_S,
    FLAP_DOWN_S,
    FLAP_FIRST_S,
    FLAP_PERIOD_S,
)
from fwctl_tui.uapi import Scope


class Port:
    def __init__(self, scenario: str | None) -> None:
        self.t = 0.0
        self.host = SimHost("cx7", seed=11, clock=lambda: self.t)
        self.function = self.host.functions[0]
        self.dev = self.function.open()
        self.function.start_scenario(scenario)

    def read(self, register: str, **values: Any) -> dict[str, Any]:
        cmd = find(f"ACCESS_REG:{register}")
        request = encode_input(cmd, {"local_port": 1, **values}, op_mod=1) if "sensor_index" \
            not in values else encode_input(cmd, values, op_mod=1)
        reply = self.dev.rpc(Scope.DEBUG_READ_ONLY, request,
                             reply_buffer_size(cmd, request)).data()
        return node_to_json(decode_output(cmd, reply, request))["register_data"]

    def phys(self, name: str) -> int:
        counters = self.read("PPCNT", grp=0x12)["counter_set"]["phys_layer_cntrs_ext"]
        if name in counters:
            return int(counters[name])
        return counters[f"{name}_high"] << 32 | counters[f"{name}_low"]

    def link_up(self) -> bool:
        return self.read("PAOS")["oper_status"] == 1


def test_link_flap_drops_and_recovers_on_schedule() -> None:
    port = Port("link-flap")
    seen = []
    for t in (1.0, FLAP_FIRST_S + 1, FLAP_FIRST_S + FLAP_DOWN_S + 1,
              FLAP_FIRST_S + FLAP_PERIOD_S + 1):
        port.t = t
        seen.append(port.link_up())
    assert seen == [True, False, True, False]
    assert port.phys("link_down_events") == 2
    assert port.phys("unintentional_link_down_events") == 2
    # two more periods pass unobserved: their drops are counted anyway
    port.t = FLAP_FIRST_S + 3 * FLAP_PERIOD_S + FLAP_DOWN_S + 1
    assert port.link_up() and port.phys("link_down_events") == 4


def test_fec_degrading_rate_rises_then_uncorrectable_appears() -> None:
    port = Port("fec-degrading")
    samples = []
    for t in (0.0, 10.0, 20.0, 30.0):
        port.t = t
        samples.append(port.phys("rs_fec_corrected_symbols_total"))
    rates = [b - a for a, b in itertools.pairwise(samples)]
    assert rates[0] < rates[1] < rates[2]
    base = Port(None)
    base.t = 30.0
    assert samples[-1] > base.phys("rs_fec_corrected_symbols_total")
    port.t = FEC_UNCORRECTABLE_AFTER_S - 1
    before = port.phys("rs_fec_uncorrectable_blocks")
    port.t = FEC_UNCORRECTABLE_AFTER_S + 20
    assert port.phys("rs_fec_uncorrectable_blocks") - before >= 100


def test_module_overheat_passes_the_warning_threshold() -> None:
    port = Port("module-overheat")
    mtmp = port.read("MTMP", sensor_index=64)
    start, warning = mtmp["temperature"], mtmp["temp_threshold_hi"]
    assert start < warning
    port.t = 120.0
    hot = port.read("MTMP", sensor_index=64)
    assert hot["temperature"] > warning and hot["max_temperature"] >= hot["temperature"]


def test_remote_fault_goes_down_blamed_on_the_remote_side_and_stays() -> None:
    port = Port("remote-fault")
    assert port.link_up()
    port.t = 60.0
    paos = port.read("PAOS")
    assert paos["admin_status"] == 1 and paos["oper_status"] == 2
    page = port.read("PDDR", page_select=6)["page_data"]["pddr_link_down_info_page_ext"]
    assert page["down_blame"] == 2 and page["down_intent"] == 2  # Remote_phy, unintentional


def test_unknown_scenario_is_refused() -> None:
    with pytest.raises(LookupError, match="link-flap"):
        Port("no-such-story")

"""object_hints: defaults that work, from the simulator's inventory or the session."""

from __future__ import annotations

from fwctl_tui.connect import SimHosts, open_device
from fwctl_tui.decoders import catalogue, decode_output, encode_input, iter_leaves
from fwctl_tui.object_hints import HOW_TO_FIND, hints_for, remember_index
from fwctl_tui.sim.host import SimHost
from fwctl_tui.uapi import Scope


def test_live_device_offers_numbers_seen_in_earlier_replies() -> None:
    """No inventory (connection None stands for a live device): a TIR read earlier names
    its RQT, which QUERY_RQT then offers, with how to find more."""
    host = SimHost("cx7", seed=7)
    with open_device("sim:cx7", hosts=SimHosts({"cx7": host})) as conn:
        session = conn.session()
        tir = catalogue.find("QUERY_TIR")
        tirn = conn.emulator.driver.firmware.example("QUERY_TIR").values["tirn"]
        request = encode_input(tir, {"tirn": tirn})
        exchange = session.send(tir.name, Scope.DEBUG_READ_ONLY, request, 4096)
        assert exchange.status == 0
        rqt = next(leaf.value for leaf in iter_leaves(decode_output(tir, exchange.reply, request))
                   if leaf.name == "indirect_table")
        hints = hints_for(catalogue.find("QUERY_RQT"), None, session.history)
    assert rqt and hints.values == {"rqtn": rqt}
    assert hints.choices["rqtn"][0] == (rqt, f"{rqt:#x}: seen in an earlier reply")
    assert hints.note == HOW_TO_FIND
    assert hints_for(catalogue.find("QUERY_QP"), None, []).values == {}


def test_simulated_device_offers_its_inventory() -> None:
    host = SimHost("cx7", seed=7)
    with open_device("sim:cx7", hosts=SimHosts({"cx7": host})) as conn:
        hints = hints_for(catalogue.find("QUERY_CQ"), conn, [])
    inventory = host.functions[0].firmware.inventory()
    cqs = {obj.number for obj in inventory if obj.kind == "cq"}
    assert hints.values["cqn"] in cqs
    assert {value for value, _label in hints.choices["cqn"]} <= cqs


def test_index_values_last_used_win_over_defaults() -> None:
    memory: dict[str, int] = {}
    paos = catalogue.find("ACCESS_REG:PAOS")
    remember_index(paos, {"register_data.local_port": 3, "register_data.admin_status": 1},
                   memory)
    assert memory == {"local_port": 3}
    hints = hints_for(catalogue.find("ACCESS_REG:PPCNT"), None, [], memory)
    assert hints.values["register_data.local_port"] == 3
    assert hints.why["register_data.local_port"] == "the value last used in this session"

"""The simulated card hangs together: identities agree across commands and registers, link
state follows PAOS and link loss everywhere, counters hold the uptime's traffic, grow and
clear, per-lane fields follow the port's lanes, objects reference objects that exist, and a
diagnostic sampling session works end to end. All through FwctlDevice."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from fwctl_tui.allowlist import least_scope
from fwctl_tui.decoders.mlx5.catalogue import find, find_register, registers
from fwctl_tui.decoders.mlx5.codec import decode_output, encode_input, output_size
from fwctl_tui.decoders.node import iter_leaves, node_to_json
from fwctl_tui.sim.host import SimHost
from fwctl_tui.sim.mlx5.link import LinkState
from fwctl_tui.sim.mlx5.registers.port import EXT_ETH_MODES
from fwctl_tui.sim.mlx5.syndromes import ErrorKind
from fwctl_tui.sim.mlx5.traffic import PortTraffic
from fwctl_tui.uapi import Scope

READ, WRITE = 1, 0
TAIL = 2048
PHYS = "counter_set.phys_layer_cntrs_ext."
PHYS_STAT = "counter_set.phys_layer_stat_cntrs_ext."
MODULE = "page_data.pddr_module_info_ext."
LINK_DOWN = "page_data.pddr_link_down_info_page_ext."
RQ_LIST = "rqt_context.rq_num_or_rq_vhca.rq_num["
DEST = "flow_context.destination"


class Rig:
    """One simulated host with function 0 open and a clock the test moves."""

    def __init__(self, profile: str = "cx7", seed: int = 3) -> None:
        self.t = 0.0
        self.host = SimHost(profile, seed=seed, clock=lambda: self.t)
        self.firmware = self.host.functions[0].firmware
        self.profile = self.firmware.profile
        self.dev = self.host.functions[0].open()

    def call(self, name: str, values: dict[str, Any] | None = None,
             op_mod: int | None = None) -> tuple[int, dict[str, Any], bytes]:
        """(status, decoded leaves, raw reply) of one command at its least scope."""
        cmd = find(name)
        data = encode_input(cmd, values or {}, op_mod=op_mod)
        scope = least_scope(cmd.opcode, int.from_bytes(data[6:8], "big")) or Scope.DEBUG_WRITE
        result = self.dev.rpc(scope, data, output_size(cmd, data) + TAIL)
        assert result.errno == 0
        out = result.data()
        tree = decode_output(cmd, out, data)
        return out[0], {leaf.path: leaf.value for leaf in iter_leaves(tree)}, out

    def reg(self, name: str, op_mod: int = READ, **fields: Any) -> tuple[int, dict[str, Any]]:
        values = {**self.firmware.register_example(name),
                  **{f"register_data.{k}": v for k, v in fields.items()}}
        status, got, _ = self.call(f"ACCESS_REG:{name}", values, op_mod)
        return status, {k.removeprefix("register_data."): v for k, v in got.items()}

    def ok(self, name: str, values: dict[str, Any] | None = None,
           op_mod: int | None = None) -> dict[str, Any]:
        status, got, _ = self.call(name, values, op_mod)
        assert status == 0, name
        return got


def _text(got: dict[str, Any], prefix: str, count: int) -> str:
    return bytes(got[f"{prefix}[{i}]"] for i in range(count)).rstrip(b"\0 ").decode()


@pytest.mark.parametrize("profile", ["cx6dx", "cx7", "bf3"])
def test_identity_agrees_across_adapter_mgir_vport_and_profile(profile: str) -> None:
    rig = Rig(profile)
    adapter = rig.ok("QUERY_ADAPTER")
    assert _text(adapter, "query_adapter_struct.vsd_contd_psid", 16) == rig.profile.psid
    assert adapter["query_adapter_struct.vsd_vendor_id"] == 0x15B3
    status, mgir = rig.reg("MGIR")
    assert status == 0
    assert _text(mgir, "fw_info.psid", 16) == rig.profile.psid
    version = tuple(mgir[f"fw_info.extended_{k}"] for k in ("major", "minor", "sub_minor"))
    assert version == rig.profile.fw_version_tuple
    assert mgir["hw_info.device_id"] == int(rig.profile.pci_device, 16)
    for func, fn in enumerate(rig.host.functions):
        rig.dev = fn.open()
        vport = rig.ok("QUERY_NIC_VPORT_CONTEXT")
        mac = (vport["nic_vport_context.permanent_address.mac_addr_47_32"] << 32
               | vport["nic_vport_context.permanent_address.mac_addr_31_0"])
        assert mac == rig.profile.port(func).mac_int
        assert vport["nic_vport_context.mtu"] == rig.profile.port(func).mtu + 22


def _link_view(rig: Rig) -> dict[str, Any]:
    _, paos = rig.reg("PAOS")
    _, pddr = rig.reg("PDDR")
    _, ptys = rig.reg("PTYS")
    vport = rig.ok("QUERY_VPORT_STATE", op_mod=2)
    page = "page_data.pddr_operation_info_page_ext."
    return {"admin": paos["admin_status"], "oper": paos["oper_status"],
            "phy": pddr[page + "phy_mngr_fsm_state"],
            "active": pddr[page + "link_active.pddr_link_active_eth_ext.link_eth_active"],
            "ptys": ptys["ext_eth_proto_oper"], "vport": vport["state"]}


def _link_downs(rig: Rig) -> tuple[int, int, int]:
    """PPCNT's (link_down_events, intentional, unintentional)."""
    _, phys = rig.reg("PPCNT", grp=18)
    return (phys[PHYS + "link_down_events"], phys[PHYS + "intentional_link_down_events"],
            phys[PHYS + "unintentional_link_down_events"])


def _why_down(rig: Rig) -> tuple[int, int, int]:
    """(PAOS physical_state_status, PDDR down_intent, PDDR down_blame)."""
    _, paos = rig.reg("PAOS")
    _, down = rig.reg("PDDR", page_select=6)
    return (paos["physical_state_status"], down[LINK_DOWN + "down_intent"],
            down[LINK_DOWN + "down_blame"])


def test_admin_down_and_up_flow_through_every_view_of_the_link() -> None:
    rig = Rig()
    up = _link_view(rig)
    assert (up["admin"], up["oper"], up["vport"]) == (1, 1, 1)
    assert up["active"] == up["ptys"] != 0
    port = rig.profile.port(0)
    assert EXT_ETH_MODES[up["ptys"].bit_length() - 1] == (port.speed_gbps, port.lanes)
    status, _ = rig.reg("PAOS", WRITE, admin_status=2, ase=1)
    assert status == 0
    down = _link_view(rig)
    assert down == {"admin": 2, "oper": 2, "phy": 0, "active": 0, "ptys": 0, "vport": 0}
    assert _why_down(rig) == (3, 1, 1)  # Disabled; intentional, Local_phy
    assert _link_downs(rig) == (1, 1, 0)
    rig.reg("PAOS", WRITE, admin_status=1, ase=1)
    assert _link_view(rig) == up


def test_link_loss_is_unintentional_blamed_and_keeps_the_phy_polling() -> None:
    rig = Rig()
    up = _link_view(rig)
    rig.t = 10.0
    frames = _frames(rig)
    rig.firmware.faults.link_loss(port=1, blame="remote")
    lost = _link_view(rig)
    assert lost == {"admin": 1, "oper": 2, "phy": 2, "active": 0, "ptys": 0, "vport": 0}
    assert _why_down(rig) == (2, 2, 2)  # Polling; unintentional, Remote_phy
    assert _link_downs(rig) == (1, 0, 1)
    hca = rig.ok("QUERY_HCA_VPORT_CONTEXT", {"port_num": 1})
    assert hca["hca_vport_context.port_physical_state"] == 2  # Polling, not Disabled
    rig.t = 20.0
    assert _frames(rig) == frames  # nothing flows while the link is down
    _, module = rig.reg("PDDR", page_select=3)
    lanes = range(rig.profile.port(0).lanes)
    assert all(module[f"{MODULE}rx_power_lane{i}"] <= 1 for i in lanes)  # no light arrives
    assert all(module[f"{MODULE}tx_power_lane{i}"] > 1000 for i in lanes)  # ours still on
    rig.firmware.faults.link_restore()
    assert _link_view(rig) == up
    rig.t = 21.0
    assert _frames(rig) > frames
    assert _why_down(rig)[1:] == (2, 2)  # the link-down page keeps the last drop
    rig.firmware.faults.link_loss(blame="local")
    assert _why_down(rig) == (2, 2, 1) and _link_downs(rig) == (2, 0, 2)


def test_admin_state_and_link_loss_combine() -> None:
    rig = Rig()
    faults = rig.firmware.faults
    faults.link_loss()
    rig.reg("PAOS", WRITE, admin_status=2, ase=1)  # already down: no second event
    assert _link_downs(rig) == (1, 0, 1)
    assert _why_down(rig)[0] == 3  # admin down disables the PHY
    faults.link_restore()  # mended, but the port stays admin down
    assert _link_view(rig)["oper"] == 2
    rig.reg("PAOS", WRITE, admin_status=1, ase=1)
    assert _link_view(rig)["oper"] == 1 and _link_downs(rig) == (1, 0, 1)


def test_link_faults_refuse_what_does_not_exist() -> None:
    faults = Rig().firmware.faults
    with pytest.raises(ValueError, match="local_port 2"):
        faults.link_loss(port=2)
    with pytest.raises(ValueError, match="blame"):
        faults.link_loss(blame="sideways")


def _frames(rig: Rig) -> int:
    _, got = rig.reg("PPCNT", grp=0)
    page = "counter_set.eth_802_3_cntrs_grp_data_layout_ext.a_frames_received_ok"
    return int(got[page + "_high"]) << 32 | int(got[page + "_low"])


def test_counters_grow_only_while_the_link_is_up_and_link_downs_are_counted() -> None:
    rig = Rig()
    rig.t = 10.0
    first = _frames(rig)
    rig.t = 20.0
    second = _frames(rig)
    # 400G at a 20-50% load with ~1 KB frames: millions of frames a second
    assert 1e6 < (second - first) / 10 < 3e7
    rig.reg("PAOS", WRITE, admin_status=2, ase=1)
    rig.t = 30.0
    assert _frames(rig) == second
    rig.reg("PAOS", WRITE, admin_status=1, ase=1)
    rig.t = 31.0
    assert _frames(rig) > second
    _, phys = rig.reg("PPCNT", grp=18)
    assert phys["counter_set.phys_layer_cntrs_ext.link_down_events"] == 1


def test_errors_tick_now_and_then() -> None:
    rig = Rig()
    _, before = rig.reg("PPCNT", grp=18)
    rig.t = 3 * 3600.0
    _, after = rig.reg("PPCNT", grp=18)
    key = PHYS + "symbol_errors_low"
    assert 0 < after[key] - before[key] < 100


@pytest.mark.parametrize("profile", ["cx6dx", "cx7", "bf3"])
def test_counters_hold_the_traffic_since_boot_at_the_first_read(profile: str) -> None:
    rig = Rig(profile)
    _, mgir = rig.reg("MGIR")
    uptime = mgir["hw_info.uptime"]
    assert 3 * 86400 <= uptime <= 40 * 86400
    _, phys = rig.reg("PPCNT", grp=18)
    since_clear = phys[PHYS + "time_since_last_clear_high"] << 32 | phys[
        PHYS + "time_since_last_clear_low"]
    assert abs(since_clear - uptime * 1000) < 1000  # cleared at boot, in milliseconds
    frames = _frames(rig)
    per_second = frames / uptime  # up since shortly after boot, at a 20-50% load
    speed = rig.profile.port(0).speed_gbps
    assert speed * 1e9 * 0.1 / 8 / 1500 < per_second < speed * 1e9 * 0.6 / 8 / 900
    vport = rig.ok("QUERY_VPORT_COUNTER")["received_eth_unicast.packets"]
    assert vport > per_second * uptime * 0.5
    rig.t = 1.0
    assert 0 < _frames(rig) - frames < per_second * 3  # a second of traffic, not a month
    assert Rig(profile).ok("QUERY_VPORT_COUNTER") == Rig(profile).ok("QUERY_VPORT_COUNTER")


@pytest.mark.parametrize("profile", ["cx6dx", "cx7", "bf3"])
def test_per_lane_fields_follow_the_ports_lanes(profile: str) -> None:
    rig = Rig(profile)
    lanes = rig.profile.port(0).lanes
    rig.t = 60.0
    _, phys = rig.reg("PPCNT", grp=18)

    def wide(got: dict[str, Any], name: str) -> int:
        return int(got[name + "_high"]) << 32 | int(got[name + "_low"])

    symbols = [wide(phys, f"{PHYS}rs_fec_corrected_symbols_lane{i}") for i in range(8)]
    assert all(n > 0 for n in symbols[:lanes]) and not any(symbols[lanes:])
    assert wide(phys, PHYS + "rs_fec_corrected_symbols_total") == sum(symbols)
    assert 0 < wide(phys, PHYS + "rs_fec_corrected_blocks") <= sum(symbols)
    bip = [wide(phys, f"{PHYS}edpl_bip_errors_lane{i}") for i in range(4)]
    assert not any(bip[lanes:])
    _, stat = rig.reg("PPCNT", grp=22)
    raw = [wide(stat, f"{PHYS_STAT}phy_raw_errors_lane{i}") for i in range(8)]
    assert all(raw[:lanes]) and not any(raw[lanes:])
    assert wide(stat, PHYS_STAT + "phy_corrected_bits") == sum(raw)
    coef = [stat[f"{PHYS_STAT}raw_ber_coef_lane{i}"] for i in range(8)]
    magnitude = [stat[f"{PHYS_STAT}raw_ber_magnitude_lane{i}"] for i in range(8)]
    assert all(1 <= c <= 9 for c in coef[:lanes]) and not any(coef[lanes:])
    assert all(6 <= m <= 14 for m in magnitude[:lanes]) and not any(magnitude[lanes:])
    _, module = rig.reg("PDDR", page_select=3)
    optical = rig.profile.port(0).module.media != "copper"
    for field in ("rx_power_lane", "tx_power_lane", "tx_bias_lane"):
        values = [module[f"{MODULE}{field}{i}"] for i in range(8)]
        assert all(values[:lanes]) == optical and not any(values[lanes:]), field
    assert rig.reg("SLTP", lane=lanes - 1)[0] == 0
    assert rig.reg("SLTP", lane=lanes)[0] == ErrorKind.BAD_INDEX.status


@pytest.mark.parametrize("lanes", [1, 2, 8])
def test_lane_counters_of_narrow_and_wide_ports(lanes: int) -> None:
    traffic = PortTraffic("t", 400, lanes, LinkState(0.0))
    per_lane = [traffic.value(f"rs_fec_corrected_symbols_lane{i}", 600.0) for i in range(8)]
    assert all(per_lane[:lanes]) and not any(per_lane[lanes:])
    assert traffic.value("rs_fec_corrected_symbols_total", 600.0) == sum(per_lane)
    assert traffic.value(f"phy_raw_errors_lane{lanes}", 600.0) == 0


def test_ppcnt_clr_restarts_only_that_group() -> None:
    rig = Rig()
    rig.t = 100.0
    _, before = rig.reg("PPCNT", grp=1)
    rig.reg("PPCNT", grp=0, clr=1)
    assert _frames(rig) == 0
    rig.t = 101.0
    assert _frames(rig) > 0
    _, rfc2863 = rig.reg("PPCNT", grp=1)
    key = "counter_set.eth_2863_cntrs_grp_data_layout_ext.if_in_ucast_pkts_low"
    assert rfc2863[key] != before[key]  # still counting from the start, not cleared


def test_vport_counters_grow_and_clear() -> None:
    rig = Rig()
    rig.t = 5.0
    first = rig.ok("QUERY_VPORT_COUNTER")["received_eth_unicast.packets"]
    rig.t = 6.0
    second = rig.ok("QUERY_VPORT_COUNTER", {"clear": 1})["received_eth_unicast.packets"]
    assert second > first > 0
    assert rig.ok("QUERY_VPORT_COUNTER")["received_eth_unicast.packets"] == 0


def test_temperature_drifts_inside_the_band_and_thresholds_stick() -> None:
    rig = Rig()
    readings = []
    for step in range(60):
        rig.t = step * 97.0
        _, mtmp = rig.reg("MTMP")
        readings.append(mtmp["temperature"])
        assert mtmp["max_temperature"] >= mtmp["temperature"]
    assert all(45 * 8 <= r <= 70 * 8 for r in readings)
    assert len(set(readings)) > 10
    rig.reg("MTMP", WRITE, temp_threshold_hi=95 * 8)
    _, mtmp = rig.reg("MTMP")
    assert mtmp["temp_threshold_hi"] == 95 * 8
    assert mtmp["sensor_name_hi"].to_bytes(4, "big") == b"ASIC"
    assert rig.reg("MTMP", sensor_index=7)[0] == ErrorKind.BAD_INDEX.status


@pytest.mark.parametrize(("profile", "name_at", "pn_at", "sn_at"),
                         [("cx6dx", 148, 168, 196), ("cx7", 129, 148, 166)])
def test_mcia_reads_the_module_eeprom(profile: str, name_at: int, pn_at: int, sn_at: int) -> None:
    rig = Rig(profile)
    module = rig.profile.port(0).module
    status, got = rig.reg("MCIA", device_address=128, size=128)
    assert status == 0 and got["status"] == 0
    upper = b"".join(got[f"dword[{i}]"].to_bytes(4, "big") for i in range(32))
    assert upper[0] == module.identifier
    def text(offset: int) -> str:
        return upper[offset - 128:offset - 128 + 16].decode().strip()
    assert (text(name_at), text(pn_at), text(sn_at)) == (module.vendor, module.part_number,
                                                         module.serial)
    _, pddr = rig.reg("PDDR", page_select=3)
    serial = pddr["page_data.pddr_module_info_ext.vendor_sn[0]"].to_bytes(4, "big")
    assert module.serial.startswith(serial.decode())


def test_every_catalogue_register_reads_and_decodes() -> None:
    rig = Rig()
    for register in registers():
        status, _ = rig.reg(register.name)
        assert status == 0, register.name


def test_register_index_errors() -> None:
    rig = Rig()
    assert rig.reg("PAOS", local_port=2)[0] == ErrorKind.BAD_INDEX.status
    assert rig.reg("PPCNT", grp=32)[0] == ErrorKind.BAD_FIELD.status  # InfiniBand group
    cmd = find("ACCESS_REG")
    data = encode_input(cmd, {"register_id": 0x5006, "register_data": bytes(16)}, op_mod=READ)
    bogus = data[:10] + (0x7777).to_bytes(2, "big") + data[12:]
    result = rig.dev.rpc(Scope.DEBUG_READ_ONLY, bogus, 64)
    assert result.data()[0] == ErrorKind.UNKNOWN_REGISTER.status


def test_generic_rw_fields_stick_per_index() -> None:
    rig = Rig()
    register = find_register("PFCC")
    assert register.access.get("pfctx") == "RW"
    rig.reg("PFCC", WRITE, pfctx=0x08)
    assert rig.reg("PFCC")[1]["pfctx"] == 0x08


def test_pmtu_write_changes_the_vport_mtu() -> None:
    rig = Rig()
    rig.reg("PMTU", WRITE, admin_mtu=9000 + 22)
    assert rig.reg("PMTU")[1]["oper_mtu"] == 9022
    assert rig.ok("QUERY_NIC_VPORT_CONTEXT")["nic_vport_context.mtu"] == 9022


def test_objects_reference_objects_that_exist() -> None:
    rig = Rig()
    sqn = rig.firmware.example("QUERY_SQ").values["sqn"]
    cqn = rig.ok("QUERY_SQ", {"sqn": sqn})["sq_context.cqn"]
    eqn = rig.ok("QUERY_CQ", {"cqn": cqn})["cq_context.c_eqn_or_apu_element"]
    assert rig.ok("QUERY_EQ", {"eq_number": eqn})["eq_context_entry.st"] == 9  # armed
    tis = rig.ok("QUERY_SQ", {"sqn": sqn})["sq_context.tis_num_0"]
    rig.ok("QUERY_TIS", {"tisn": tis})
    tir = rig.ok("QUERY_TIR", {"tirn": rig.firmware.example("QUERY_TIR").values["tirn"]})
    rqtn = tir["tir_context.indirect_table"]
    _, rqt, _raw = rig.call("QUERY_RQT", {"rqtn": rqtn})
    members = {value for path, value in rqt.items() if path.startswith(RQ_LIST)}
    assert len(members) == rig.firmware.device.objects.channels
    for rqn in members:
        rq = rig.ok("QUERY_RQ", {"rqn": rqn})
        rig.ok("QUERY_CQ", {"cqn": rq["rq_context.cqn"]})
        rig.ok("QUERY_Q_COUNTER", {"counter_set_id": rq["rq_context.counter_set_id"]})


def test_steering_leads_from_a_rule_to_a_tir() -> None:
    rig = Rig()
    ex = rig.firmware.example("QUERY_FLOW_TABLE_ENTRY").values
    ttc = rig.firmware.device.objects.keys("flow_table")[2]
    rule = {**ex, "table_id": ttc[1], "flow_index": 0}
    status, fte, raw = rig.call("QUERY_FLOW_TABLE_ENTRY", rule)
    assert status == 0 and fte["flow_context.action"] == 0x4 | 0x8
    group = rig.ok("QUERY_FLOW_GROUP", {"table_type": 0, "table_id": ttc[1],
                                        "group_id": fte["flow_context.group_id"]})
    assert group["start_flow_index"] <= 0 <= group["end_flow_index"]
    fixed = output_size(find("QUERY_FLOW_TABLE_ENTRY"), encode_input(
        find("QUERY_FLOW_TABLE_ENTRY"), rule))
    # the kernel's layout: extended_destination 0, so 8-byte entries, the counter after
    # the one destination
    assert fte["flow_context.extended_destination"] == 0
    assert raw[fixed] == 0x2  # destination type TIR
    assert fte[f"{DEST}[0].dest_format_struct.destination_type"] == 0x2
    tirn = fte[f"{DEST}[0].dest_format_struct.destination_id"]
    assert tirn == int.from_bytes(raw[fixed + 1:fixed + 4], "big")
    rig.ok("QUERY_TIR", {"tirn": tirn})
    counter = fte[f"{DEST}[1].flow_counter_list.flow_counter_id"]
    assert counter == int.from_bytes(raw[fixed + 8:fixed + 12], "big")
    rig.t = 10.0
    stats = rig.ok("QUERY_FLOW_COUNTER", {"flow_counter_id": counter})
    assert stats["flow_statistics[0].packets"] > 0


def test_diagnostic_sampling_session() -> None:
    rig = Rig()
    ctx = "diagnostic_params_context."
    params = {ctx + "num_of_counters": 2, ctx + "log_num_of_samples": 3,
              ctx + "log_sample_period": 20, ctx + "repetitive": 1, ctx + "enable": 1,
              ctx + "counter_id[0].counter_id": 1, ctx + "counter_id[1].counter_id": 3}
    assert rig.call("QUERY_DIAGNOSTIC_COUNTERS", {"num_of_samples": 1})[0] == 4
    rig.ok("SET_DIAGNOSTIC_PARAMS", params)
    got = rig.ok("QUERY_DIAGNOSTIC_PARAMS")
    assert got[ctx + "enable"] == 1 and got[ctx + "counter_id[1].counter_id"] == 3
    rig.t = 10.0  # ~9.5 sample periods of 2^20 us
    samples = rig.ok("QUERY_DIAGNOSTIC_COUNTERS", {"sample_index": 5, "num_of_samples": 3})
    ids = [samples[f"diag_counter[{i}].sample_id"] for i in range(6)]
    assert ids == [5, 5, 6, 6, 7, 7]
    stamps = [samples[f"diag_counter[{i}].time_stamp_31_0"] for i in (0, 2, 4)]
    period_ns = (1 << 20) * 1000  # a free-running ns clock's low 32 bits: wraps every ~4.3 s
    assert [(b - a) % (1 << 32) for a, b in pairwise(stamps)] == [period_ns] * 2
    boot_ns = int(rig.firmware.device.boot_uptime * 1e9)
    offset = (stamps[0] - boot_ns - 5 * period_ns) % (1 << 32)
    assert min(offset, (1 << 32) - offset) < 1000  # the clock counts since boot
    packets = [samples[f"diag_counter[{i}].counter_value_l"] for i in (0, 2, 4)]
    assert packets == sorted(packets) and packets[0] < packets[-1]
    too_old = rig.call("QUERY_DIAGNOSTIC_COUNTERS", {"sample_index": 0, "num_of_samples": 1})
    assert too_old[0] == ErrorKind.BAD_INDEX.status
    bad = rig.call("SET_DIAGNOSTIC_PARAMS", {**params, ctx + "counter_id[1].counter_id": 0x99})
    assert bad[0] == ErrorKind.BAD_FIELD.status


def test_congestion_control_state_sticks() -> None:
    rig = Rig()
    key = {"cong_protocol": 1, "priority": 3}
    assert rig.ok("QUERY_CONG_STATUS", key)["enable"] == 1
    rig.ok("MODIFY_CONG_STATUS", {**key, "enable": 0})
    assert rig.ok("QUERY_CONG_STATUS", key)["enable"] == 0
    assert rig.ok("QUERY_CONG_STATUS", {**key, "priority": 4})["enable"] == 1


def test_roce_gid_matches_the_mac() -> None:
    rig = Rig()
    got = rig.ok("QUERY_ROCE_ADDRESS", {"roce_address_index": 0})
    gid = bytes(got[f"roce_address.source_l3_address[{i}]"] for i in range(16))
    mac = rig.profile.port(0).mac_int.to_bytes(6, "big")
    assert gid[:2] == b"\xfe\x80" and gid[13:] == mac[3:] and gid[11:13] == b"\xff\xfe"
    node_to_json(decode_output(find("QUERY_ROCE_ADDRESS"), rig.call("QUERY_ROCE_ADDRESS")[2]))


@pytest.mark.parametrize("profile", ["cx6dx", "cx7", "bf3"])
def test_every_reference_in_the_inventory_resolves(profile: str) -> None:
    firmware = Rig(profile).firmware
    objects, inventory = firmware.device.objects, firmware.inventory()
    kinds = {obj.kind for obj in inventory}
    assert {"eq", "cq", "sq", "rq", "tir", "tis", "rqt", "flow_table", "flow_group", "fte",
            "mkey", "qp", "srq", "xrc_srq", "q_counter"} <= kinds
    for obj in inventory:
        for kind, key in obj.refs:
            assert objects.get(kind, key) is not None, (obj.kind, obj.number, kind, key)


@pytest.mark.parametrize("profile", ["cx6dx", "cx7", "bf3"])
def test_every_rqt_lists_the_rqs_the_stack_put_in_it(profile: str) -> None:
    """QUERY_RQT: rqt_actual_size, the rq_num list the decoder shows and the RQT the
    netdev created agree, for the RSS table and each channel's direct table."""
    rig = Rig(profile)
    rqts = rig.firmware.device.objects.of_kind("rqt")
    assert len(rqts) == 1 + rig.firmware.device.objects.channels
    for obj in rqts:
        status, got, raw = rig.call("QUERY_RQT", {"rqtn": obj.number})
        assert status == 0
        assert got["rqt_context.rq_vhca_id_format"] == 0  # its own RQs: plain RQ numbers
        assert got["rqt_context.rqt_actual_size"] == len(obj.items)
        listed = [got[f"{RQ_LIST}{i}].rq_num"] for i in range(len(obj.items))]
        assert listed == obj.items
        assert f"{RQ_LIST}{len(obj.items)}].rq_num" not in got  # count caps the padding
        assert len(raw) > 272 + 4 * len(obj.items)  # the buffer had room to spare
        for rqn in set(listed):
            assert rig.ok("QUERY_RQ", {"rqn": rqn})["rq_context.state"] == 1  # ready


def test_rqt_list_is_cut_where_the_reply_buffer_ends() -> None:
    rig = Rig()
    rss = max(rig.firmware.device.objects.of_kind("rqt"), key=lambda o: len(o.items))
    cmd = find("QUERY_RQT")
    data = encode_input(cmd, {"rqtn": rss.number})
    result = rig.dev.rpc(Scope.DEBUG_READ_ONLY, data, output_size(cmd, data) + 10 * 4)
    assert result.errno == 0
    tree = node_to_json(decode_output(cmd, result.data(), data))["rqt_context"]
    assert tree["rqt_actual_size"] == len(rss.items) == 256
    assert [e["rq_num"] for e in tree["rq_num_or_rq_vhca"]["rq_num"]] == rss.items[:10]


def _fte_request(key: tuple[int, int, int]) -> dict[str, int]:
    return {"table_type": key[0], "table_id": key[1], "flow_index": key[2]}


@pytest.mark.parametrize("profile", ["cx6dx", "cx7", "bf3"])
def test_every_flow_entry_lists_the_destinations_and_counters_it_was_given(
        profile: str) -> None:
    """QUERY_FLOW_TABLE_ENTRY: 8-byte entries (extended_destination 0, as the kernel lays
    out mlx5e's NIC RX rules), the destination first, then the counter; the counts, the
    decoded list, the raw bytes and the steering objects agree."""
    rig = Rig(profile)
    objects = rig.firmware.device.objects
    keys = objects.keys("fte")
    assert len(keys) >= 15
    fixed = output_size(find("QUERY_FLOW_TABLE_ENTRY"),
                        encode_input(find("QUERY_FLOW_TABLE_ENTRY"), _fte_request(keys[0])))
    for key in keys:
        fte = objects.get("fte", key)
        assert fte is not None
        status, got, raw = rig.call("QUERY_FLOW_TABLE_ENTRY", _fte_request(key))
        assert status == 0
        (dest_type, dest_id), counters = fte.items[0], fte.items[1:]
        assert got["flow_context.extended_destination"] == 0
        assert got["flow_context.destination_list_size"] == 1
        assert got["flow_context.flow_counter_list_size"] == len(counters)
        entry = f"{DEST}[0].dest_format_struct."
        assert (got[entry + "destination_type"], got[entry + "destination_id"]) == (
            dest_type, dest_id)
        assert raw[fixed:fixed + 8] == bytes([dest_type, *dest_id.to_bytes(3, "big")]) + bytes(4)
        listed = [got[f"{DEST}[{1 + i}].flow_counter_list.flow_counter_id"]
                  for i in range(len(counters))]
        assert listed == counters
        for i, counter in enumerate(counters, start=1):
            assert raw[fixed + 8 * i:fixed + 8 * i + 8] == counter.to_bytes(4, "big") + bytes(4)
        assert not any(p.startswith(f"{DEST}[{1 + len(counters)}]") for p in got)
        target = ("tir", dest_id) if dest_type == 2 else ("flow_table", (0, dest_id))
        assert objects.get(*target) is not None
        for counter in counters:
            assert objects.get("flow_counter", counter) is not None


def test_an_extended_flow_entry_answers_sixteen_byte_entries() -> None:
    """The same rule rewritten with extended_destination 1 (as the kernel does when a
    destination needs its own packet reformat): every entry, the counter too, 16 bytes."""
    from fwctl_tui.sim.mlx5.steering import destination_list

    rig = Rig()
    objects = rig.firmware.device.objects
    key = next(k for k in objects.keys("fte") if len(objects.get("fte", k).items) == 2)
    fte = objects.get("fte", key)
    (dest_type, dest_id), counter = fte.items
    for old in [path for path in fte.values if path.startswith(f"{DEST}[")]:
        del fte.values[old]
    fte.values.update(destination_list([(dest_type, dest_id), (1, 0x42)], [counter],
                                       extended=True))
    request = encode_input(find("QUERY_FLOW_TABLE_ENTRY"), _fte_request(key))
    fixed = output_size(find("QUERY_FLOW_TABLE_ENTRY"), request)
    status, got, raw = rig.call("QUERY_FLOW_TABLE_ENTRY", _fte_request(key))
    assert status == 0 and got["flow_context.extended_destination"] == 1
    entry = "extended_dest_format.destination_entry"
    assert [got[f"{DEST}[{i}].{entry}.destination_id"] for i in range(2)] == [dest_id, 0x42]
    assert got[f"{DEST}[1].{entry}.destination_type"] == 1
    assert got[f"{DEST}[2].flow_counter_list.flow_counter_id"] == counter
    assert raw[fixed + 32:fixed + 48] == counter.to_bytes(4, "big") + bytes(12)
    assert raw[fixed + 16] == 1 and raw[fixed + 17:fixed + 20] == bytes([0, 0, 0x42])


def test_flow_entry_list_is_cut_where_the_reply_buffer_ends() -> None:
    rig = Rig()
    objects = rig.firmware.device.objects
    key = next(k for k in objects.keys("fte") if len(objects.get("fte", k).items) == 2)
    cmd = find("QUERY_FLOW_TABLE_ENTRY")
    data = encode_input(cmd, _fte_request(key))
    for room, shown in ((0, 0), (7, 0), (8, 1), (15, 1), (16, 2)):
        result = rig.dev.rpc(Scope.DEBUG_READ_ONLY, data, output_size(cmd, data) + room)
        assert result.errno == 0
        tree = node_to_json(decode_output(cmd, result.data(), data))["flow_context"]
        assert tree["destination_list_size"] == tree["flow_counter_list_size"] == 1
        assert len(tree["destination"]) == shown

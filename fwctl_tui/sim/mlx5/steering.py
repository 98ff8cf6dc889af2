"""The RX steering pipeline mlx5e installs, and the eswitch's root scheduling element.

VLAN table -> L2 table -> traffic-type (TTC) table -> TIR: the untagged and VLAN-0 rules
forward to the L2 table, the L2 rules (own MAC, broadcast, the all-hosts multicast groups)
forward to the TTC table, and each TTC rule forwards to the RSS TIR of its traffic type
(the catch-all to channel 0's direct TIR) and counts into a flow counter, so an engineer
can follow a packet from table to queue. Keys: tables (type, id), groups (type, table,
group), entries (type, table, index).

An entry's values hold its destination list as the kernel lays it out: its destinations,
then its flow counters, every entry 8 bytes (extended_destination 0, what mlx5e's NIC RX
rules get) or 16 bytes (extended_destination 1); `destination_list` builds those values.
"""

from __future__ import annotations

from fwctl_tui.sim.mlx5.netdev import TRAFFIC_TYPES
from fwctl_tui.sim.mlx5.population import Allocator, HwObject, Population

NIC_RX = 0
E_SWITCH_HIERARCHY = 0
DEST_FLOW_TABLE, DEST_TIR = 0x1, 0x2  # destination_type values (FLOW_TABLE, TIR)
DEST_LIST = "flow_context.destination"
ACTION_FWD_DEST, ACTION_COUNT = 0x4, 0x8
OUTER_HEADERS = 0x1
OH = "outer_headers"
# Share of received packets per TTC rule, in TRAFFIC_TYPES order, then the catch-all.
TTC_SHARES = (0.62, 0.18, 0.12, 0.04, 0.0, 0.0, 0.001, 0.0, 0.02, 0.01, 0.009)


def _table(pop: Population, alloc: Allocator, role: str, level: int, log_size: int) -> int:
    table_id = alloc.take("ft")
    pop.add(HwObject("flow_table", table_id, "mlx5e", role, {
        "flow_table_context.table_miss_action": "DEF", "flow_table_context.level": level,
        "flow_table_context.log_size": log_size,
    }), key=(NIC_RX, table_id))
    return table_id


def _group(pop: Population, table_id: int, group_id: int, role: str, start: int, end: int,
           criteria: dict[str, int]) -> None:
    values: dict[str, object] = {"start_flow_index": start, "end_flow_index": end,
                                 "match_criteria_enable": OUTER_HEADERS if criteria else 0}
    values.update({f"match_criteria.{OH}.{k}": v for k, v in criteria.items()})
    pop.add(HwObject("flow_group", group_id, "mlx5e", role, values,
                     refs=[("flow_table", (NIC_RX, table_id))]), key=(NIC_RX, table_id, group_id))


def destination_list(dests: list[tuple[int, int]], counters: list[int],
                     extended: bool = False) -> dict[str, object]:
    """flow_context values of a destination list: the flag, both counts, then each
    (destination_type, destination_id) and each flow counter, in the kernel's order."""
    values: dict[str, object] = {
        "flow_context.extended_destination": int(extended),
        "flow_context.destination_list_size": len(dests),
        "flow_context.flow_counter_list_size": len(counters),
    }
    entry = "extended_dest_format.destination_entry" if extended else "dest_format_struct"
    for i, (dest_type, dest_id) in enumerate(dests):
        values[f"{DEST_LIST}[{i}].{entry}.destination_type"] = dest_type
        values[f"{DEST_LIST}[{i}].{entry}.destination_id"] = dest_id
    for i, counter in enumerate(counters, start=len(dests)):
        values[f"{DEST_LIST}[{i}].flow_counter_list.flow_counter_id"] = counter
    return values


def _entry(pop: Population, table_id: int, index: int, group_id: int, role: str,
           match: dict[str, int], dest: tuple[int, int], counter: int | None = None,
           share: float = 0.0) -> None:
    action = ACTION_FWD_DEST | (ACTION_COUNT if counter is not None else 0)
    values: dict[str, object] = {
        "flow_context.group_id": group_id, "flow_context.action": action,
        **destination_list([dest], [] if counter is None else [counter]),
    }
    values.update({f"flow_context.match_value.{OH}.{k}": v for k, v in match.items()})
    table = ("flow_table", (NIC_RX, table_id))
    target = ("tir", dest[1]) if dest[0] == DEST_TIR else ("flow_table", (NIC_RX, dest[1]))
    refs = [table, ("flow_group", (NIC_RX, table_id, group_id)), target]
    if counter is not None:
        refs.append(("flow_counter", counter))
        pop.add(HwObject("flow_counter", counter, "mlx5e", f"counter of {role}", {},
                         direction="rx", refs=[table], items=[share]))
    pop.add(HwObject("fte", index, "mlx5e", role, values, refs=refs,
                     items=[dest, *([] if counter is None else [counter])]),
            key=(NIC_RX, table_id, index))


def build_rx_steering(pop: Population, alloc: Allocator, mac: int) -> None:
    vlan = _table(pop, alloc, "VLAN table (NIC RX root)", 1, 14)
    l2 = _table(pop, alloc, "L2 (destination MAC) table", 2, 13)
    ttc = _table(pop, alloc, "traffic type classifier (TTC) table", 3, 4)

    untagged = alloc.take("fg")
    _group(pop, vlan, untagged, "untagged", 0, 0, {"cvlan_tag": 1})
    _group(pop, vlan, alloc.take("fg"), "any C-tag", 1, 1, {"cvlan_tag": 1})
    _group(pop, vlan, alloc.take("fg"), "any S-tag", 2, 2, {"svlan_tag": 1})
    ctag_vid = alloc.take("fg")
    _group(pop, vlan, ctag_vid, "C-tag VID", 3, 4098, {"cvlan_tag": 1, "first_vid": 0xFFF})
    _group(pop, vlan, alloc.take("fg"), "S-tag VID", 4099, 8194,
           {"svlan_tag": 1, "first_vid": 0xFFF})
    _entry(pop, vlan, 0, untagged, "untagged traffic", {"cvlan_tag": 0}, (DEST_FLOW_TABLE, l2))
    _entry(pop, vlan, 3, ctag_vid, "VLAN 0 (priority tagged)", {"cvlan_tag": 1, "first_vid": 0},
           (DEST_FLOW_TABLE, l2))

    _group(pop, l2, alloc.take("fg"), "promiscuous", 0, 0, {})
    full = alloc.take("fg")
    _group(pop, l2, full, "full destination MAC", 1, 4096,
           {"dmac_47_16": 0xFFFFFFFF, "dmac_15_0": 0xFFFF})
    _group(pop, l2, alloc.take("fg"), "all multicast", 4097, 4097, {"dmac_47_16": 0x01000000})
    macs = ((mac, "own unicast MAC"), (0xFFFFFFFFFFFF, "broadcast"),
            (0x333300000001, "IPv6 all-nodes multicast"),
            (0x01005E000001, "IPv4 all-hosts multicast"))
    for i, (addr, role) in enumerate(macs, start=1):
        _entry(pop, l2, i, full, role, {"dmac_47_16": addr >> 16, "dmac_15_0": addr & 0xFFFF},
               (DEST_FLOW_TABLE, ttc))

    by_proto, by_type, anything = alloc.take("fg"), alloc.take("fg"), alloc.take("fg")
    _group(pop, ttc, by_proto, "ethertype and IP protocol", 0, 7,
           {"ethertype": 0xFFFF, "ip_protocol": 0xFF})
    _group(pop, ttc, by_type, "ethertype", 8, 9, {"ethertype": 0xFFFF})
    _group(pop, ttc, anything, "any", 10, 10, {})
    for index, (name, ethertype, proto, _fields) in enumerate(TRAFFIC_TYPES):
        match = {"ethertype": ethertype, **({"ip_protocol": proto} if proto else {})}
        group = by_proto if proto else by_type
        _entry(pop, ttc, index, group, f"{name} to its RSS TIR", match,
               (DEST_TIR, pop.named[f"tir_{name}"]), alloc.take("fc"), TTC_SHARES[index])
    _entry(pop, ttc, 10, anything, "everything else to channel 0", {},
           (DEST_TIR, pop.named["tir_direct_0"]), alloc.take("fc"), TTC_SHARES[10])


def build_eswitch_qos(pop: Population, alloc: Allocator) -> None:
    """The root TSAR the eswitch creates for vport rate limiting."""
    element = alloc.take("sched")
    pop.add(HwObject("sched_element", element, "mlx5_core", "eswitch root TSAR (DWRR)", {
        "scheduling_context.element_type": "TSAR",
        "scheduling_context.element_attributes.tsar.tsar_type": "DWRR",
        "scheduling_context.parent_element_id": 0, "scheduling_context.bw_share": 0,
        "scheduling_context.max_average_bw": 0,
    }), key=(E_SWITCH_HIERARCHY, element))

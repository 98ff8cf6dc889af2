"""Vport commands: state, NIC/HCA/eswitch vport contexts, RoCE GIDs, vport and Q counters.

The vport follows the port: PAOS admin down or a link loss takes QUERY_VPORT_STATE down
too, and the HCA vport context tells them apart (physical state Disabled or Polling). The
NIC vport context carries the profile's MAC, GUIDs and the hardware MTU (netdev MTU plus
Ethernet header, VLAN tag and FCS). Counter queries honour `clear` the way firmware does:
the reply holds the values, then the set restarts from zero.
"""

from __future__ import annotations

from fwctl_tui.sim.mlx5.commands.common import (
    HW_MTU_OVERHEAD,
    UPLINK_VPORT,
    check_port_num,
    check_vport,
    counter_fields,
    gid_table,
    int_fields,
    mac_fields,
)
from fwctl_tui.sim.mlx5.commands.registry import handles
from fwctl_tui.sim.mlx5.device import Device
from fwctl_tui.sim.mlx5.mailbox import FirmwareError, Reply, Request
from fwctl_tui.sim.mlx5.syndromes import ErrorKind

OP_MOD_UPLINK = 2
VPORT_ADMIN_AUTO = 2
PORT_PHYS_LINKUP, PORT_PHYS_POLLING, PORT_PHYS_DISABLED = 5, 2, 3
PORT_ACTIVE, PORT_DOWN = 4, 1
PKEY_DEFAULT = 0xFFFF
VPORT_TRAFFIC = {  # traffic_counter block -> (direction, share of that direction's traffic)
    "received_eth_unicast": ("rx", 0.9952), "transmitted_eth_unicast": ("tx", 0.9952),
    "received_eth_multicast": ("rx", 0.004), "transmitted_eth_multicast": ("tx", 0.004),
    "received_eth_broadcast": ("rx", 0.0008), "transmitted_eth_broadcast": ("tx", 0.0008),
}
HEADER = ("status", "syndrome")
QUIET_VNIC = ("queues", "overrun", "quota", "priority_update", "too_small")


@handles("QUERY_VPORT_STATE")
def query_vport_state(dev: Device, req: Request) -> Reply:
    check_vport(dev, req)
    uplink = req.op_mod == OP_MOD_UPLINK or req.int("vport_number") == UPLINK_VPORT
    admin = int(dev.admin_up) if uplink else VPORT_ADMIN_AUTO
    return Reply({"state": "UP" if dev.link_up else "DOWN", "admin_state": admin})


@handles("QUERY_NIC_VPORT_CONTEXT")
def query_nic_vport_context(dev: Device, req: Request) -> Reply:
    check_vport(dev, req)
    port, p = dev.port, "nic_vport_context"
    values: dict[str, int] = {
        f"{p}.roce_en": dev.cap("GENERAL", "roce"), f"{p}.mtu": dev.mtu + HW_MTU_OVERHEAD,
        f"{p}.system_image_guid": int(dev.profile.system_image_guid, 16),
        f"{p}.port_guid": port.node_guid_int, f"{p}.node_guid": port.node_guid_int,
        f"{p}.arm_change_event": 1, f"{p}.event_on_mtu": 1,
        **mac_fields(f"{p}.permanent_address", port.mac_int),
    }
    list_type = req.int("allowed_list_type")
    values[f"{p}.allowed_list_type"] = list_type
    if list_type == 0:  # unicast list: the netdev's own address
        values[f"{p}.allowed_list_size"] = 1
        values[f"{p}.current_uc_mac_address[0]"] = port.mac_int
    return Reply(values)


@handles("QUERY_ESW_VPORT_CONTEXT")
def query_esw_vport_context(dev: Device, req: Request) -> Reply:
    check_vport(dev, req)
    return Reply({"esw_vport_context.fdb_to_vport_reg_c_id": dev.cap(
        "ESWITCH_FLOW_TABLE", "fdb_to_vport_reg_c_id")})


@handles("QUERY_HCA_VPORT_CONTEXT")
def query_hca_vport_context(dev: Device, req: Request) -> Reply:
    check_vport(dev, req)
    check_port_num(req)
    p, guid = "hca_vport_context", dev.port.node_guid_int
    up = dev.link_up
    physical = PORT_PHYS_LINKUP if up else (
        PORT_PHYS_POLLING if dev.link.polling else PORT_PHYS_DISABLED)
    return Reply({
        f"{p}.has_raw": 1, f"{p}.num_port_plane": 1,
        f"{p}.port_physical_state": physical,
        f"{p}.port_state": PORT_ACTIVE if up else PORT_DOWN,
        f"{p}.vport_state": PORT_ACTIVE if up else PORT_DOWN,
        f"{p}.system_image_guid": int(dev.profile.system_image_guid, 16),
        f"{p}.port_guid": guid, f"{p}.node_guid": guid,
        f"{p}.cap_mask1": 0x04010000, f"{p}.subnet_timeout": 18,
    })


@handles("QUERY_HCA_VPORT_GID")
def query_hca_vport_gid(dev: Device, req: Request) -> Reply:
    check_vport(dev, req)
    check_port_num(req)
    index = req.int("gid_index")
    table = gid_table(dev)
    if index >= dev.cap("GENERAL", "gid_table_size"):
        raise FirmwareError(ErrorKind.BAD_INDEX, f"GID index {index} is past the table")
    gid = table[index][0] if index < len(table) else bytes(16)
    return Reply({"gids_num": 1, "gid[0]": gid})


@handles("QUERY_HCA_VPORT_PKEY")
def query_hca_vport_pkey(dev: Device, req: Request) -> Reply:
    check_vport(dev, req)
    check_port_num(req)
    if req.int("pkey_index") >= max(1, dev.cap("GENERAL", "pkey_table_size")):
        raise FirmwareError(ErrorKind.BAD_INDEX, f"P_Key index {req.int('pkey_index')}")
    return Reply({"pkey[0].pkey": PKEY_DEFAULT})


@handles("QUERY_ROCE_ADDRESS")
def query_roce_address(dev: Device, req: Request) -> Reply:
    index = req.int("roce_address_index")
    if req.int("vhca_port_num") > 1:
        raise FirmwareError(ErrorKind.BAD_INDEX, "one port per function")
    if index >= dev.cap("ROCE", "roce_address_table_size"):
        raise FirmwareError(ErrorKind.BAD_INDEX, f"RoCE address index {index} is past the table")
    table = gid_table(dev)
    if index >= len(table):
        return Reply()  # an empty slot reads back as zeros
    gid, version, l3 = table[index]
    values: dict[str, int] = {f"roce_address.source_l3_address[{i}]": b for i, b in enumerate(gid)}
    values.update({"roce_address.roce_version": version, "roce_address.roce_l3_type": l3,
                   "roce_address.source_mac_47_32": dev.port.mac_int >> 32,
                   "roce_address.source_mac_31_0": dev.port.mac_int & 0xFFFFFFFF})
    return Reply(values)


@handles("QUERY_VNIC_ENV")
def query_vnic_env(dev: Device, req: Request) -> Reply:
    check_vport(dev, req)
    fields = [(n, w) for n, w in int_fields("vnic_diagnostic_statistics")
              if not any(word in n for word in QUIET_VNIC)]
    values = counter_fields(dev, "vnic_env", fields, "vport_env.")
    values["vport_env.invalid_command"] = dev.invalid_commands & 0xFFFFFFFF
    return Reply(values)


@handles("QUERY_VPORT_COUNTER")
def query_vport_counter(dev: Device, req: Request) -> Reply:
    check_vport(dev, req)
    check_port_num(req)
    now, counters = dev.now(), dev.counters("vport")
    values: dict[str, int] = {}
    for block, (direction, share) in VPORT_TRAFFIC.items():
        packets = counters.read(f"{direction}_packets", now)
        octets = counters.read(f"{direction}_octets", now)
        values[f"{block}.packets"] = int(packets * share)
        values[f"{block}.octets"] = int(octets * share)
    values["received_errors.packets"] = counters.read("rx_errors", now)
    values["transmit_errors.packets"] = counters.read("tx_errors", now)
    if req.int("clear"):
        counters.clear(now)
    return Reply(values)


@handles("QUERY_Q_COUNTER")
def query_q_counter(dev: Device, req: Request) -> Reply:
    check_vport(dev, req)
    set_id = req.int("counter_set_id")
    if dev.objects.get("q_counter", set_id) is None:
        raise FirmwareError(ErrorKind.NO_SUCH_OBJECT, f"no Q counter set {set_id}")
    key = ("q_counter", set_id)
    fields = [f for f in int_fields("query_q_counter_out") if f[0] not in HEADER]
    values = counter_fields(dev, key, fields)
    if req.int("clear"):
        dev.counters(key).clear(dev.now())
    return Reply(values)


@handles("QUERY_L2_TABLE_ENTRY")
def query_l2_table_entry(dev: Device, req: Request) -> Reply:
    index = req.int("table_index")
    if index >= 1 << dev.cap("GENERAL", "log_max_l2_table"):
        raise FirmwareError(ErrorKind.BAD_INDEX, f"L2 table index {index} is past the table")
    if index != 0:
        raise FirmwareError(ErrorKind.NO_SUCH_OBJECT, f"L2 table entry {index} is not set")
    return Reply(mac_fields("mac_address", dev.port.mac_int))

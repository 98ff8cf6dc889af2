"""Port registers with behaviour: PAOS, PTYS, PMTU, PPCNT, PDDR, PMLP, PPLM.

One link state (link.py) drives them all: PAOS admin down (with `ase` set, as the driver
writes it) takes the link down on purpose and disables the PHY; a link loss (a fault: cable,
peer) takes it down with admin still up and the PHY polling for its partner. PAOS oper
status, PTYS operational protocol, PDDR's operational and link-down pages and
QUERY_VPORT_STATE all say so until the link comes back. Speeds use the PRM's extended
Ethernet protocol bits; the operational one matches the profile's speed and lane count.
PPCNT groups are counter sets of the traffic model that `clr` restarts. Per-lane fields
(PDDR's module monitors, PPCNT's lane counters) hold values only for the port's lanes.
"""

from __future__ import annotations

import random
from typing import Any

from fwctl_tui.sim.mlx5.commands.common import HW_MTU_OVERHEAD, counter_fields, int_fields
from fwctl_tui.sim.mlx5.device import Device
from fwctl_tui.sim.mlx5.link import BLAME_LOCAL, BLAME_REMOTE
from fwctl_tui.sim.mlx5.mailbox import FirmwareError
from fwctl_tui.sim.mlx5.registers.access import Access, model
from fwctl_tui.sim.mlx5.syndromes import ErrorKind

ADMIN_UP, ADMIN_DOWN, ADMIN_UP_ONCE = 1, 2, 3
OPER_UP, OPER_DOWN = 1, 2
PROTO_ETHERNET = 4
# Extended Ethernet protocol bit -> (speed Gb/s, lanes)
EXT_ETH_MODES = {1: (1, 1), 4: (10, 1), 5: (40, 4), 6: (25, 1), 7: (50, 2), 8: (50, 1),
                 9: (100, 4), 10: (100, 2), 11: (100, 1), 12: (200, 4), 13: (200, 2),
                 15: (400, 8), 16: (400, 4)}
FEC_RS_528, FEC_RS_544 = 2, 7  # PPLM/PDDR fec_mode_active: NRZ lanes, PAM4 lanes
PHY_ACTIVE, PHY_POLLING, PHY_DISABLED = 3, 2, 0  # PDDR phy_mngr_fsm_state
PHYS_LINK_UP, PHYS_POLLING, PHYS_DISABLED = 5, 2, 3  # PAOS physical_state_status
LOGICAL_ACTIVE, LOGICAL_DOWN = 4, 1
DOWN_INTENTIONAL, DOWN_UNINTENTIONAL = 1, 2  # PDDR down_intent
BLAME_CODES = {BLAME_LOCAL: 1, BLAME_REMOTE: 2}  # PDDR down_blame: Local_phy, Remote_phy
MODULE_LANES = 8  # PDDR's module page has monitors for 8 lanes
TX_POWER_UW, RX_POWER_UW, TX_BIAS_MA = 1260.0, 890.0, 42.0  # a healthy optical lane
POWER_UNIT_UW, BIAS_UNIT_MA = 0.1, 0.002  # module monitor units (SFF-8636 / CMIS)
NO_LIGHT = 1  # 0.1 uW: what a receiver reads with the far laser off
NEG_CL73, NEG_NONE = 2, 0
MAX_HW_MTU = 10000
ETH_GROUPS = (0, 1, 2, 3, 5, 6, 16, 17, 18, 19, 22, 26, 34, 35)
PER_PRIORITY_GROUPS = (16, 17, 19)


def ext_capability(dev: Device) -> int:
    port = dev.port
    return sum(1 << bit for bit, (speed, lanes) in EXT_ETH_MODES.items()
               if speed in port.supported_gbps and speed / lanes <= port.serdes_lane_gbps)


def ext_oper(dev: Device) -> int:
    port = dev.port
    bits = [bit for bit, mode in EXT_ETH_MODES.items() if mode == (port.speed_gbps, port.lanes)]
    return 1 << bits[0] if bits and dev.link_up else 0


def fec_mode(dev: Device) -> int:
    return FEC_RS_544 if dev.port.speed_gbps / dev.port.lanes > 25 else FEC_RS_528


@model("PAOS")
def paos(acc: Access) -> dict[str, Any]:
    dev = acc.dev
    if acc.write and acc.int("ase"):
        admin = acc.int("admin_status")
        if admin not in (ADMIN_UP, ADMIN_DOWN, ADMIN_UP_ONCE):
            raise FirmwareError(ErrorKind.BAD_FIELD, f"admin_status {admin}")
        dev.set_admin_up(admin != ADMIN_DOWN)
    up = dev.link_up
    physical = PHYS_LINK_UP if up else (PHYS_POLLING if dev.link.polling else PHYS_DISABLED)
    return {"admin_status": ADMIN_UP if dev.admin_up else ADMIN_DOWN,
            "oper_status": OPER_UP if up else OPER_DOWN,
            "physical_state_status": physical,
            "logical_state_status": LOGICAL_ACTIVE if up else LOGICAL_DOWN,
            "last_oper_status": OPER_UP if dev.link.down_events == 0 or up else OPER_DOWN}


@model("PTYS")
def ptys(acc: Access) -> dict[str, Any]:
    if acc.int("proto_mask") != PROTO_ETHERNET:
        raise FirmwareError(ErrorKind.BAD_FIELD, "this port runs Ethernet only (proto_mask 4)")
    dev = acc.dev
    cap = ext_capability(dev)
    if acc.write and acc.int("ext_eth_proto_admin") & ~cap:
        raise FirmwareError(ErrorKind.BAD_FIELD, "ext_eth_proto_admin asks for unsupported speeds")
    admin = dev.registers.get((acc.reg.id, acc.index), {}).get("ext_eth_proto_admin") or cap
    copper = dev.port.module.media == "copper"
    return {"ext_eth_proto_capability": cap, "ext_eth_proto_admin": admin,
            "ext_eth_proto_oper": ext_oper(dev), "an_disable_cap": 1,
            "an_status": 1 if dev.link_up and copper else (3 if dev.link_up else 4),
            "connector_type": "PORT_DA" if copper else "PORT_FIBRE", "transmit_allowed": 1}


@model("PMTU")
def pmtu(acc: Access) -> dict[str, Any]:
    dev = acc.dev
    if acc.write:
        wanted = acc.int("admin_mtu")
        if not 64 + HW_MTU_OVERHEAD <= wanted <= MAX_HW_MTU:
            raise FirmwareError(ErrorKind.BAD_FIELD, f"admin_mtu {wanted} out of range")
        dev.mtu = wanted - HW_MTU_OVERHEAD
    hw = dev.mtu + HW_MTU_OVERHEAD
    return {"max_mtu": MAX_HW_MTU, "admin_mtu": hw, "oper_mtu": hw}


@model("PPCNT")
def ppcnt(acc: Access) -> dict[str, Any]:
    group, prio = acc.int("grp"), acc.int("prio_tc")
    page = next(p for p in acc.reg.pages if p.field == "counter_set")
    member = page.variants.get(group)
    if member is None or group not in ETH_GROUPS:
        raise FirmwareError(ErrorKind.BAD_FIELD, f"counter group {group} on an Ethernet port")
    if group in PER_PRIORITY_GROUPS and prio >= 8:
        raise FirmwareError(ErrorKind.BAD_INDEX, f"priority {prio}")
    dev = acc.dev
    key = ("ppcnt", group, prio)
    values = counter_fields(dev, key, int_fields(member), f"counter_set.{member}.")
    if group in PER_PRIORITY_GROUPS and prio != 0:  # no PFC: all traffic rides priority 0
        values = {k: 0 for k in values}
    if acc.int("clr"):
        dev.counters(key).clear(dev.now())
    return values


@model("PDDR")
def pddr(acc: Access) -> dict[str, Any]:
    dev, page_select = acc.dev, acc.int("page_select")
    page = next(p for p in acc.reg.pages if p.field == "page_data")
    member = page.variants.get(page_select)
    if member is None:
        raise FirmwareError(ErrorKind.BAD_FIELD, f"PDDR page {page_select}")
    p = f"page_data.{member}."
    if member == "pddr_operation_info_page_ext":
        up, copper = dev.link_up, dev.port.module.media == "copper"
        phy = PHY_ACTIVE if up else (PHY_POLLING if dev.link.polling else PHY_DISABLED)
        return {p + "proto_active": PROTO_ETHERNET,
                p + "neg_mode_active": NEG_CL73 if copper and up else NEG_NONE,
                p + "phy_mngr_fsm_state": phy,
                p + "link_active.pddr_link_active_eth_ext.link_eth_active": ext_oper(dev),
                p + "fec_mode_active": fec_mode(dev) if up else 0}
    if member == "pddr_module_info_ext":
        return {p + k: v for k, v in module_info(dev).items()}
    if member == "pddr_link_up_info_page_ext" and dev.link_up:
        return {p + "up_reason_drv": 1, p + "time_to_link_up": 1800}
    last = dev.link.last_down
    if member == "pddr_link_down_info_page_ext" and last is not None:  # the last drop
        return {p + "down_intent": DOWN_INTENTIONAL if last.intentional else DOWN_UNINTENTIONAL,
                p + "down_blame": BLAME_CODES.get(last.blame, 0)}
    return {}


def _text(value: str, size: int) -> bytes:
    return value.encode()[:size].ljust(size)


def module_info(dev: Device) -> dict[str, Any]:
    """PDDR's view of the module: the same identity its EEPROM (MCIA) holds."""
    module = dev.port.module
    optical = module.media != "copper"
    return {"cable_type": 2 if optical else 3,
            "cable_vendor": 3 if module.vendor == "NVIDIA" else 1,
            "cable_length": module.length_m, "cable_identifier": module.identifier,
            "max_power": round(module.max_power_w * 4), "vendor_name": _text(module.vendor, 16),
            "vendor_pn": _text(module.part_number, 16), "vendor_rev": _text(module.revision, 4),
            "vendor_sn": _text(module.serial, 16), "connector_type": module.connector,
            "vendor_oui": int(module.oui.replace(":", ""), 16),
            "temperature": dev.module_sensor.read(dev.now()) * 32 if optical else 0,
            "module_st": 3, "rx_power_type": 1, **lane_monitors(dev)}


def lane_monitors(dev: Device) -> dict[str, int]:
    """Per-lane optical power and laser bias for the port's lanes (zero on the others, and
    on passive copper, which has no monitors). The local laser is off while the port is
    admin down; a remote-blamed link loss leaves no light arriving from the far end."""
    if dev.port.module.media == "copper":
        return {}
    rng = random.Random(f"{dev.key}/module-lanes")
    values: dict[str, int] = {}
    laser_on = dev.admin_up
    light_in = dev.link.loss != BLAME_REMOTE
    for lane in range(min(dev.port.lanes, MODULE_LANES)):
        tx_uw = TX_POWER_UW * rng.uniform(0.85, 1.15)
        rx_uw = RX_POWER_UW * rng.uniform(0.8, 1.2)
        bias = TX_BIAS_MA * rng.uniform(0.9, 1.1)
        values[f"tx_power_lane{lane}"] = round(tx_uw / POWER_UNIT_UW) if laser_on else 0
        values[f"tx_bias_lane{lane}"] = round(bias / BIAS_UNIT_MA) if laser_on else 0
        values[f"rx_power_lane{lane}"] = round(rx_uw / POWER_UNIT_UW) if light_in else NO_LIGHT
    return values


@model("PMLP")
def pmlp(acc: Access) -> dict[str, Any]:
    dev = acc.dev
    values: dict[str, Any] = {"width": dev.port.lanes}
    for lane in range(dev.port.lanes):
        prefix = f"lane_module_mapping[{lane}]."
        values.update({prefix + "module": dev.func, prefix + "tx_lane": lane,
                       prefix + "rx_lane": lane})
    return values


@model("PPLM")
def pplm(acc: Access) -> dict[str, Any]:
    return {"fec_mode_active": fec_mode(acc.dev) if acc.dev.link_up else 0}

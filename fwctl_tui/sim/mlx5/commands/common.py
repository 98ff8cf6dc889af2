"""Small helpers shared by the command handlers: byte arrays, vport checks, GIDs."""

from __future__ import annotations

import ipaddress
from typing import Any

from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.sim.mlx5.device import Device
from fwctl_tui.sim.mlx5.mailbox import FirmwareError, Request
from fwctl_tui.sim.mlx5.syndromes import ErrorKind

UPLINK_VPORT = 0xFFFF
ECPF_VPORT = 0xFFFE
ROCE_V1, ROCE_V2 = 0, 2
L3_IPV4, L3_IPV6 = 0, 1
HW_MTU_OVERHEAD = 22  # Ethernet header, one VLAN tag and FCS on top of the netdev MTU


def byte_array(path: str, data: bytes, size: int) -> dict[str, int]:
    """A fixed array of 8-bit elements (`path[i]`), zero-padded or cut to `size`."""
    padded = data[:size].ljust(size, b"\0")
    return {f"{path}[{i}]": b for i, b in enumerate(padded)}


def mac_fields(path: str, mac: int) -> dict[str, int]:
    return {f"{path}.mac_addr_47_32": mac >> 32, f"{path}.mac_addr_31_0": mac & 0xFFFFFFFF}


def check_vport(dev: Device, req: Request) -> int:
    """The vport a command addresses: its own, or (eswitch manager only) uplink/ECPF."""
    if not req.int("other_vport"):
        return 0
    number = req.int("vport_number")
    allowed = {0, UPLINK_VPORT}
    if dev.profile.has("emulation"):
        allowed.add(ECPF_VPORT)
    if not dev.cap("GENERAL", "eswitch_manager") or number not in allowed:
        raise FirmwareError(ErrorKind.BAD_INDEX, f"vport {number:#x} does not exist here")
    return number


def check_port_num(req: Request, field: str = "port_num") -> None:
    if req.int(field) not in (0, 1):
        raise FirmwareError(ErrorKind.BAD_INDEX, f"{field} {req.int(field)}: one port per function")


def ipv4_of(dev: Device) -> ipaddress.IPv4Address:
    """The address the host configured on this port's netdev (a documentation-range /24)."""
    return ipaddress.IPv4Address(f"192.0.2.{10 + dev.func}")


def link_local_gid(mac: int) -> bytes:
    """fe80::/64 with the MAC as modified EUI-64: GID 0/1 of a RoCE port."""
    octets = mac.to_bytes(6, "big")
    eui = bytes([octets[0] ^ 0x02, *octets[1:3], 0xFF, 0xFE, *octets[3:]])
    return bytes([0xFE, 0x80]) + bytes(6) + eui


def gid_table(dev: Device) -> list[tuple[bytes, int, int]]:
    """(gid, roce_version, l3_type) per populated GID index, as the RDMA core fills it."""
    ll = link_local_gid(dev.port.mac_int)
    mapped = ipaddress.IPv6Address(f"::ffff:{ipv4_of(dev)}").packed
    return [(ll, ROCE_V1, L3_IPV6), (ll, ROCE_V2, L3_IPV6),
            (mapped, ROCE_V1, L3_IPV4), (mapped, ROCE_V2, L3_IPV4)]


def int_fields(layout: str) -> list[tuple[str, int]]:
    """(name, width) of a catalogue layout's integer fields: what a counter block holds."""
    return [(f.name, f.width) for f in layouts()[layout].fields if f.kind == "int"]


def counter_fields(dev: Device, key: Any, fields: list[tuple[str, int]],
                   prefix: str = "") -> dict[str, int]:
    """Counter values for fields named like the PRM (`x`, or `x_high`/`x_low` halves),
    wrapped to the field width as hardware counters wrap."""
    now = dev.now()
    counters = dev.counters(key)
    out: dict[str, int] = {}
    for name, width in fields:
        base = name.removesuffix("_high").removesuffix("_low")
        value = counters.read(base, now) & 0xFFFFFFFFFFFFFFFF
        if name.endswith("_high"):
            value >>= 32
        out[prefix + name] = value & ((1 << width) - 1)
    return out

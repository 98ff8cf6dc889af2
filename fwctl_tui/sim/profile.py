"""Simulated adapter profiles: one JSON data file per card in sim/profiles/.

A profile says what a trainee would find on that card: PCI identity, PSID, firmware
version, board, ports (speed, MAC, GUID, the plugged transceiver) and the HCA capability
pages, maximum and current, as field values keyed by the capability layout's field path
(nested JSON objects flatten to dotted paths). The firmware model reads nothing else about
the hardware, so adding a card is adding a file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

SCHEMA = 1


@dataclass(frozen=True)
class Module:
    """The transceiver or cable in a port cage, as its EEPROM describes it."""

    standard: str  # "sff8636" (QSFP28/QSFP56) or "cmis" (OSFP/QSFP-DD/QSFP112)
    identifier: int  # SFF-8024 identifier byte
    connector: int  # SFF-8024 connector type
    vendor: str
    oui: str
    part_number: str
    revision: str
    serial: str
    date_code: str  # YYMMDD
    media: str  # copper | optical
    length_m: int
    temperature_c: float  # 0 for passive copper (no sensor)
    max_power_w: float


@dataclass(frozen=True)
class Port:
    """One physical port; PCI function N drives port N."""

    speed_gbps: int
    supported_gbps: tuple[int, ...]
    lanes: int
    serdes_lane_gbps: int  # fastest lane the SerDes runs (50G PAM4 on CX6 Dx, 100G on CX7)
    mtu: int
    max_mtu: int
    mac: str
    node_guid: str
    module: Module

    @property
    def mac_int(self) -> int:
        return int(self.mac.replace(":", ""), 16)

    @property
    def node_guid_int(self) -> int:
        return int(self.node_guid, 16)


@dataclass(frozen=True)
class CapPage:
    """One HCA capability page: `max` is what the device can do, `cur` what is in effect."""

    max: Mapping[str, int]
    cur: Mapping[str, int]


@dataclass(frozen=True)
class Profile:
    """Everything the simulator knows about one card."""

    name: str
    description: str
    family: str
    board: str
    part_number: str
    psid: str
    serial: str
    fw_version: str
    fw_date: str
    hw_revision: int
    pci_vendor: str
    pci_device: str
    pci_subsystem_vendor: str
    pci_subsystem_device: str
    pci_bus: str
    netdev_pattern: str
    rdma_pattern: str
    host_cpus: int
    system_image_guid: str
    temperature_c: Mapping[str, float]
    features: frozenset[str]
    ports: tuple[Port, ...]
    caps: Mapping[str, CapPage]  # keyed by upper-case cap page name (GENERAL, ROCE, ...)

    @property
    def functions(self) -> int:
        """PCI functions, hence fwctl devices: one per port."""
        return len(self.ports)

    @property
    def fw_version_tuple(self) -> tuple[int, int, int]:
        major, minor, sub_minor = (int(part) for part in self.fw_version.split("."))
        return major, minor, sub_minor

    def bdf(self, func: int) -> str:
        return f"{self.pci_bus}.{func}"

    def netdev(self, func: int) -> str:
        return self.netdev_pattern.format(f=func)

    def rdma(self, func: int) -> str:
        return self.rdma_pattern.format(f=func)

    def port(self, func: int) -> Port:
        return self.ports[func]

    def has(self, feature: str) -> bool:
        return feature in self.features


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, int]:
    """{"a": {"b": 1}} -> {"a.b": 1}: profile JSON nests, layouts address by dotted path."""
    out: dict[str, int] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{path}."))
        else:
            out[path] = int(value)
    return out


def _cap_page(raw: Mapping[str, Any]) -> CapPage:
    maximum = flatten(raw["max"])
    current = {**maximum, **flatten(raw.get("cur", {}))}
    return CapPage(MappingProxyType(maximum), MappingProxyType(current))


def _module(raw: Mapping[str, Any]) -> Module:
    return Module(**raw)


def _port(raw: Mapping[str, Any]) -> Port:
    fields = dict(raw)
    fields["supported_gbps"] = tuple(fields["supported_gbps"])
    fields["module"] = _module(fields["module"])
    return Port(**fields)


def parse_profile(doc: Mapping[str, Any]) -> Profile:
    """Build a Profile from its JSON document (ValueError on a schema mismatch)."""
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"profile {doc.get('name')!r}: schema {doc.get('schema')} != {SCHEMA}")
    pci = doc["pci"]
    return Profile(
        name=doc["name"],
        description=doc["description"],
        family=doc["family"],
        board=doc["board"],
        part_number=doc["part_number"],
        psid=doc["psid"],
        serial=doc["serial"],
        fw_version=doc["fw_version"],
        fw_date=doc["fw_date"],
        hw_revision=int(doc["hw_revision"]),
        pci_vendor=pci["vendor"],
        pci_device=pci["device"],
        pci_subsystem_vendor=pci["subsystem_vendor"],
        pci_subsystem_device=pci["subsystem_device"],
        pci_bus=pci["bus"],
        netdev_pattern=doc["netdev"],
        rdma_pattern=doc["rdma"],
        host_cpus=int(doc["host_cpus"]),
        system_image_guid=doc["system_image_guid"],
        temperature_c=MappingProxyType(dict(doc["temperature_c"])),
        features=frozenset(doc["features"]),
        ports=tuple(_port(p) for p in doc["ports"]),
        caps=MappingProxyType({k.upper(): _cap_page(v) for k, v in doc["caps"].items()}),
    )


def _profile_files() -> dict[str, Any]:
    folder = resources.files("fwctl_tui.sim").joinpath("profiles")
    return {entry.name.removesuffix(".json"): entry for entry in folder.iterdir()
            if entry.name.endswith(".json")}


PROFILES: tuple[str, ...] = tuple(sorted(_profile_files()))
"""Names of the packaged profiles (cx6dx, cx7, bf3, ...)."""


@cache
def load_profile(name: str) -> Profile:
    """A packaged profile by name; LookupError names the ones that exist."""
    files = _profile_files()
    if name not in files:
        raise LookupError(f"no simulator profile {name!r}; known: {', '.join(PROFILES)}")
    return parse_profile(json.loads(files[name].read_text("utf-8")))

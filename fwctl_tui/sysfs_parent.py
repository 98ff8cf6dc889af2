"""What sysfs says about a fwctl device's parent: the PCI function or CXL memdev.

The fwctl core has no attributes of its own, so driver, netdevs, RDMA names, firmware
version and PSID all come from here. Every reader is tolerant: a missing, dangling or
unreadable entry becomes None, [] or a note, never an exception (see discovery.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

BDF = re.compile(r"^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$", re.IGNORECASE)
MEMDEV = re.compile(r"^mem\d+$")


def parent_of(class_dir: Path, notes: list[str]) -> Path | None:
    """The resolved parent device of a fwctl class entry, or None (with a note)."""
    link = class_dir / "device"
    if not os.path.lexists(link):
        notes.append(f"{link} is missing: parent device unknown")
        return None
    try:
        target = link.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: symlink loop on 3.11
        notes.append(f"cannot resolve {link}: {exc}")
        return None
    if not target.exists():
        notes.append(f"{link} is a dangling link (-> {readlink(link)}): parent device is gone")
        return None
    return target


def pci_function(parent: Path) -> Path | None:
    """The PCI function at or above `parent` (mlx5 aux devices and CXL memdevs sit below)."""
    for path in (parent, *parent.parents):
        if BDF.match(path.name):
            return path
    return None


def topology(parent: Path) -> dict[str, Any]:
    """What the parent (and its PCI function) say: BDF, driver, netdevs, RDMA, firmware."""
    pci = pci_function(parent)
    memdev = parent.name if MEMDEV.match(parent.name) else None
    owner = pci or parent
    rdma = tuple(listdir(owner / "infiniband"))
    first_ib = owner / "infiniband" / rdma[0] if rdma else None
    firmware = read_attr(first_ib / "fw_ver") if first_ib else None
    if firmware is None:
        firmware = read_attr(parent / "firmware_version")  # CXL memdev attribute
    vendor, device = read_attr(owner / "vendor"), read_attr(owner / "device")
    ids = f"{vendor.removeprefix('0x')}:{device.removeprefix('0x')}" if vendor and device else None
    return {
        "pci_bdf": pci.name.lower() if pci else None,
        "pci_ids": ids if pci else None,
        "cxl_memdev": memdev,
        "driver": link_name(parent / "driver") or (link_name(pci / "driver") if pci else None),
        "netdevs": tuple(listdir(owner / "net")),
        "rdma": rdma,
        "firmware_version": firmware,
        "psid": read_attr(first_ib / "board_id") if first_ib else None,
    }


def drivers_of(driver: str | None, parent: Path | None) -> list[str]:
    """Drivers to infer the type from: the parent's own, then its PCI function's."""
    drivers = [driver] if driver else []
    pci = pci_function(parent) if parent else None
    if pci is not None and (pci_driver := link_name(pci / "driver")):
        drivers.append(pci_driver)
    return drivers


# --- tolerant file helpers: a strange tree gives None or [], never an exception ---------


def read_attr(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip() or None
    except (OSError, ValueError):
        return None


def listdir(path: Path) -> list[str]:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []


def readlink(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def link_name(path: Path) -> str | None:
    """Basename of a symlink's target (a driver link), even when the target is absent."""
    try:
        return Path(os.readlink(path)).name or None
    except OSError:
        return None

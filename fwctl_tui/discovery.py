"""Find fwctl devices: /sys/class/fwctl/* and /dev/fwctl/* under a configurable root.

The fwctl core defines no sysfs attributes of its own, so everything beyond name and
major:minor comes from the parent device (PCI function or CXL memdev, read by
sysfs_parent.py): driver, netdevs, RDMA names, firmware version. The device type is
only known for sure from FWCTL_INFO, so a node is opened when it is verifiably the fwctl
node (a character device with the major:minor sysfs reports); otherwise the type is
inferred from the parent's driver and the entry says so. Nothing here raises on a
strange tree: every oddity becomes a `reason` or a `notes` line, because the device
list is where users come to find out what is wrong.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from fwctl_tui.facts import facts
from fwctl_tui.ioctl import DeviceInfo, FwctlDevice, FwctlError
from fwctl_tui.sysfs_parent import (
    BDF,
    drivers_of,
    listdir,
    parent_of,
    read_attr,
    topology,
)

ROOT_ENV = "FWCTL_TUI_SYSFS_ROOT"
MAX_INDEX: int = facts()["limits"]["device_index_max"]  # fwctlN: N in 0..4095
CHRDEV_NAME = "fwctl"  # the name the core registers its char device major under

log = logging.getLogger(__name__)

_NAME = re.compile(r"^fwctl(\d+)$")
_MAJOR_MINOR = re.compile(r"^(\d+):(\d+)$")
_SHORT_BDF = re.compile(r"^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$", re.IGNORECASE)

# Parent drivers whose fwctl driver is known: the type when FWCTL_INFO cannot be asked.
DRIVER_TYPES: dict[str, str] = {
    "mlx5_core": "mlx5",
    "mlx5_fwctl": "mlx5",
    "cxl_mem": "cxl",
    "cxl_pci": "cxl",
    "pds_core": "pds",
    "pds_fwctl": "pds",
    "bnxt_en": "bnxt",
    "bnxt_fwctl": "bnxt",
}


@dataclass(frozen=True)
class DeviceEntry:
    """One fwctl device as the device list shows it (live, simulated or replayed)."""

    name: str
    dev_node: str | None = None
    kind: str = "live"  # live | simulated | replay
    major_minor: str | None = None
    device_type: str = "unknown"  # mlx5 | cxl | pds | bnxt | unknown
    device_type_value: int | None = None  # as FWCTL_INFO reported it; None if not asked
    type_source: str | None = None  # "FWCTL_INFO", "parent driver mlx5_core", ...
    pci_bdf: str | None = None
    pci_ids: str | None = None  # "15b3:1021"
    cxl_memdev: str | None = None
    parent: str | None = None  # resolved sysfs path of the parent device
    driver: str | None = None
    netdevs: tuple[str, ...] = ()
    rdma: tuple[str, ...] = ()
    can_open: bool = False
    reason: str | None = None  # why it cannot be opened, and what to do
    info: dict[str, Any] | None = field(default=None, hash=False)
    firmware_version: str | None = None
    board: str | None = None
    psid: str | None = None  # Mellanox/NVIDIA board PSID (sysfs infiniband board_id)
    notes: tuple[str, ...] = ()

    @property
    def index(self) -> int | None:
        """N of fwctlN (None for names that are not fwctlN)."""
        match = _NAME.match(self.name)
        return int(match.group(1)) if match else None

    def as_json(self) -> dict[str, Any]:
        """The `devices --json` record: every field in declaration order, lists for tuples."""
        record: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            record[item.name] = list(value) if isinstance(value, tuple) else (
                dict(value) if isinstance(value, dict) else value)
        return record


def with_info(entry: DeviceEntry, info: DeviceInfo) -> DeviceEntry:
    """The entry updated with what FWCTL_INFO said (after a successful open)."""
    return replace(
        entry,
        device_type=info.type_name,
        device_type_value=info.device_type,
        type_source="FWCTL_INFO",
        info=info.as_dict(),
        can_open=True,
        reason=None,
    )


def sysfs_root(root: Path | str | None = None) -> Path:
    """The root to scan: the argument, else $FWCTL_TUI_SYSFS_ROOT, else '/'."""
    if root is None or str(root) == "":
        root = os.environ.get(ROOT_ENV) or "/"
    return Path(root)


def scan(root: Path | str | None = None, *, probe: bool = True) -> list[DeviceEntry]:
    """Every fwctl device under `root`, sorted by index; never raises for odd trees.

    With `probe`, each verifiable node is opened for FWCTL_INFO (on mlx5 that costs a
    CREATE_UCTX/DESTROY_UCTX pair); without it the type comes from the parent driver,
    can_open stays False and `reason` is set only for nodes that must not be opened.
    A root that is no sysfs tree at all (see `root_problem`) is logged as a warning.
    """
    base = sysfs_root(root)
    problem = root_problem(base)
    if problem:
        log.warning("%s", problem)
    real_root = base.resolve() == Path("/")
    proc_devices = read_attr(base / "proc/devices")
    names = {
        name
        for directory in (base / "sys/class/fwctl", base / "dev/fwctl")
        for name in listdir(directory)
        if _NAME.match(name)
    }
    ordered = sorted(names, key=lambda n: int(n.removeprefix("fwctl")))
    return [
        _entry(name, base, real_root=real_root, probe=probe, proc_devices=proc_devices)
        for name in ordered
    ]


def root_problem(root: Path | str | None = None) -> str | None:
    """Why `root` cannot hold any fwctl device (no such directory, no sys/), else None.

    An empty but real sysfs (no fwctl module loaded) is not a problem: it has no devices.
    """
    base = sysfs_root(root)
    where = f"(check --root or ${ROOT_ENV})"
    if not base.is_dir():
        return f"root {base} does not exist or is not a directory: no sysfs to scan {where}"
    if not (base / "sys").is_dir():
        return f"root {base} has no sys/ directory: it is not a sysfs tree {where}"
    return None


def resolve(name: str, entries: list[DeviceEntry]) -> DeviceEntry:
    """Find DEVICE given as fwctlN, /dev/fwctl/fwctlN, a PCI address or a simulated name.

    Paths only match live entries (a simulated entry's node is make-believe), and a PCI
    address prefers a live device over a simulated one that happens to share it. A
    fwctlN beyond the kernel's last index is refused before any lookup.
    """
    wanted = name.strip()
    match = _NAME.match(Path(wanted).name) if wanted.startswith(("fwctl", "/")) else None
    if match and int(match.group(1)) > MAX_INDEX:
        raise LookupError(
            f"{Path(wanted).name} cannot exist: fwctl devices are numbered 0..{MAX_INDEX} "
            f"(the kernel allows {MAX_INDEX + 1}). "
            "Use `fwctl-tui devices` to see the ones present."
        )
    if wanted.startswith("sim:") and wanted.endswith(".0"):
        wanted = wanted.removesuffix(".0")  # function 0 is named without a suffix
    live = [e for e in entries if e.kind == "live"]
    for entry in entries:
        if entry.name == wanted:
            return entry
    if "/" in wanted:
        for entry in live:
            if wanted == entry.dev_node or (
                Path(wanted).parent == Path("/dev/fwctl") and Path(wanted).name == entry.name
            ):
                return entry
    if _SHORT_BDF.match(wanted):
        wanted = "0000:" + wanted
    if BDF.match(wanted):
        for pool in (live, entries):
            hits = [e for e in pool if e.pci_bdf and e.pci_bdf.lower() == wanted.lower()]
            if len(hits) == 1:
                return hits[0]
            if hits:
                names = ", ".join(e.name for e in hits)
                raise LookupError(f"PCI address {wanted} matches {names}; name one of them")
    raise LookupError(unknown_device_message(name, entries))


def unknown_device_message(name: str, entries: list[DeviceEntry]) -> str:
    """'unknown device' text that lists what is known and how to name it."""
    forms = "fwctlN, /dev/fwctl/fwctlN, a PCI address (0000:3b:00.0 or 3b:00.0) or sim:PROFILE"
    if not entries:
        return (
            f"unknown device {name!r}: no fwctl devices found. "
            f"Use {forms}; `fwctl-tui devices --simulate` lists simulated ones."
        )
    known = ", ".join(e.name for e in entries)
    return f"unknown device {name!r}; known devices: {known}. Use {forms}."


# --- one entry -------------------------------------------------------------------------


def _entry(
    name: str, base: Path, *, real_root: bool, probe: bool, proc_devices: str | None
) -> DeviceEntry:
    class_dir = base / "sys/class/fwctl" / name
    node = base / "dev/fwctl" / name
    notes: list[str] = []
    in_sysfs = os.path.lexists(class_dir)
    major_minor = _major_minor(class_dir / "dev", notes) if in_sysfs else None
    parent = parent_of(class_dir, notes) if in_sysfs else None
    fields: dict[str, Any] = topology(parent) if parent else {}
    node_exists = os.path.lexists(node)
    info: DeviceInfo | None = None
    reason: str | None = None
    index = int(name.removeprefix("fwctl"))
    if index > MAX_INDEX:
        reason = (
            f"{name}: index {index} is beyond {MAX_INDEX}, the largest the fwctl core hands "
            "out, so this is no fwctl device; not opened."
        )
    elif not in_sysfs:
        reason = (
            f"{node} has no sysfs entry ({class_dir}): a stale node left by a removed "
            "device; not opened. Refresh the list, or delete the node."
        )
    elif not node_exists:
        numbers = major_minor.replace(":", " ") if major_minor else ""
        mknod = f"; or create it: mknod {node} c {numbers}" if numbers else ""
        reason = (
            f"device node {node} is missing. Check that devtmpfs is mounted on /dev and "
            f"that no udev rule renamed it{mknod}."
        )
    else:
        reason = _node_problem(
            node, major_minor, real_root=real_root, notes=notes, proc_devices=proc_devices
        )
        if reason is None and probe:
            info, reason = _probe_info(node)

    entry = DeviceEntry(
        name=name,
        dev_node=str(node),
        kind="live",
        major_minor=major_minor,
        parent=str(parent) if parent else None,
        can_open=False,
        reason=reason,
        notes=tuple(notes),
        **fields,
    )
    if info is not None:
        return with_info(entry, info)
    for driver in drivers_of(entry.driver, parent):
        if driver in DRIVER_TYPES:
            return replace(
                entry, device_type=DRIVER_TYPES[driver], type_source=f"parent driver {driver}"
            )
    return entry


def _major_minor(path: Path, notes: list[str]) -> str | None:
    """sysfs `dev` as "MAJOR:MINOR", or None with a note when unreadable or not numbers."""
    text = read_attr(path)
    if text is None:
        notes.append(f"cannot read {path}")
        return None
    match = _MAJOR_MINOR.match(text)
    if match is None:
        shown = text if len(text) <= 40 else text[:40] + "..."
        notes.append(f"{path} holds {shown!r}, not MAJOR:MINOR; ignored")
        return None
    return f"{int(match.group(1))}:{int(match.group(2))}"


def _registered_major(proc_devices: str) -> int | None:
    """The major the fwctl core registered, from /proc/devices' character section."""
    in_chars = False
    for line in proc_devices.splitlines():
        text = line.strip()
        if text.endswith(":"):
            in_chars = text == "Character devices:"
            continue
        number, _, driver = text.partition(" ")
        if in_chars and driver.strip() == CHRDEV_NAME and number.isdigit():
            return int(number)
    return None


def _node_problem(
    node: Path,
    major_minor: str | None,
    *,
    real_root: bool,
    notes: list[str],
    proc_devices: str | None = None,
) -> str | None:
    """Why `node` must not be opened (not verifiably the fwctl node), or None if safe.

    A character device is opened only when its major:minor equals what sysfs reports
    and, when /proc/devices is readable, its major is the one registered as "fwctl".
    """
    try:
        st = os.stat(node)
    except OSError as exc:
        return f"cannot stat {node}: {exc.strerror or exc}. Refresh the device list."
    unverified = (
        "sysfs gives no usable major:minor for it (see notes), so it cannot be verified "
        "as the fwctl node; not opened."
    )
    if stat.S_ISCHR(st.st_mode):
        major = os.major(st.st_rdev)
        actual = f"{major}:{os.minor(st.st_rdev)}"
        if major_minor is None:
            return f"{node} is character device {actual} but {unverified}"
        if actual != major_minor:
            return (
                f"{node} is character device {actual} but sysfs says {major_minor}: a stale "
                "node, not opened. Run `udevadm trigger` or recreate the node."
            )
        if proc_devices is not None:
            registered = _registered_major(proc_devices)
            if registered is None:
                return (
                    f"/proc/devices lists no {CHRDEV_NAME!r} character device, so {node} "
                    f"({actual}) cannot belong to fwctl; not opened. Is the fwctl module loaded?"
                )
            if major != registered:
                return (
                    f"{node} has major {major} but fwctl registered major {registered} "
                    "(/proc/devices): not the fwctl node; not opened."
                )
        return None
    if stat.S_ISREG(st.st_mode) and not real_root:
        if major_minor is None:
            return f"{node} is a regular file stand-in and {unverified}"
        notes.append("a regular file stands in for the device node (test tree)")
        return None
    return f"{node} is not a character device; not opened."


def _probe_info(node: Path) -> tuple[DeviceInfo | None, str | None]:
    """FWCTL_INFO on a node already judged safe: (info, None) or (None, what failed)."""
    try:
        with FwctlDevice.open(str(node)) as device:
            return device.info(), None
    except FwctlError as err:
        return None, f"{err.operation} on {node} failed: {err.explanation}"

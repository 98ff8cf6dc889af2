"""`fwctl-tui devices` and `fwctl-tui info DEVICE`: what is there, and what one device says.

Both go through connect.py, the layer the TUI uses, so the CLI and the device screen
never disagree. Values are rich.text.Text (PCI names, reasons and paths may contain
`[`), and simulated or replayed devices are labelled as such in every row.
"""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fwctl_tui.cli import EXIT_DEVICE, EXIT_OK, EXIT_USAGE, CliError, add_json_flag, print_json
from fwctl_tui.connect import DeviceOpenError, UnknownDeviceError, list_devices, open_device
from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.ioctl import FwctlError
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.textsafe import printable

KIND_LABELS = {"live": "LIVE", "simulated": "SIMULATED", "replay": "REPLAY"}
_KIND_STYLES = {"live": "bold green", "simulated": "bold magenta", "replay": "bold cyan"}


def register(subparsers: Any) -> None:
    """Add `devices` and `info` to the top-level parser."""
    devices = subparsers.add_parser(
        "devices",
        help="list fwctl devices (simulated ones too with --simulate, or when none is live)",
        description="List fwctl devices found under /sys/class/fwctl and /dev/fwctl.",
    )
    devices.add_argument(
        "--simulate",
        nargs="?",
        const="cx7",
        default=argparse.SUPPRESS,  # keep a top-level --simulate given before `devices`
        metavar="PROFILE",
        help="also list the simulated devices of PROFILE (cx6dx, cx7, bf3; default cx7)",
    )
    add_json_flag(devices)
    devices.set_defaults(handler=run_devices)

    info = subparsers.add_parser(
        "info",
        help="open DEVICE and show what FWCTL_INFO reports",
        description="Open DEVICE, run FWCTL_INFO and show it with the device's sysfs facts.",
    )
    info.add_argument(
        "device",
        metavar="DEVICE",
        help="fwctlN, /dev/fwctl/fwctlN, a PCI address, sim:PROFILE[.N] or replay:FILE",
    )
    add_json_flag(info)
    info.set_defaults(handler=run_info)


def run_devices(args: argparse.Namespace) -> int:
    profile = getattr(args, "simulate", None)
    root = getattr(args, "root", None)
    try:
        if profile:
            entries = list_devices(root, simulate=True, profile=profile, hosts=args.sim_hosts)
        else:
            entries = list_devices(root, hosts=args.sim_hosts)
    except UnknownDeviceError as err:
        raise CliError(err.message, EXIT_USAGE) from None
    except DeviceOpenError as err:
        raise CliError(err.message, EXIT_DEVICE) from None
    if args.json:
        print_json([entry.as_json() for entry in entries])
        return EXIT_OK
    console = Console(highlight=False)
    if not entries:
        console.print(
            Text("No fwctl devices found. Try `fwctl-tui devices --simulate` for simulated ones.")
        )
        return EXIT_OK
    console.print(devices_table(entries))
    return EXIT_OK


def run_info(args: argparse.Namespace) -> int:
    try:
        connection = open_device(args.device, root=getattr(args, "root", None),
                                 hosts=args.sim_hosts, clock=args.clock)
    except UnknownDeviceError as err:
        raise CliError(err.message, EXIT_USAGE, device=args.device) from None
    except DeviceOpenError as err:
        extra = {"errno": err.explanation.name} if err.explanation else {}
        raise CliError(err.message, EXIT_DEVICE, device=args.device, **extra) from None
    with connection:
        entry = connection.entry
        try:
            kernel = connection.kernel_state()
        except (OSError, FwctlError) as err:
            raise CliError(f"cannot read kernel state: {err}", EXIT_DEVICE) from None
    document = info_json(entry, kernel)
    if args.json:
        print_json(document)
    else:
        Console(highlight=False).print(info_table(entry, kernel))
    return EXIT_OK


def info_json(entry: DeviceEntry, kernel: KernelState) -> dict[str, Any]:
    """`info --json`: the entry's fields plus the kernel state the RPC would meet."""
    return {
        **entry.as_json(),
        "label": KIND_LABELS.get(entry.kind, entry.kind.upper()),
        "kernel": {
            "release": kernel.release,
            "tainted": kernel.tainted,
            "fwctl_tainted": kernel.fwctl_tainted,
            "has_cap_sys_rawio": kernel.has_cap_sys_rawio,
            "lockdown": kernel.lockdown,
            "simulated": kernel.simulated,
        },
    }


def devices_table(entries: list[DeviceEntry]) -> Table:
    table = Table(title="fwctl devices", title_justify="left", expand=False)
    for column in ("Device", "Kind", "Type", "PCI / parent", "Driver", "Net / RDMA", "Status"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        table.add_row(
            _safe(entry.name, "bold"),
            kind_text(entry.kind),
            _safe(_type_label(entry)),
            _safe(entry.pci_bdf or entry.cxl_memdev or "-"),
            _safe(entry.driver or "-"),
            _safe(" ".join((*entry.netdevs, *entry.rdma)) or "-"),
            _status_text(entry),
        )
    if any(_type_label(entry).endswith("?") for entry in entries):
        table.caption = "?: type inferred from the parent driver; FWCTL_INFO was not available"
    return table


def info_table(entry: DeviceEntry, kernel: KernelState) -> Table:
    title = Text.assemble(
        (printable(entry.name), "bold"), " · ", (printable(entry.device_type), ""), " · ",
        kind_text(entry.kind)
    )
    table = Table(title=title, title_justify="left", show_header=False, expand=False)
    table.add_column("Field", style="bold")
    table.add_column("Value", overflow="fold")
    rows: list[tuple[str, str]] = [
        ("device node", entry.dev_node or "-"),
        ("major:minor", entry.major_minor or "-"),
        ("device type", f"{entry.device_type} ({entry.device_type_value})"),
        ("PCI function", entry.pci_bdf or "-"),
        ("PCI ids", entry.pci_ids or "-"),
        ("CXL memdev", entry.cxl_memdev or "-"),
        ("driver", entry.driver or "-"),
        ("netdevs", " ".join(entry.netdevs) or "-"),
        ("RDMA", " ".join(entry.rdma) or "-"),
        ("firmware", entry.firmware_version or "-"),
        ("board", entry.board or "-"),
        ("PSID", entry.psid or "-"),
    ]
    for key, value in (entry.info or {}).items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else _number(value)
        rows.append((f"info.{key}", shown or "-"))
    rows += [
        ("kernel", kernel.release + (" (simulated)" if kernel.simulated else "")),
        ("tainted", f"{kernel.tainted}" + (" (fwctl taint set)" if kernel.fwctl_tainted else "")),
        ("CAP_SYS_RAWIO", "yes" if kernel.has_cap_sys_rawio else "no"),
        ("lockdown", kernel.lockdown),
    ]
    for key, value in rows:
        table.add_row(_safe(key), _safe(value))
    for note in entry.notes:
        table.add_row(Text("note"), _safe(note, "yellow"))
    return table


def kind_text(kind: str) -> Text:
    return _safe(KIND_LABELS.get(kind, kind.upper()), _KIND_STYLES.get(kind, "bold"))


def _safe(text: str, style: str = "") -> Text:
    """A cell of sysfs or capture text (names, drivers, notes): control and bidi
    characters written visibly, never sent to the terminal."""
    return Text(printable(text), style=style)


def _type_label(entry: DeviceEntry) -> str:
    if entry.type_source and entry.type_source != "FWCTL_INFO":
        return f"{entry.device_type}?"  # inferred, not reported by FWCTL_INFO
    return entry.device_type


def _status_text(entry: DeviceEntry) -> Text:
    if entry.can_open:
        return Text("ok", style="green")
    return _safe(entry.reason or "not opened", "red")


def _number(value: object) -> str:
    return f"{value} (0x{value:x})" if isinstance(value, int) and value > 9 else str(value)

"""The device list: every fwctl device, what it is, and whether (and why not) it can be used.

This is where people come to find out what is wrong, so a device that cannot be opened
stays listed with the reason and what to do. Scanning probes live nodes with FWCTL_INFO
(an RPC on mlx5), so it runs in the App's worker and arrives as DevicesScanned.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.messages import DevicesScanned, OpenDeviceRequested
from fwctl_tui.widgets.device_bar import KIND_BADGES, DeviceBar

COLUMNS = ("Kind", "Name", "Type", "PCI", "Driver", "Netdev / RDMA", "Firmware", "Access")


def entry_row(entry: DeviceEntry) -> tuple[Text, ...]:
    """One table row; Text everywhere so names with brackets render literally."""
    label, style = KIND_BADGES.get(entry.kind, (entry.kind.upper(), "reverse"))
    links = ", ".join((*entry.netdevs, *entry.rdma)) or "-"
    access = Text("ready", style="green") if entry.can_open else Text("cannot open", style="red")
    return (
        Text(label, style=style),
        Text(entry.name, style="bold"),
        Text(entry.device_type),
        Text(entry.pci_bdf or "-"),
        Text(entry.driver or "-"),
        Text(links),
        Text(entry.firmware_version or "-"),
        access,
    )


def entry_details(entry: DeviceEntry) -> Text:
    """Everything known about one device, as the details pane shows it."""
    text = Text()

    def line(label: str, value: object, style: str = "") -> None:
        text.append(f"{label:<14}", style="bold")
        text.append(f"{value}\n", style=style)

    line("Device", entry.name)
    line("Node", entry.dev_node or "-")
    line("Kind", entry.kind + ("  (no effect on the running kernel)" if entry.kind != "live"
                               else ""))
    line("Type", f"{entry.device_type}" + (f"  (from {entry.type_source})"
                                           if entry.type_source else ""))
    line("PCI", f"{entry.pci_bdf or '-'}  {entry.pci_ids or ''}")
    line("Driver", entry.driver or "-")
    line("Netdevs", ", ".join(entry.netdevs) or "-")
    line("RDMA", ", ".join(entry.rdma) or "-")
    line("Firmware", entry.firmware_version or "-")
    line("Board", entry.board or "-")
    line("PSID", entry.psid or "-")
    info = entry.info or {}
    if info:
        line("uid", info.get("uid", "-"))
        names = info.get("uctx_cap_names") or []
        caps = info.get("uctx_caps")
        caps_text = f"0x{caps:x}" if isinstance(caps, int) else "-"
        line("uctx caps", f"{caps_text}  {', '.join(str(n) for n in names) or '(none)'}")
    if entry.can_open:
        line("Access", "ready: press Enter to open", "green")
    else:
        line("Access", "cannot be opened", "bold red")
        text.append(f"{'Why':<14}", style="bold")
        text.append(f"{entry.reason or 'unknown'}\n", style="red")
    for note in entry.notes:
        line("Note", note, "dim")
    return text


class DevicesScreen(Screen[None]):
    """First screen: pick a device; r rescans; Enter opens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", id="refresh_devices",
                tooltip="Scan /sys/class/fwctl and /dev/fwctl again"),
        Binding("enter", "open_device", "Open", id="open_device",
                tooltip="Open the highlighted device and start a session"),
    ]
    HELP = (
        "Devices\n\nEvery fwctl device this machine has, live or SIMULATED. Each row says "
        "what the device is (type, PCI address, driver, network and RDMA names, firmware) "
        "and whether this process can open it. Highlight a row to see its details on the "
        "right, including FWCTL_INFO (the uid firmware gave this session and the user-"
        "context capabilities). A device that cannot be opened says why and what to do. "
        "Enter opens the device; r scans again (after a hot-plug, say)."
    )

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[DeviceEntry] = []

    def compose(self) -> ComposeResult:
        yield DeviceBar()
        with Vertical(id="devices-body"):
            table: DataTable[Text] = DataTable(id="device-table", cursor_type="row",
                                               zebra_stripes=True)
            table.border_title = "fwctl devices"
            yield table
            details = Static(Text("Scanning for fwctl devices ...", style="dim"),
                             id="device-details")
            details.border_title = "details"
            yield details
        yield Footer()

    def on_mount(self) -> None:
        # After the first paint: the screen is usable while the scan (which may import
        # the simulator and probe live nodes) runs in the worker.
        self.call_after_refresh(self.refresh_devices)

    def on_screen_resume(self) -> None:
        if self.entries:
            self.refresh_devices()

    def refresh_devices(self) -> None:
        app: Any = self.app
        app.scan_devices(self)

    def action_refresh(self) -> None:
        self.refresh_devices()

    def on_devices_scanned(self, message: DevicesScanned) -> None:
        if not self.entries:
            app: Any = self.app
            app.warm_catalogue()
        table = self.query_one(DataTable)
        previous = self.entries[table.cursor_row].name if self._has_row(table.cursor_row) else None
        self.entries = message.entries
        table.clear(columns=True)
        rows = [entry_row(entry) for entry in self.entries]
        for index, label in enumerate(COLUMNS):  # sized from the content, measured once
            width = max([len(label), *(row[index].cell_len for row in rows)])
            table.add_column(label, width=width)
        for entry, row in zip(self.entries, rows, strict=True):
            table.add_row(*row, key=entry.name)
        table.border_title = f"fwctl devices · {len(self.entries)}"
        details = self.query_one("#device-details", Static)
        if not self.entries:
            details.update(Text("No fwctl devices found. Start with --simulate to explore a "
                                "simulated ConnectX, or press r to scan again."))
        else:
            names = [entry.name for entry in self.entries]
            keep = names.index(previous) if previous in names else 0  # a rescan keeps the place
            table.move_cursor(row=keep)
            self._show(keep)
        table.focus()

    def _has_row(self, row: int) -> bool:
        return 0 <= row < len(self.entries)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_device()

    def _show(self, row: int) -> None:
        if self._has_row(row):
            self.query_one("#device-details", Static).update(entry_details(self.entries[row]))

    def action_open_device(self) -> None:
        table = self.query_one(DataTable)
        if not 0 <= table.cursor_row < len(self.entries):
            return
        entry = self.entries[table.cursor_row]
        if not entry.can_open:
            self.app.push_screen(ErrorScreen(
                f"{entry.name} cannot be opened", entry.reason or "The reason is unknown.",
                "Fix the cause above, then press r to scan again.",
            ))
            return
        self.post_message(OpenDeviceRequested(entry.name))

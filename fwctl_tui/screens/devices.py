"""The device list: every fwctl device, what it is, and whether (and why not) it can be used.

This is where people come to find out what is wrong, so a device that cannot be opened
stays listed with the reason and what to do. Scanning probes live nodes with FWCTL_INFO
(an RPC on mlx5), so it runs in the App's worker and arrives as DevicesScanned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.keys import key_of
from fwctl_tui.screens.messages import DevicesScanned, OpenDeviceRequested
from fwctl_tui.textsafe import printable
from fwctl_tui.widgets.device_bar import KIND_BADGES, DeviceBar
from fwctl_tui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from fwctl_tui.app import FwctlApp

# Access right after the name: on 80 columns the later columns scroll off, never this one.
# Firmware before the PCI address, driver and links: at 80 columns it stays in view.
COLUMNS = ("Kind", "Name", "Access", "Type", "Firmware", "PCI", "Driver", "Netdev / RDMA")
OPEN_MARK = "● open"


def access_text(entry: DeviceEntry, is_open: bool = False) -> Text:
    if is_open:
        return Text(OPEN_MARK, style="bold green")
    return Text("ready", style="green") if entry.can_open else Text("cannot open", style="red")


def entry_row(entry: DeviceEntry, is_open: bool = False) -> tuple[Text, ...]:
    """One table row; Text everywhere so names with brackets render literally, and sysfs
    strings escaped (a driver or netdev name is the host's, not ours)."""
    label, style = KIND_BADGES.get(entry.kind, (entry.kind.upper(), "reverse"))
    links = ", ".join((*entry.netdevs, *entry.rdma)) or "-"
    return (
        Text(printable(label), style=style),
        Text(printable(entry.name), style="bold"),
        access_text(entry, is_open),
        Text(printable(entry.device_type)),
        Text(printable(entry.firmware_version or "-")),
        Text(printable(entry.pci_bdf or "-")),
        Text(printable(entry.driver or "-")),
        Text(printable(links)),
    )


def entry_details(entry: DeviceEntry, is_open: bool = False, open_key: str = "Enter") -> Text:
    """Everything known about one device, as the details pane shows it."""
    text = Text()

    def line(label: str, value: object, style: str = "") -> None:
        text.append(f"{label:<14}", style="bold")
        text.append(f"{printable(str(value))}\n", style=style)

    line("Device", entry.name)
    if is_open:
        line("Access", f"open now: this is the device you are working on ({open_key} goes "
             "back to its catalogue; its session and history continue)", "bold green")
    elif entry.can_open:
        line("Access", f"ready: press {open_key} to open", "green")
    else:
        line("Access", "cannot be opened", "bold red")
        text.append(f"{'Why':<14}", style="bold")
        text.append(f"{printable(entry.reason or 'unknown')}\n", style="red")
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
    for note in entry.notes:
        line("Note", note, "dim")
    return text


DEVICE_NAME_HELP = (
    "Device name\n\nThe same DEVICE the command line takes: fwctlN or /dev/fwctl/fwctlN or "
    "the parent's PCI address (a live device); sim:PROFILE[.FUNC] for a simulated one "
    "(sim:cx7, sim:cx7.1 for the second port, sim:bf3); replay:FILE to use a capture file "
    "as the device (it answers only the requests it recorded; anything else fails with "
    "ENOMSG and says so). Enter opens it; escape cancels."
)


class DevicesScreen(Screen[None]):
    """First screen: pick a device; r rescans; Enter opens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the table's own (hidden) Enter would otherwise hide it from the footer
        Binding("enter", "open_device", "Open", id="open_device", priority=True,
                tooltip="Open the highlighted device and start a session"),
        Binding("o", "open_by_name", "Open by name", id="open_by_name",
                tooltip="Open a device by name: fwctlN, sim:PROFILE[.FUNC] or replay:FILE"),
        Binding("r", "refresh", "Refresh", id="refresh_devices",
                tooltip="Scan /sys/class/fwctl and /dev/fwctl again"),
        Binding("l", "app.lessons", "Lessons", id="lessons", show=False,
                tooltip="Guided lessons on a simulated device"),
    ]
    HELP = (
        "Devices\n\nEvery fwctl device this machine has, live or SIMULATED. Each row says "
        "what the device is (type, PCI address, driver, network and RDMA names, firmware) "
        "and whether this process can open it. Highlight a row to see its details below, "
        "including FWCTL_INFO (the uid firmware gave this session and the user-context "
        "capabilities). A device that cannot be opened says why and what to do. "
        "{key:open_device} opens the device; {key:open_by_name} opens one by name, "
        "including a capture as a device (replay:captures/01-bring-up.jsonl: the bar then "
        "says REPLAY); {key:refresh_devices} scans again (after a hot-plug, say)."
    )
    WIDGET_HELP: ClassVar[dict[str, str]] = {
        "device-table": (
            "Device table\n\nOne row per fwctl device. Kind: LIVE is real hardware (RPCs "
            "reach its firmware and can taint this kernel), SIMULATED a model of a "
            "ConnectX in this process, REPLAY a capture file answering recorded requests. "
            "Access: ready (Enter opens it), cannot open (the details say why), or ● open "
            "(the device you are working on now). Up/Down move; the details follow."
        ),
        "device-details": (
            "Device details\n\nEverything known about the highlighted device: its "
            "/dev node, parent PCI function, driver, network and RDMA names, firmware, "
            "board and PSID, then FWCTL_INFO: uid is the firmware user context this "
            "session gets, uctx caps the capabilities the driver asked for it (e.g. "
            "TOOLS_RESOURCES). Access says whether it can be opened and, if not, why. "
            "Up/Down/PgUp/PgDn scroll; Tab goes back to the table."
        ),
    }

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
            with VerticalScroll(id="device-details") as details:
                details.border_title = "details"
                yield Static(Text("Scanning for fwctl devices ...", style="dim"),
                             id="device-details-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        # After the first paint: the screen is usable while the scan (which may import
        # the simulator and probe live nodes) runs in the worker.
        self.call_after_refresh(self.refresh_devices)

    def on_screen_resume(self) -> None:
        if self.entries:
            self.refresh_devices()

    def refresh_devices(self) -> None:
        cast("FwctlApp", self.app).scan_devices(self)

    def action_refresh(self) -> None:
        self.refresh_devices()

    def on_devices_scanned(self, message: DevicesScanned) -> None:
        if not self.entries:
            cast("FwctlApp", self.app).warm_catalogue()
        table = self.query_one(DataTable)
        previous = self.entries[table.cursor_row].name if self._has_row(table.cursor_row) else None
        self.entries = message.entries
        table.clear(columns=True)
        rows = [entry_row(entry, self._is_open(entry)) for entry in self.entries]
        for index, label in enumerate(COLUMNS):  # sized from the content, measured once
            width = max([len(label), *(row[index].cell_len for row in rows)])
            table.add_column(label, width=width)
        for entry, row in zip(self.entries, rows, strict=True):
            table.add_row(*row, key=entry.name)
        table.border_title = f"fwctl devices · {len(self.entries)}"
        details = self.query_one("#device-details-text", Static)
        if not self.entries:
            details.update(Text("No fwctl devices found. Start with --simulate to explore a "
                                f"simulated ConnectX, press {key_of(self.app, 'open_by_name')} "
                                "to open one by name (replay:FILE opens a capture), or "
                                f"{key_of(self.app, 'refresh_devices')} to scan again."))
        else:
            names = [entry.name for entry in self.entries]
            keep = names.index(previous) if previous in names else 0  # a rescan keeps the place
            table.move_cursor(row=keep)
            self._show(keep)
        table.focus()

    def _has_row(self, row: int) -> bool:
        return 0 <= row < len(self.entries)

    def _is_open(self, entry: DeviceEntry) -> bool:
        name = cast("FwctlApp", self.app).device_name
        return bool(name) and name == entry.name

    @on(DataTable.RowHighlighted, "#device-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(event.cursor_row)

    @on(DataTable.RowSelected, "#device-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_device()

    def _show(self, row: int) -> None:
        if self._has_row(row):
            entry = self.entries[row]
            self.query_one("#device-details-text", Static).update(
                entry_details(entry, self._is_open(entry), key_of(self.app, "open_device")))

    def action_open_by_name(self) -> None:
        from fwctl_tui.screens.prompt import PathPrompt

        def chosen(name: str | None) -> None:
            if name:
                self.post_message(OpenDeviceRequested(name))

        self.app.push_screen(PathPrompt(
            "Open device by name", "fwctl0, sim:cx7.1 or replay:captures/01-bring-up.jsonl",
            help_text=DEVICE_NAME_HELP,
            hint="fwctlN, a PCI address, sim:PROFILE[.FUNC] or replay:FILE. Enter opens it, "
                 "escape cancels."), chosen)

    def highlighted_entry(self) -> DeviceEntry | None:
        """The device under the cursor if it can be opened (f6 opens it, then watches)."""
        table = self.query_one(DataTable)
        if not 0 <= table.cursor_row < len(self.entries):
            return None
        entry = self.entries[table.cursor_row]
        return entry if entry.can_open else None

    def action_open_device(self) -> None:
        table = self.query_one(DataTable)
        if not 0 <= table.cursor_row < len(self.entries):
            return
        entry = self.entries[table.cursor_row]
        if self._is_open(entry):  # back to its catalogue: the session and history go on
            from fwctl_tui.screens.driver_catalogue import catalogue_for

            connection = cast("FwctlApp", self.app).workspace.connection
            if connection is not None:
                self.app.push_screen(catalogue_for(connection))
            return
        if not entry.can_open:
            self.app.push_screen(ErrorScreen(
                printable(f"{entry.name} cannot be opened"),
                printable(entry.reason or "The reason is unknown."),
                f"Fix the cause above, then press {key_of(self.app, 'refresh_devices')} to scan "
                "again.",
            ))
            return
        self.post_message(OpenDeviceRequested(entry.name))

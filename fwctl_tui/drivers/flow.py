"""Running a plug-in's command on an open device: the steps the TUI and `send` share.

What the device must tell before a request can be built (CXL's supported-features list,
so Set Feature names the scope its effects need; a pds device's saved entries), the
catalogue a front end lists (a pds device's saved entries are commands of their own),
and the send itself with the record prepared for the capture before any listener (the
recorder) sees it. What a scope costs is worded by consequence.py, as for mlx5.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from fwctl_tui.drivers.base import Built, DriverCommand, DriverPlugin, InputField
from fwctl_tui.exchange import Exchange
from fwctl_tui.ioctl import FwctlDevice
from fwctl_tui.uapi import Scope

# build()'s `context`: {"features": [...]} (cxl) or {"entries": [...]} (pds)
DeviceContext = Mapping[str, object]


class Sender(Protocol):
    """The session an RPC goes through (session.Session): it records the history and
    calls its listeners (the capture recorder) with each exchange."""

    listeners: list[Callable[[Exchange], None]]

    def send(self, command: str, scope: Scope, request: bytes, out_cap: int) -> Exchange: ...


def device_context(plugin: DriverPlugin, device_name: str, device: FwctlDevice,
                   command: str | None = None) -> DeviceContext:
    """What build() needs to know about this device (read-only, not recorded).

    pds: the user's saved entries for it (EntryError for an unusable file). CXL: the
    supported-features list read at scope 0 (none when the device refuses it: the
    command itself meets, and explains, the same refusal); `command` set to Get Supported
    Features skips that read, which the command itself is."""
    if plugin.type_name == "pds":
        return kept_context(plugin, device_name)
    if plugin.type_name != "cxl" or (command or "").upper() == "GET_SUPPORTED_FEATURES":
        return {}
    listing = plugin.build("GET_SUPPORTED_FEATURES", {})
    result = device.rpc(Scope.CONFIGURATION, listing.request, listing.out_len)
    if result.errno:
        return {}
    decoded = plugin.decode(listing, result.data())
    return {"features": decoded.get("features", []),
            "supported_feats": decoded.get("supported_feats")}


def kept_context(plugin: DriverPlugin, device_name: str) -> DeviceContext:
    """The part of the context this machine keeps, read without the device (pds: the
    saved entries; EntryError for an unusable file); {} for the other types."""
    if plugin.type_name != "pds":
        return {}
    from fwctl_tui.drivers.pds_entries import load_book

    return {"entries": load_book(device_name)}


def context_summary(context: DeviceContext, device_name: str) -> str:
    """What was learnt about the device, for the catalogue's note."""
    said = []
    features, entries = context.get("features"), context.get("entries")
    if isinstance(features, list):
        said.append(f"{len(features)} features read from the device (a Set Feature's "
                    "scope follows from their effects)")
    if isinstance(entries, list):
        said.append(f"{len(entries)} saved entries (`fwctl-tui pds-entries {device_name} "
                    "--import FILE` adds them)")
    return "; ".join(said) or "nothing more to read from the device"


def imports_entries(plugin: DriverPlugin) -> bool:
    """Whether the device type's catalogue takes named entries from a file (pds: fwctl
    cannot list its endpoints or operations)."""
    return plugin.type_name == "pds"


def import_entries_file(plugin: DriverPlugin, device_name: str, source: Path) -> str:
    """Merge `source`'s entries into the device's saved ones, as `pds-entries DEVICE
    --import FILE` does; says what was imported. ValueError (EntryError) names the file,
    the entry and the field of a bad one; nothing is saved then."""
    if not imports_entries(plugin):
        raise ValueError(f"a {plugin.type_name} device takes no entries file")
    from fwctl_tui.drivers.pds_entries import import_entries

    merged, book = import_entries(device_name, source)
    return f"imported {source}: {len(merged)} entries saved for {device_name} (in {book})"


def catalogue(plugin: DriverPlugin, context: DeviceContext) -> list[DriverCommand]:
    """The commands to list for the device: the plug-in's, then (pds) each saved entry,
    with the entry's endpoint, operation, payload, length and scope as input defaults."""
    rows = list(plugin.commands())
    entries = context.get("entries")
    for entry in entries if isinstance(entries, list) else ():
        from fwctl_tui.drivers.pds import entry_command

        defaults = {"ep": f"{entry.endpoint:#x}", "op": f"{entry.operation:#x}",
                    "payload": entry.payload, "response_len": str(entry.response_len),
                    "scope": entry.scope}
        row = entry_command(entry)
        rows.append(replace(row, inputs=tuple(
            InputField(f.name, f.doc, defaults.get(f.name, f.default)) for f in row.inputs)))
    return rows


def matches(command: DriverCommand, query: str) -> bool:
    """Whether a catalogue search `query` (words, any order) finds the command."""
    text = " ".join([command.name, command.summary, *command.aliases,
                     "" if command.opcode is None else f"{command.opcode:#06x}"]).lower()
    return all(word in text for word in query.lower().split())


def search(rows: Sequence[DriverCommand], query: str) -> list[DriverCommand]:
    """The rows `query` finds, those whose name holds every word first (`set feature`
    puts SET_FEATURE before a summary that mentions Set Feature)."""
    words = query.lower().replace("_", " ").split()
    found = [row for row in rows if matches(row, query)]

    def in_name(row: DriverCommand) -> bool:
        name = row.name.lower().replace("_", " ")
        return all(word in name for word in words)

    return sorted(found, key=lambda row: not in_name(row))


def send_built(session: Sender, plugin: DriverPlugin, built: Built,
               label: str | None = None) -> Exchange:
    """Send `built` at its scope, named `label` (default: the command's name; a re-sent
    record keeps its recorded name); the exchange is ready for a capture
    (prepare_record) before the session's other listeners (the recorder) see it."""

    def prepare(exchange: Exchange) -> None:
        plugin.prepare_record(built, exchange)

    session.listeners.insert(0, prepare)
    try:
        return session.send(label or built.command.name, built.scope, built.request,
                            built.out_len)
    finally:
        session.listeners.remove(prepare)


def input_values(fields: Sequence[InputField], typed: Mapping[str, str]) -> dict[str, str]:
    """The `name=value` pairs to build with: what was typed, blanks left to the defaults."""
    return {f.name: typed[f.name].strip() for f in fields if typed.get(f.name, "").strip()}

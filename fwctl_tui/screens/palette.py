"""Command palette providers: jump to a command or register, or open a device.

ctrl+p then a few letters is the fastest way around: the catalogue provider opens the
command form directly (on a cxl/pds/bnxt device, the form of its type's own command),
the device provider opens a device the device source's last scan found (the devices
the device list shows).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.drivers import DriverCommand, DriverPlugin
from fwctl_tui.drivers.flow import catalogue, kept_context, search
from fwctl_tui.screens.driver_catalogue import driver_catalogue, driver_plugin, stacked_catalogue
from fwctl_tui.screens.messages import OpenDeviceRequested
from fwctl_tui.textsafe import printable
from fwctl_tui.workbench import catalogue_model

if TYPE_CHECKING:
    from fwctl_tui.app import FwctlApp

PALETTE_LIMIT = 40


class CatalogueCommands(Provider):
    """Commands and registers by name, opcode (0x805), register id (0x5006) or field name.

    The catalogue screen's search decides what matches, so both find the same rows; its
    order becomes the score (best first), and a fuzzy name match still counts. The full
    name as listed (`ACCESS_REG:PAOS`, any case) alone scores 1.0, so it comes first."""

    _kept: list[DriverCommand] | None = None  # the kept rows, read once per palette

    async def search(self, query: str) -> Hits:
        workspace = _app(self).workspace
        if workspace.session is None:
            return
        plugin = driver_plugin(workspace.connection)
        if plugin is not None:  # cxl/pds/bnxt: the device type's own commands
            for hit in self._driver_hits(plugin, query):
                yield hit
            return
        matcher = self.matcher(query)
        hits = catalogue_model.ranked(query, limit=PALETTE_LIMIT)
        exact = query.strip().lower()
        for rank, (row, why) in enumerate(hits):
            score = 1.0 if row.name.lower() == exact else min(
                0.99, max(matcher.match(row.name), 1.0 - rank / (2 * PALETTE_LIMIT)))
            help_text = f"{why} · {row.summary}" if why else row.summary
            yield Hit(score, matcher.highlight(row.name), partial(self._open, row.name),
                      text=row.name, help=help_text)

    def _driver_hits(self, plugin: DriverPlugin, query: str) -> list[Hit]:
        """The rows the open device's catalogue lists (a pds device's saved entries too,
        once read), found as its search finds them, best first; a fuzzy name match
        still counts."""
        stacked = stacked_catalogue(self.app)
        if stacked is not None:
            rows = stacked.rows
        else:  # read once per palette, not per keystroke: the pds entries are a file
            if self._kept is None:
                self._kept = self._kept_rows(plugin)
            rows = self._kept
        matcher = self.matcher(query)
        found = search(rows, query)
        exact = query.strip().lower()
        scored = [(min(0.99, max(matcher.match(row.name), 1.0 - rank / (2 * PALETTE_LIMIT))),
                   row) for rank, row in enumerate(found)]
        listed = {id(row) for row in found}
        scored += [(min(0.99, match), row) for row in rows if id(row) not in listed
                   for match in (matcher.match(row.name),) if match > 0]
        return [Hit(1.0 if row.name.lower() == exact else score,
                    matcher.highlight(printable(row.name)),
                    partial(self._open_driver, row.name), text=row.name,
                    help=printable(f"{plugin.type_name} · {row.min_scope.name} · "
                                   f"{row.summary}"))
                for score, row in scored[:PALETTE_LIMIT]]

    def _kept_rows(self, plugin: DriverPlugin) -> list[DriverCommand]:
        """Without the catalogue (back on the device list): the plug-in's commands and
        what this machine keeps for the device (pds saved entries), never a device read."""
        connection = _app(self).workspace.connection
        try:
            context = kept_context(plugin, connection.name) if connection else {}
        except ValueError:  # an unusable entries file: the catalogue says why on opening
            context = {}
        return catalogue(plugin, context)

    def _open_driver(self, name: str) -> None:
        """The form, from the catalogue in the stack (its context read), or a catalogue
        opened anew that opens the form once it has read the device."""
        stacked = stacked_catalogue(self.app)
        if stacked is not None:
            stacked.open_command(name)
            return
        screen = driver_catalogue(_app(self).workspace.connection, open_after=name)
        if screen is not None:
            self.app.push_screen(screen)

    def _open(self, name: str) -> None:
        from fwctl_tui.screens.command import CommandScreen

        row = catalogue_model.find(name)
        if row is not None:
            self.app.push_screen(CommandScreen(row))


class DeviceCommands(Provider):
    """Open any device the device list shows: what the device source's last scan found."""

    def _entries(self) -> list[DeviceEntry]:
        return _app(self).workspace.source.scanned

    async def discover(self) -> Hits:
        for entry in self._entries():
            if entry.can_open:
                yield DiscoveryHit(Text(f"Open device {entry.name}"),
                                   partial(self._open, entry.name), help=entry.kind)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            label = f"Open device {entry.name}"
            score = matcher.match(label)
            if score > 0 and entry.can_open:
                yield Hit(score, matcher.highlight(label), partial(self._open, entry.name),
                          help=f"{entry.kind} {entry.device_type} {entry.pci_bdf or ''}")

    def _open(self, name: str) -> None:
        self.app.post_message(OpenDeviceRequested(name))


class DashboardCommands(Provider):
    """The port dashboard of the open device."""

    LABEL = "Port dashboard: watch port 1 live (link, module, errors, rates)"

    def _available(self) -> bool:
        return _app(self).workspace.session is not None

    async def discover(self) -> Hits:
        if self._available():
            yield DiscoveryHit(Text(self.LABEL), self._open, help="f6")

    async def search(self, query: str) -> Hits:
        if not self._available():
            return
        matcher = self.matcher(query)
        score = max(matcher.match(self.LABEL), matcher.match("dashboard watch link port"))
        if score > 0:
            yield Hit(score, matcher.highlight(self.LABEL), self._open, help="f6")

    def _open(self) -> None:
        _app(self).action_dashboard()


def _app(provider: Provider) -> FwctlApp:
    """The provider's App, typed (providers only ever run inside FwctlApp)."""
    return cast("FwctlApp", provider.app)

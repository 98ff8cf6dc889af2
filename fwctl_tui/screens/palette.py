"""Command palette providers: jump to a command or register, or open a device.

ctrl+p then a few letters is the fastest way around: the catalogue provider opens the
command form directly, the device provider opens a device the device source's last scan
found (the devices the device list shows).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.screens.messages import OpenDeviceRequested
from fwctl_tui.workbench import catalogue_model

if TYPE_CHECKING:
    from fwctl_tui.app import FwctlApp

PALETTE_LIMIT = 40


class CatalogueCommands(Provider):
    """Commands and registers by name, opcode (0x805), register id (0x5006) or field name.

    The catalogue screen's search decides what matches, so both find the same rows; its
    order becomes the score (best first), and a fuzzy name match still counts. The full
    name as listed (`ACCESS_REG:PAOS`, any case) alone scores 1.0, so it comes first."""

    async def search(self, query: str) -> Hits:
        if _app(self).workspace.session is None:
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

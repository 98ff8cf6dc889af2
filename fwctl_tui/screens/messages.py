"""Messages the screens post up to the App ("attributes down, messages up").

Screens never run RPCs or open devices themselves: they say what the user asked for
and the App does it in its one thread worker, so the preview gate and the error modal
live in exactly one place. Answers go back down as messages too: the App never calls
into a screen; a read the form asked for comes back to it as ReadBack.
"""

from __future__ import annotations

from textual.message import Message
from textual.message_pump import MessagePump

from fwctl_tui.connect import Connection
from fwctl_tui.discovery import DeviceEntry
from fwctl_tui.exchange import Exchange
from fwctl_tui.workbench.workspace import PlannedRpc


class OpenDeviceRequested(Message):
    """The user chose a device in the list."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class DevicesScanned(Message):
    """A scan finished in the worker (posted from the thread)."""

    def __init__(self, entries: list[DeviceEntry]) -> None:
        super().__init__()
        self.entries = entries


class DeviceOpened(Message):
    """A device was opened in the worker (posted from the thread)."""

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection


class RpcRequested(Message):
    """Preview, then (if confirmed) send `plan`; `origin`, the asker, gets a ReadBack."""

    def __init__(self, plan: PlannedRpc, origin: MessagePump | None = None) -> None:
        super().__init__()
        self.plan = plan
        self.origin = origin


class PlanPrepared(Message):
    """A register write was built against a fresh read (posted from the worker)."""

    def __init__(self, plan: PlannedRpc, origin: MessagePump | None = None) -> None:
        super().__init__()
        self.plan = plan
        self.origin = origin


class RpcFinished(Message):
    """The worker finished an RPC: an Exchange with a reply or an errno."""

    def __init__(self, plan: PlannedRpc, exchange: Exchange,
                 origin: MessagePump | None = None) -> None:
        super().__init__()
        self.plan = plan
        self.exchange = exchange
        self.origin = origin


class ShowExchange(Message):
    """Re-open a past result (from the history)."""

    def __init__(self, exchange: Exchange) -> None:
        super().__init__()
        self.exchange = exchange


class ReadBack(Message):
    """The register read a form asked for ("Read current"), posted to that form."""

    def __init__(self, exchange: Exchange) -> None:
        super().__init__()
        self.exchange = exchange

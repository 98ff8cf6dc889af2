"""Handler registration: one function per command, found by opcode.

A handler takes the function's Device and the decoded Request and returns a Reply of field
values, or raises FirmwareError. `requires` names the profile feature a command needs; on a
card without it the firmware answers BAD_OP, as real firmware does for hardware it lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fwctl_tui.decoders.mlx5.catalogue import find
from fwctl_tui.sim.mlx5.device import Device
from fwctl_tui.sim.mlx5.mailbox import Reply, Request

Handler = Callable[[Device, Request], Reply]


@dataclass(frozen=True)
class Entry:
    name: str
    handler: Handler
    requires: str | None


HANDLERS: dict[int, Entry] = {}


def handles(*names: str, requires: str | None = None) -> Callable[[Handler], Handler]:
    """Register a handler for the named commands (catalogue names)."""
    def register(handler: Handler) -> Handler:
        for name in names:
            cmd = find(name)
            HANDLERS[cmd.opcode] = Entry(cmd.name, handler, requires)
        return handler
    return register


def header_only(_dev: Device, _req: Request) -> Reply:
    """Commands whose reply layout is not public: the header says OK, the payload is zero."""
    return Reply()

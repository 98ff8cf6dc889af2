"""What every driver plug-in supplies, as types (the seam of DESIGN.md "Drivers").

A plug-in describes its commands (DriverCommand), turns `name=value` inputs into the
bytes FWCTL_RPC carries (build -> Built: request, reply buffer size, the least scope the
kernel's driver accepts and the preview facts), decodes the reply into plain JSON-able
data, and explains errnos and firmware return codes in the driver's own terms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import TAINTING_SCOPES, Scope


class DriverInputError(ValueError):
    """Bad user input for a command: `field` names which one, the message says why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class InputField:
    """One `name=value` a command takes."""

    name: str
    doc: str
    default: str | None = None  # None: required


@dataclass(frozen=True)
class DriverCommand:
    """A catalogue row: what `commands`/`describe` show for any device type."""

    name: str
    opcode: int | None
    min_scope: Scope
    summary: str
    scope_rule: str  # the kernel driver's rule for this command, in words
    inputs: tuple[InputField, ...] = ()
    is_write: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def taints(self) -> bool:
        return self.min_scope in TAINTING_SCOPES

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "opcode": self.opcode,
            "opcode_hex": None if self.opcode is None else f"{self.opcode:#06x}",
            "min_scope": self.min_scope.name, "min_scope_value": int(self.min_scope),
            "taints": self.taints, "is_write": self.is_write, "summary": self.summary,
            "scope_rule": self.scope_rule,
            "inputs": [{"name": f.name, "doc": f.doc, "default": f.default}
                       for f in self.inputs],
        }


def check_inputs(command: DriverCommand, values: Mapping[str, str],
                 label: str | None = None) -> None:
    """DriverInputError naming the first input `command` does not take (and those it does)."""
    unknown = sorted(set(values) - {f.name for f in command.inputs})
    if unknown:
        raise DriverInputError(f"{label or command.name} takes "
                               f"{', '.join(f.name for f in command.inputs)}; not "
                               f"{', '.join(unknown)}", unknown[0])


@dataclass(frozen=True)
class Built:
    """A request ready for FWCTL_RPC, with what the preview must say about it."""

    command: DriverCommand
    request: bytes
    out_len: int
    scope: Scope  # the least scope the kernel's driver accepts for THIS request
    facts: Mapping[str, str] = field(default_factory=dict)  # preview: rule, effects, ...
    # memory the request points into (pds payload buffers): alive as long as the Built
    pinned: tuple[Any, ...] = field(default=(), compare=False, repr=False)


class DriverPlugin(Protocol):
    """One fwctl device type. `context` is what the plug-in learnt from the device
    (e.g. CXL's supported-features list), so Set Feature can name its needed scope."""

    type_name: str
    device_type: int
    simulator: str | None  # `sim:` profile of its simulated device, None when there is none
    note: str  # shown with the catalogue (e.g. "HWRM is not decoded")

    def commands(self) -> Sequence[DriverCommand]: ...

    def command(self, name: str) -> DriverCommand:
        """The command by name, alias or opcode; DriverInputError with choices."""
        ...

    def build(self, name: str, values: Mapping[str, str],
              context: Mapping[str, Any] | None = None) -> Built: ...

    def decode(self, built: Built, reply: bytes) -> dict[str, Any]:
        """The reply as plain data; `problems` lists what could not be decoded."""
        ...

    def explain(self, built: Built, err: int) -> str:
        """Why this driver answers `err` to this request (its rules, in its words)."""
        ...

    def info(self, fields: Mapping[str, int]) -> dict[str, Any]:
        """FWCTL_INFO's driver struct, named (caps spelled out)."""
        ...

    def prepare_record(self, built: Built, exchange: Exchange) -> None:
        """Ready `exchange` for a capture after the RPC: `meta["driver"]` names the type
        for listings, plus what the request/reply bytes do not hold (pds payloads)."""
        ...

"""Firmware error kinds and the simulator's syndromes.

Real firmware puts a 32-bit syndrome beside a failed status; the values are private to the
firmware build, so the simulator makes its own: a CRC-32 of the opcode and the error kind.
They are deterministic (the same mistake always gives the same syndrome, so a capture or a
training note can quote it), obviously not NVIDIA's, and `explain()` maps one back to its
opcode and kind. `MEANINGS` is the table as a status explanation reads it: whoever
opens a simulated device (or a capture recorded on one) hands it to the decoders
(syndrome_source.py), so `send sim:...` and the TUI explain a simulated refusal; the
decoders never import the simulator, and nothing is registered globally.
"""

from __future__ import annotations

import enum
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from fwctl_tui import allowlist
from fwctl_tui.facts import facts

SYNDROME_ORIGIN = "fwctl-tui simulator"


def status_value(name: str | int) -> int:
    """A command status by number or name (`BAD_PARAM`, `BAD_PARAM_ERR`, `MLX5_CMD_STAT_...`)."""
    if isinstance(name, int):
        return name
    table: dict[str, int] = facts()["mlx5"]["cmd_status"]
    key = name.upper().removeprefix("MLX5_CMD_STAT_")
    for candidate in (key, f"{key}_ERR"):
        value = table.get(f"MLX5_CMD_STAT_{candidate}")
        if value is not None:
            return value
    known = ", ".join(k.removeprefix("MLX5_CMD_STAT_") for k in table)
    raise ValueError(f"unknown command status {name!r}; known: {known}")


class ErrorKind(enum.Enum):
    """Why the simulated firmware refused a command: the status it returns and a reason."""

    UNSUPPORTED_COMMAND = ("BAD_OP", "this device's firmware does not implement the command")
    BAD_OP_MOD = ("BAD_PARAM", "op_mod is not defined for this command")
    UNSUPPORTED_CAP_TYPE = ("BAD_PARAM", "the device has no capability page of this type")
    # BAD_RES: the status that means "no such object" (BAD_RES_STATE says the object
    # exists in the wrong state, which would contradict this syndrome's reason)
    NO_SUCH_OBJECT = ("BAD_RES", "no object with this number exists on the function")
    BAD_INDEX = ("BAD_PARAM", "an index (port, vport, table entry, sensor) is out of range")
    BAD_FIELD = ("BAD_PARAM", "a field value is outside what the device supports")
    UNKNOWN_REGISTER = ("BAD_PARAM", "the register id is not implemented by this device")
    BAD_SYS_STATE = ("BAD_SYS_STATE", "the command is not allowed in the device's current state")
    INPUT_TOO_SHORT = ("BAD_INP_LEN", "the input mailbox is shorter than the command needs")
    OUTPUT_TOO_SHORT = ("BAD_OUTP_LEN", "the output mailbox is shorter than the reply")
    INJECTED = ("INT_ERR", "a fault injected by a test or a trainer")

    @property
    def status(self) -> int:
        return status_value(self.value[0])

    @property
    def reason(self) -> str:
        return self.value[1]


def syndrome(opcode: int, kind: ErrorKind) -> int:
    """The simulator's syndrome for (opcode, kind): stable across runs and machines."""
    return zlib.crc32(f"fwctl-sim/{opcode:#06x}/{kind.name}".encode()) or 1


@dataclass(frozen=True)
class SyndromeInfo:
    """What a simulator-made syndrome stands for."""

    syndrome: int
    opcode: int
    command: str
    kind: ErrorKind

    @property
    def text(self) -> str:
        return f"{self.command}: {self.kind.reason} ({SYNDROME_ORIGIN} syndrome)"

    @property
    def meaning(self) -> str:
        """The explanation a status decoder shows: command, error kind and its reason."""
        return f"{self.command} refused with {self.kind.name} ({self.kind.reason})"


@cache
def table() -> dict[int, SyndromeInfo]:
    """Every syndrome the simulator can return, for the allow-listed opcodes."""
    out: dict[int, SyndromeInfo] = {}
    for entry in allowlist.entries().values():
        for kind in ErrorKind:
            value = syndrome(entry.opcode, kind)
            out[value] = SyndromeInfo(value, entry.opcode, entry.name, kind)
    return out


def explain(value: int) -> SyndromeInfo | None:
    """The meaning of a syndrome if the simulator made it, else None."""
    return table().get(value)


class _Explanations(Mapping[int, str]):
    """The syndrome table as a status explanation consults it, built on first use."""

    def __getitem__(self, value: int) -> str:
        info = explain(value)
        if info is None:
            raise KeyError(value)
        return info.meaning

    def __iter__(self) -> Iterator[int]:
        return iter(table())

    def __len__(self) -> int:
        return len(table())


MEANINGS: Mapping[int, str] = _Explanations()  # {syndrome: meaning}, for the decoders

"""Reading a register's fields by position: one full decode, then plain bit arithmetic.

The dashboard reads the same registers at the same index every sample, live or from a
capture. The first reply of each is decoded fully, which gives the bit position of every
field it wants and the names of enum values; later replies are read by those positions
alone (a `x_high` directly followed by its `x_low` as one 64-bit `x`), so polling at 10 Hz
or rebuilding a day of samples costs a few shifts per field, not a decode tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from fwctl_tui.decoders import decode_output, iter_leaves
from fwctl_tui.decoders.mlx5.catalogue import find
from fwctl_tui.decoders.values import HIGH, LOW

DATA = "register_data."
Field = tuple[str, int, int]  # (path within register_data, bit offset, width)
Shift = tuple[str, int, int]  # (path, right shift from the reply's end, mask)


class Reply(Protocol):
    """What is read of an exchange (an Exchange, or a fast-scanned capture record)."""

    @property
    def command(self) -> str: ...
    @property
    def request(self) -> bytes: ...
    @property
    def reply(self) -> bytes | None: ...


@dataclass
class Extractor:
    """Reads the wanted fields of one register read from its replies."""

    wanted: set[str]
    fields: list[Field]
    labels: dict[str, dict[int, str]]
    shifts: dict[int, list[Shift]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, wanted: set[str], exchange: Reply) -> Extractor:
        extractor = cls(wanted, [], {})
        extractor.learn(exchange, positions=True)
        return extractor

    def learn(self, exchange: Reply, *, positions: bool = False) -> None:
        """Decode one reply fully: field positions (first time) and the names of the enum
        values it holds (whenever a value has no name yet)."""
        root = decode_output(find(exchange.command), exchange.reply or b"", exchange.request)
        found: dict[str, tuple[int, int]] = {}
        for leaf in iter_leaves(root):
            if leaf.path.startswith(DATA) and isinstance(leaf.value, int):
                path = leaf.path.removeprefix(DATA)
                found[path] = (leaf.bit_offset, leaf.width_bits)
                if leaf.label and path in self.wanted:
                    self.labels.setdefault(path, {})[leaf.value] = leaf.label
        if positions:
            self.fields = _positions(found, self.wanted)
            self.shifts.clear()

    def read(self, exchange: Reply) -> tuple[dict[str, int], dict[str, str]]:
        """(values, enum names) of the wanted fields of a reply."""
        reply = exchange.reply or b""
        whole = int.from_bytes(reply, "big")
        shifts = self.shifts.get(len(reply))
        if shifts is None:  # the fields that fit a reply of this length, once per length
            total = len(reply) * 8
            shifts = self.shifts[len(reply)] = [
                (path, total - offset - width, (1 << width) - 1)
                for path, offset, width in self.fields if offset + width <= total]
        values = {path: whole >> shift & mask for path, shift, mask in shifts}
        unnamed = False
        for path, names in self.labels.items():
            if path in values and values[path] not in names:
                unnamed = True
                break
        if unnamed:
            self.learn(exchange)  # a value not seen before: its name, once
            for path, names in self.labels.items():
                names.setdefault(values.get(path, -1), "")  # no name: never asked again
        labels = {path: names[values[path]] for path, names in self.labels.items()
                  if names.get(values.get(path, -1))}
        return values, labels


def _positions(found: dict[str, tuple[int, int]], wanted: set[str]) -> list[Field]:
    """The wanted (joined) fields' positions; a high half directly followed by its low
    half is read as one 64-bit field."""
    fields: list[Field] = []
    for path, (offset, width) in found.items():
        if path.endswith(LOW) and path[: -len(LOW)] + HIGH in found:
            continue
        joined = path[: -len(HIGH)] if path.endswith(HIGH) else None
        low = found.get(joined + LOW) if joined is not None else None
        if joined is not None and low == (offset + width, width):
            path, width = joined, 2 * width
        if path in wanted:
            fields.append((path, offset, width))
    return fields

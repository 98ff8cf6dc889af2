"""A recorded watch session back into the dashboard's model, offline.

The dashboard's reads are ordinary records, so a capture of a watch holds every sample.
Records are matched to the dashboard's probes by their request bytes (one probe, one
request); each probe's reply is decoded fully once, which gives the bit position of
every field, and later replies of the same request are read by those positions alone,
so a day of samples rebuilds without a full decode per record. A probe seen again starts
the next sample; samples are timed by the records' monotonic clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fwctl_tui.captures.loader import load_capture
from fwctl_tui.decoders import decode_output, encode_input, iter_leaves
from fwctl_tui.decoders.mlx5.catalogue import find
from fwctl_tui.exchange import Exchange
from fwctl_tui.monitor.link import (
    DATA,
    MODULE_SENSOR_BASE,
    PROBES,
    PortSample,
    Probe,
    needed_fields,
)
from fwctl_tui.monitor.sampling import HIGH, LOW
from fwctl_tui.monitor.series import PortDashboard

Field = tuple[str, int, int]  # (path within register_data, bit offset, width)
MAX_MODULES = 8


@dataclass
class Extractor:
    """Reads one probe's fields from a reply by position (built from one full decode)."""

    key: str
    fields: list[Field]
    labels: dict[str, dict[int, str]]

    @classmethod
    def build(cls, key: str, exchange: Exchange) -> Extractor:
        extractor = cls(key, [], {})
        extractor.learn(exchange, positions=True)
        return extractor

    def learn(self, exchange: Exchange, *, positions: bool = False) -> None:
        """Decode one reply fully: field positions (first time: only the fields the
        dashboard reads, `x_high`/`x_low` pairs as one 64-bit field) and the names of the
        enum values it holds (whenever a value has no name yet)."""
        root = decode_output(find(exchange.command), exchange.reply or b"", exchange.request)
        wanted = needed_fields(self.key)
        found: dict[str, tuple[int, int]] = {}
        for leaf in iter_leaves(root):
            if leaf.path.startswith(DATA) and isinstance(leaf.value, int):
                path = leaf.path.removeprefix(DATA)
                found[path] = (leaf.bit_offset, leaf.width_bits)
                if leaf.label and path in wanted:
                    self.labels.setdefault(path, {})[leaf.value] = leaf.label
        if positions:
            self.fields = _positions(found, wanted)

    def read(self, exchange: Exchange) -> tuple[dict[str, int], dict[str, str]]:
        reply = exchange.reply or b""
        whole = int.from_bytes(reply, "big")
        total = len(reply) * 8
        values = {}
        for path, offset, width in self.fields:
            if offset + width <= total:
                values[path] = whole >> (total - offset - width) & ((1 << width) - 1)
        if any(values.get(path) not in names for path, names in self.labels.items()
               if path in values):
            self.learn(exchange)  # a value not seen before: its name, once
            for path, names in self.labels.items():
                names.setdefault(values.get(path, -1), "")  # no name: never asked again
        labels = {path: names[values[path]] for path, names in self.labels.items()
                  if names.get(values.get(path, -1))}
        return values, labels


def _positions(found: dict[str, tuple[int, int]], wanted: set[str]) -> list[Field]:
    """Fields to read by position: the wanted (joined) ones; a high half
    directly followed by its low half is read as one 64-bit field."""
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


def probe_requests(port: int = 1) -> dict[bytes, str]:
    """Request bytes of every dashboard probe on `port` -> the probe's key (every module's
    MTMP too: which one a capture holds depends on the port's module)."""
    probes = [*PROBES, *(Probe("mtmp", "MTMP", {"sensor_index": MODULE_SENSOR_BASE + m},
                               per_port=False) for m in range(MAX_MODULES))]
    out = {}
    for probe in probes:
        cmd = find(f"ACCESS_REG:{probe.register}")
        values = {**({"local_port": port} if probe.per_port else {}), **probe.values}
        out[encode_input(cmd, values, op_mod=1)] = probe.key
    return out


def samples(path: Path | str, port: int = 1) -> Iterator[tuple[PortSample, float]]:
    """(sample, monotonic seconds) for each pass over the probes in the capture."""
    wanted = probe_requests(port)
    extractors: dict[str, Extractor] = {}
    current: PortSample | None = None
    at = 0.0
    with load_capture(path) as capture:
        for exchange in capture.exchanges():
            key = wanted.get(exchange.request)
            if key is None or not exchange.ok or exchange.reply is None:
                continue
            if current is None or key in current.values:
                if current is not None:
                    yield current, at
                at = exchange.mono_ns / 1e9
                current = PortSample(exchange.wall_time, 0.0)
            extractor = extractors.get(key)
            if extractor is None:
                extractor = extractors[key] = Extractor.build(key, exchange)
            current.values[key], current.labels[key] = extractor.read(exchange)
            current.duration_ms += exchange.duration_ns / 1e6
    if current is not None:
        yield current, at


def dashboard_from_capture(path: Path | str, port: int = 1,
                           device: str = "") -> tuple[PortDashboard, int]:
    """The dashboard model of a recorded watch, and how many samples it holds."""
    model = PortDashboard(device or Path(path).name, port)
    previous: tuple[PortSample, float] | None = None
    for item in samples(path, port):
        if previous is not None:
            model.feed(*previous, view=False)
        previous = item
    if previous is not None:
        model.feed(*previous)  # the last sample also builds what the panels show
    return model, model.samples

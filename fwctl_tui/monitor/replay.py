"""A recorded watch session back into the dashboard's model, offline.

The dashboard's reads are ordinary records, so a capture of a watch holds every sample.
Records are matched to the dashboard's probes by their request bytes (one probe, one
request) and read by position (monitor/extract.py), as the live dashboard reads them,
so a day of samples rebuilds without a full decode per record. A probe seen again starts
the next sample; samples are timed by the records' monotonic clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fwctl_tui.decoders import encode_input
from fwctl_tui.decoders.mlx5.catalogue import find
from fwctl_tui.monitor.extract import Extractor
from fwctl_tui.monitor.fastscan import batches
from fwctl_tui.monitor.link import (
    LANE_MAP,
    MODULE_SENSOR_BASE,
    PROBES,
    PortSample,
    Probe,
    needed_fields,
)
from fwctl_tui.monitor.series import PortDashboard

MAX_MODULES = 8


def probe_requests(port: int = 1) -> dict[bytes, str]:
    """Request bytes of every dashboard probe on `port` -> the probe's key (every module's
    MTMP too: which one a capture holds depends on the port's module)."""
    probes = [LANE_MAP, *PROBES,
              *(Probe("mtmp", "MTMP", {"sensor_index": MODULE_SENSOR_BASE + m}, per_port=False)
                for m in range(MAX_MODULES))]
    out = {}
    for probe in probes:
        cmd = find(f"ACCESS_REG:{probe.register}")
        values = {**({"local_port": port} if probe.per_port else {}), **probe.values}
        out[encode_input(cmd, values, op_mod=1)] = probe.key
    return out


def samples(path: Path | str, port: int = 1) -> Iterator[tuple[PortSample, float]]:
    """(sample, monotonic seconds) for each pass over the probes in the capture. PMLP's
    lane map is read once, before the samples: every sample after it carries it, as the
    live reader's do."""
    extractors: dict[str, Extractor] = {}
    last: dict[str, tuple[bytes, dict[str, int], dict[str, str]]] = {}
    current: PortSample | None = None
    lane_map: tuple[dict[str, int], dict[str, str]] | None = None
    at = 0.0
    for batch in batches(path, probe_requests(port)):
        for read in batch:  # the hot loop: ~600k reads a day
            key = read.key
            reply = read.reply
            seen = last.get(key)
            if seen is not None and (seen[0] is reply or seen[0] == reply):  # unchanged
                values, labels = seen[1], seen[2]
            else:
                extractor = extractors.get(key)
                if extractor is None:
                    extractor = extractors[key] = Extractor.build(needed_fields(key), read)
                values, labels = extractor.read(read)
                last[key] = (reply, values, labels)
            if key == "pmlp":  # not a sample's read: the samples after it carry it
                lane_map = values, labels
                continue
            if current is None or key in current.values:
                if current is not None:
                    yield current, at
                at = read.mono_ns / 1e9
                current = PortSample(read.wall_time, 0.0)
                if lane_map is not None:
                    current.values["pmlp"], current.labels["pmlp"] = lane_map
            current.values[key], current.labels[key] = values, labels
            current.duration_ms += read.duration_ns / 1e6
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

"""Record the cxl and pds sample captures (captures/07-*, 08-*) reproducibly.

Each story goes through the driver plug-in and the simulated device (sim:cxl-mem, sim:pds,
fresh and not persisted), recorded by the Recorder `send --capture` uses, with fixed wall
times, so the files are byte-identical on every run.

    .venv/bin/python -m tools.make_driver_samples [--out captures]
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from fwctl_tui.captures import open_recorder
from fwctl_tui.drivers import plugin_for
from fwctl_tui.drivers.pds_entries import read_entries
from fwctl_tui.exchange import Exchange
from fwctl_tui.session import Session
from fwctl_tui.sim.cxl.simdev import build_host as cxl_host
from fwctl_tui.sim.pds.simdev import build_host as pds_host
from fwctl_tui.uapi import Scope

EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z
SAMPLE_ENTRIES = Path(__file__).parents[1] / "fwctl_tui/sim/pds/sample_entries.json"
VENDOR = "0b5e55ed-c0de-4a11-8000-000000000001"


class Lab:
    """A simulated device of one type, its plug-in, and a recorder with fixed times."""

    def __init__(self, path: Path, type_name: str, host: Any) -> None:
        self.plugin = plugin_for(type_name)
        self.host = host
        function = host.functions[0]
        emulator = function.emulator
        self.session = Session(function.open(), function.name,
                               detail_source=lambda: emulator.last_detail)
        path.unlink(missing_ok=True)
        self.recorder = open_recorder(path, function.entry(), host.kernel.state(),
                                      created_at=EPOCH, host="trainee-lab")
        self.t = 0.0
        self.built: Any = None
        self.session.listeners.append(self._stamp)

    def _stamp(self, exchange: Exchange) -> None:
        self.plugin.prepare_record(self.built, exchange)
        self.recorder.record(dataclasses.replace(
            exchange, wall_time=round(EPOCH + self.t, 6), mono_ns=round(self.t * 1e9),
            duration_ns=21_000 + 7 * len(exchange.request)))

    def send(self, name: str, values: dict[str, str] | None = None,
             scope: Scope | None = None, context: dict[str, Any] | None = None) -> Exchange:
        self.built = self.plugin.build(name, values or {}, context)
        exchange = self.session.send(self.built.command.name,
                                     self.built.scope if scope is None else scope,
                                     self.built.request, self.built.out_len)
        self.t += 0.25
        return exchange

    def close(self) -> None:
        self.recorder.close()
        self.session.device.close()


def cxl_features(lab: Lab) -> None:
    """List the features, read patrol scrub and a vendor feature, try to write it below its
    scope (EINVAL), write it at DEBUG_WRITE_FULL, read it back; the kernel's own feature
    is refused (EPERM)."""
    listing = lab.send("GET_SUPPORTED_FEATURES")
    assert listing.reply is not None
    context = {"features": lab.plugin.decode(lab.built, listing.reply)["features"]}
    lab.send("GET_FEATURE", {"feature": "patrol_scrub"}, context=context)
    lab.send("GET_FEATURE", {"feature": VENDOR}, context=context)
    write = {"feature": VENDOR, "data": "0400000000000000"}
    lab.send("SET_FEATURE", write, Scope.DEBUG_WRITE, context)
    lab.send("SET_FEATURE", write, context=context)
    lab.send("GET_FEATURE", {"feature": VENDOR}, context=context)
    lab.send("SET_FEATURE", {"feature": "patrol_scrub", "data": "0c01"}, context=context)


def pds_entries(lab: Lab) -> None:
    """Named entries from the sample file: identity, a config write and read back, the
    debug counters below their scope (EPERM) and at it, an unknown endpoint (EINVAL)."""
    context = {"entries": read_entries(SAMPLE_ENTRIES)}
    lab.send("identity", context=context)
    lab.send("config-get", context=context)
    lab.send("config-set", {"payload": "0100000000100000"}, context=context)
    lab.send("config-get", context=context)
    lab.send("debug-counters", scope=Scope.CONFIGURATION, context=context)
    lab.send("debug-counters", context=context)
    lab.send("RPC", {"ep": "9", "op": "1"})


STORIES = {
    "07-cxl-features.jsonl": ("cxl", cxl_host, cxl_features),
    "08-pds-entries.jsonl": ("pds", pds_host, pds_entries),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="captures", type=Path)
    args = parser.parse_args()
    for name, (kind, host, story) in STORIES.items():
        lab = Lab(args.out / name, kind, host(persistent=False))
        story(lab)
        lab.close()
        print(args.out / name)


if __name__ == "__main__":
    main()

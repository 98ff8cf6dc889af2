"""Record the trainee sample captures in captures/ from the simulator, reproducibly.

Each sample is a short story told through real RPCs to a simulated ConnectX (fixed seed,
injected clock, fixed wall times), recorded by the same Recorder `send --capture` uses,
so the files are byte-identical on every run and double as test fixtures.

    .venv/bin/python -m tools.make_samples [--out captures]
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fwctl_tui.capture_analysis.filters import outcome_text
from fwctl_tui.captures import open_recorder
from fwctl_tui.decoders import catalogue, encode_input, reply_buffer_size
from fwctl_tui.exchange import Exchange
from fwctl_tui.mbox_header import OP_MOD
from fwctl_tui.session import Session
from fwctl_tui.sim.host import SimHost
from fwctl_tui.sim.mlx5.faults import FaultPlan
from fwctl_tui.uapi import Scope

EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z: sample wall times start here
SEED = 20260101
MODULE_SENSOR = 64  # MTMP sensor_index of module 0 (the simulator's numbering)
PPCNT_IEEE_802_3, PPCNT_PHYS_LAYER = 0, 18
PDDR_OPERATION, PDDR_TROUBLESHOOTING, PDDR_MODULE, PDDR_LINK_DOWN = 0, 1, 3, 6
DIAG_LOG_PERIOD = 17  # 2^17 us between firmware samples


class Clock:
    """The simulator's monotonic clock, advanced by the story, never by real time."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class Lab:
    """One simulated adapter, a session on function 0, and a recorder with fixed times."""

    def __init__(self, path: Path, profile: str = "cx7") -> None:
        self.clock = Clock()
        self.host = SimHost(profile, seed=SEED, clock=self.clock)
        self.function = self.host.functions[0]
        emulator = self.function.emulator
        self.session = Session(self.function.open(), self.function.name,
                               detail_source=lambda: emulator.last_detail)
        entry = self.function.entry()
        info = dict(entry.info or {})
        port = self.host.profile.ports[0]
        info.update(psid=self.host.profile.psid, serial=self.host.profile.serial,
                    mac=port.mac, node_guid=port.node_guid)
        entry = dataclasses.replace(entry, info=info)
        path.unlink(missing_ok=True)
        self.recorder = open_recorder(path, entry, self.host.kernel.state(), created_at=EPOCH,
                                      host="trainee-lab")
        self.session.listeners.append(self._stamp)
        self.sent: list[Exchange] = []

    @property
    def faults(self) -> FaultPlan:
        """The simulated function's fault plan: how a story stages a broken link."""
        return self.function.firmware.faults

    def _stamp(self, exchange: Exchange) -> None:
        sizes = len(exchange.request) + len(exchange.reply or b"")
        stamped = dataclasses.replace(
            exchange, wall_time=round(EPOCH + self.clock.t, 6),
            mono_ns=round(self.clock.t * 1e9), duration_ns=18_000 + 9 * sizes)
        self.recorder.record(stamped)
        self.sent.append(stamped)

    def send(self, name: str, values: dict[str, Any] | None = None, *, op_mod: int | None = None,
             scope: Scope | None = None, out_cap: int | None = None) -> Exchange:
        command = catalogue.find(name)
        request = encode_input(command, values or {}, op_mod=op_mod)
        out_cap = out_cap or reply_buffer_size(command, in_=request)
        if scope is None:
            scope = command.min_scope(OP_MOD.get(request, 0))
        exchange = self.session.send(command.name, scope, request, out_cap)
        self.clock.advance(0.05)
        return exchange

    def close(self) -> None:
        self.recorder.close()
        self.session.device.close()


def bring_up(lab: Lab) -> None:
    """What is this card? Firmware, capabilities (max and current), port type and MTU."""
    lab.send("ACCESS_REG:MGIR", {})
    lab.send("QUERY_ADAPTER")
    lab.send("QUERY_ISSI")
    for page in ("GENERAL/max", "GENERAL/current", "ETHERNET_OFFLOADS/current",
                 "ROCE/current"):
        lab.send("QUERY_HCA_CAP", {"op_mod": page})
    lab.send("QUERY_NIC_VPORT_CONTEXT")
    lab.send("ACCESS_REG:PTYS", {"local_port": 1, "proto_mask": 4})
    lab.send("ACCESS_REG:PMTU", {"local_port": 1})
    lab.send("ACCESS_REG:PAOS", {"local_port": 1})


def link_down(lab: Lab) -> None:
    """The link is up, then the peer goes away with the port still admin-up: PAOS, PDDR and
    PPCNT say it was not us (unintentional, remote blame, PHY still polling)."""
    port = {"local_port": 1}
    lab.send("ACCESS_REG:PAOS", port)
    lab.send("ACCESS_REG:PPCNT", {**port, "grp": PPCNT_PHYS_LAYER})
    lab.clock.advance(30)
    lab.faults.link_loss(port=1, blame="remote")  # the far end went down
    lab.clock.advance(5)
    lab.send("ACCESS_REG:PAOS", port)
    lab.send("ACCESS_REG:PTYS", {**port, "proto_mask": 4})
    for page in (PDDR_OPERATION, PDDR_LINK_DOWN, PDDR_TROUBLESHOOTING, PDDR_MODULE):
        lab.send("ACCESS_REG:PDDR", {**port, "page_select": page})
    lab.send("ACCESS_REG:PPCNT", {**port, "grp": PPCNT_PHYS_LAYER})


def module_eeprom(lab: Lab) -> None:
    """Read the transceiver's EEPROM (identity, vendor block) and watch its temperature."""
    lab.send("ACCESS_REG:MCIA", {"module": 0, "i2c_device_address": 0x50,
                                  "device_address": 0, "size": 128})
    lab.send("ACCESS_REG:MCIA", {"module": 0, "i2c_device_address": 0x50,
                                  "device_address": 128, "size": 128})
    lab.send("ACCESS_REG:MTCAP")
    for _ in range(5):
        lab.send("ACCESS_REG:MTMP", {"sensor_index": 0})
        lab.send("ACCESS_REG:MTMP", {"sensor_index": MODULE_SENSOR})
        lab.clock.advance(10)


def counter_sampling(lab: Lab) -> None:
    """Sample port counters once a second; diff two samples to get rates."""
    for _ in range(10):
        lab.send("ACCESS_REG:PPCNT", {"local_port": 1, "grp": PPCNT_IEEE_802_3})
        lab.send("ACCESS_REG:PPCNT", {"local_port": 1, "grp": PPCNT_PHYS_LAYER})
        lab.send("QUERY_VPORT_COUNTER")
        lab.clock.advance(1)


def firmware_error(lab: Lab) -> None:
    """Commands the firmware refuses (status + syndrome) and one the kernel refuses (errno)."""
    lab.send("QUERY_DIAGNOSTIC_COUNTERS")  # no diagnostic session enabled yet
    lab.send("ACCESS_REG:MTMP", {"sensor_index": 200})  # no such sensor
    lab.send("ACCESS_REG:PPCNT", {"local_port": 1, "grp": 50})  # no such counter group
    lab.send("QUERY_HCA_CAP", {"op_mod": 0x7F})  # a capability page nobody defines
    lab.send("ACCESS_REG:PAOS", {"local_port": 1}, scope=Scope.CONFIGURATION)  # EBADMSG


def diagnostic_session(lab: Lab) -> None:
    """Arm a firmware sampling session (DEBUG_WRITE: taints), then read samples back.

    Samples come every 2^17 us (~131 ms), so the six read back span ~0.66 s: well inside
    one turn of the 32-bit nanosecond timestamp (~4.3 s), which the README warns about.
    """
    ctx = "diagnostic_params_context"
    lab.send("QUERY_DIAGNOSTIC_PARAMS")  # nothing armed yet
    lab.send("SET_DIAGNOSTIC_PARAMS", {
        f"{ctx}.num_of_counters": 4, f"{ctx}.log_num_of_samples": 4,
        f"{ctx}.log_sample_period": DIAG_LOG_PERIOD, f"{ctx}.repetitive": 1, f"{ctx}.enable": 1,
        **{f"{ctx}.counter_id[{i}].counter_id": i + 1 for i in range(4)},
    }, scope=Scope.DEBUG_WRITE)
    lab.send("QUERY_DIAGNOSTIC_PARAMS")
    for first in (0, 2, 4):
        lab.clock.advance(0.45)
        lab.send("QUERY_DIAGNOSTIC_COUNTERS", {"sample_index": first, "num_of_samples": 2})


STORIES: dict[str, tuple[str, Callable[[Lab], None]]] = {
    "01-bring-up.jsonl": ("cx7", bring_up),
    "02-link-down.jsonl": ("cx7", link_down),
    "03-module-eeprom.jsonl": ("cx7", module_eeprom),
    "04-counter-sampling.jsonl": ("cx7", counter_sampling),
    "05-firmware-error.jsonl": ("cx7", firmware_error),
    "06-diagnostic-session.jsonl": ("cx7", diagnostic_session),
}


def make(out: Path) -> dict[str, list[str]]:
    """Record every story into `out`; returns each file's outcomes (OK, status or errno)."""
    out.mkdir(parents=True, exist_ok=True)
    outcomes: dict[str, list[str]] = {}
    for name, (profile, story) in STORIES.items():
        lab = Lab(out / name, profile)
        try:
            story(lab)
        finally:
            lab.close()
        outcomes[name] = [f"{ex.command}={outcome_text(ex)}" for ex in lab.sent]
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("captures"))
    args = parser.parse_args()
    for name, outcomes in make(args.out).items():
        print(f"{name}: {len(outcomes)} records")
        for outcome in outcomes:
            print(f"    {outcome}")


if __name__ == "__main__":
    main()

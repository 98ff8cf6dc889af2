"""A simulated host's changeable state as a JSON document, and back.

Most of the model is a pure function of (seed, time): traffic, temperatures, the object
population. What earlier commands changed is not, and that is what a document holds: the
kernel's taint and log, and per function the link (admin state, losses, link-up seconds,
drops by cause), counter clears, sticky register fields, the MTU, sensor maxima, the
diagnostic session and congestion settings, the invalid-command count and the scenario.
Fault-injection knobs (armed faults, unplug, capabilities, lockdown) stay per process.

Values are plain JSON except tuples, bytes and dicts with non-string keys, which are
tagged (`{"__t": "tuple", "v": [...]}`) so a restore gives back exactly what was saved.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from fwctl_tui.sim.mlx5.device import DiagnosticSession
from fwctl_tui.sim.mlx5.link import LinkDown

if TYPE_CHECKING:
    from fwctl_tui.sim.host import SimHost
    from fwctl_tui.sim.mlx5.device import Device

SCHEMA = 1
TAG = "__t"
_LINK_FIELDS = ("admin_up", "loss", "up", "since", "accumulated", "down_events",
                "intentional_downs")


class StateError(ValueError):
    """A state document this version cannot restore (wrong schema, wrong shape)."""


def encode(value: Any) -> Any:
    """Plain data -> JSON-able, tagging tuples, bytes and non-string-keyed dicts."""
    if isinstance(value, tuple):
        return {TAG: "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, bytes | bytearray):
        return {TAG: "bytes", "v": bytes(value).hex()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {TAG: "pairs", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    return value


def decode(value: Any) -> Any:
    """The inverse of encode."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        tag = value.get(TAG)
        if tag == "tuple":
            return tuple(decode(v) for v in value["v"])
        if tag == "bytes":
            return bytes.fromhex(value["v"])
        if tag == "pairs":
            return {decode(k): decode(v) for k, v in value["v"]}
        return {k: decode(v) for k, v in value.items()}
    return value


def device_state(dev: Device) -> dict[str, Any]:
    """What commands changed on one function."""
    link = dev.link
    last = link.last_down
    return {
        "link": {**{name: getattr(link, name) for name in _LINK_FIELDS},
                 "last_down": asdict(last) if last is not None else None},
        "counters": {key: [c.cleared_at, c.tau_at_clear, c.downs_at_clear]
                     for key, c in dev.counter_sets.items()},
        "registers": dev.registers,
        "mtu": dev.mtu,
        "max_seen": [dev.asic.max_seen, dev.module_sensor.max_seen],
        "invalid_commands": dev.invalid_commands,
        "diag": asdict(dev.diag),
        "cong_enabled": dev.cong_enabled,
        "scenario": dev.scenario.state() if dev.scenario is not None else None,
    }


def restore_device(dev: Device, doc: dict[str, Any]) -> None:
    link = dev.link
    for name in _LINK_FIELDS:
        setattr(link, name, doc["link"][name])
    last = doc["link"]["last_down"]
    link.last_down = LinkDown(**last) if last is not None else None
    dev.counter_sets.clear()
    for key, (cleared_at, tau, downs) in doc["counters"].items():
        counters = dev.counters(key)
        counters.cleared_at, counters.tau_at_clear, counters.downs_at_clear = cleared_at, tau, downs
    dev.registers = doc["registers"]
    dev.mtu = doc["mtu"]
    dev.asic.max_seen, dev.module_sensor.max_seen = doc["max_seen"]
    dev.invalid_commands = doc["invalid_commands"]
    dev.diag = DiagnosticSession(**doc["diag"])
    dev.cong_enabled = doc["cong_enabled"]
    dev.set_scenario_state(doc["scenario"])


def host_state(host: SimHost) -> dict[str, Any]:
    """The whole host's document (see module docstring)."""
    kernel = host.kernel
    doc = {
        "schema": SCHEMA,
        "profile": host.profile.name,
        "seed": host.seed,
        "instance_id": host.instance_id,
        "started_at": host.started_at,
        "kernel": {"tainted": kernel.tainted, "log": kernel.log,
                   "taint_logged": kernel.fwctl_taint_logged},
        "functions": [device_state(f.firmware.device) for f in host.functions],
    }
    return dict(encode(doc))


def restore_host(host: SimHost, raw: dict[str, Any]) -> None:
    """Put a saved document back into `host` (built from the same profile and seed)."""
    doc = decode(raw)
    try:
        if doc.get("schema") != SCHEMA:
            raise StateError(f"schema {doc.get('schema')!r}, this version reads {SCHEMA}")
        if doc["profile"] != host.profile.name or doc["seed"] != host.seed:
            raise StateError("it belongs to another profile or seed")
        if len(doc["functions"]) != len(host.functions):
            raise StateError("its function count differs from the profile's")
        host.instance_id = doc["instance_id"]
        kernel = doc["kernel"]
        host.kernel.tainted = kernel["tainted"]
        host.kernel.log = list(kernel["log"])
        host.kernel.fwctl_taint_logged = kernel["taint_logged"]
        for function, state in zip(host.functions, doc["functions"], strict=True):
            restore_device(function.firmware.device, state)
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, StateError):
            raise
        raise StateError(f"malformed ({type(err).__name__}: {err})") from None

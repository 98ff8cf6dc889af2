"""`sim status` and `sim reset` for the plug-in simulators (sim:cxl-mem, sim:pds).

Their hosts persist between runs like the ConnectX ones (sim/driver_host.py), in a state
directory of their own. `status` shows what the saved state holds: the simulated kernel's
taint and log, and each value that differs from a new device's (a CXL feature's current
or saved data after Set Feature, a pds config key, log level or call count); `reset`
forgets the state file so the next run starts a new device.
"""

from __future__ import annotations

import importlib
from typing import Any

from fwctl_tui.decoders.values import flatten
from fwctl_tui.drivers.registry import SIM_DEVICES
from fwctl_tui.textsafe import printable


def driver_status(profile: str) -> dict[str, Any]:
    """One saved plug-in simulator as `sim status --json` shows it."""
    from fwctl_tui.sim.driver_host import DriverSimHost
    from fwctl_tui.sim.store import StoreError

    host: DriverSimHost = importlib.import_module(SIM_DEVICES[profile]).build_host()
    kind = host.make_entry(None).device_type
    state_file = str(host.store.path) if host.store is not None else None
    try:
        host.load_saved()
    except StoreError as err:
        return {"profile": profile, "type": kind, "state_file": state_file,
                "error": err.message}
    before = flatten(host.initial_state, keep_none=True)
    after = flatten(host.model.state(), keep_none=True)
    changed = [{"name": _label(kind, path), "now": after.get(path),
                "new_device": before.get(path)}
               for path in [*before, *(p for p in after if p not in before)]
               if before.get(path) != after.get(path)]
    return {"profile": profile, "type": kind, "state_file": state_file,
            "tainted": bool(host.kernel.tainted), "kernel_log": list(host.kernel.log),
            "changed": changed}


def _label(kind: str, path: str) -> str:
    """A state path in words: a CXL feature's UUID (wire order hex) by its name, a pds
    config key as such."""
    head, _, rest = path.partition(".")
    if kind == "pds" and head == "config":
        return f"config key {rest}"
    if kind != "cxl":
        return path
    from fwctl_tui.drivers.cxl_features import known, uuid_text

    try:
        raw = bytes.fromhex(head)
    except ValueError:
        return path
    feature = known(raw)
    name = feature.name if feature is not None else f"feature {uuid_text(raw)}"
    return f"{name} {rest}".strip()


def format_driver_status(host: dict[str, Any]) -> str:
    head = f"sim:{host['profile']} ({host['type']})  state {printable(str(host['state_file']))}"
    if "error" in host:
        return f"{head}\n  {printable(host['error'])}"
    lines = [head, f"  kernel {'TAINTED (simulated)' if host['tainted'] else 'clean'}"]
    lines += [f"  log: {printable(line)}" for line in host["kernel_log"]]
    if not host["changed"]:
        lines.append("  as a new device: nothing changed")
    for change in host["changed"]:
        lines.append(f"  {printable(change['name'])}: {printable(str(change['now']))} "
                     f"(new device: {printable(str(change['new_device']))})")
    return "\n".join(lines)


def reset_driver(profile: str) -> bool:
    """Forget sim:`profile`'s saved state (True when there was one); StoreError if the
    state directory cannot be used."""
    from fwctl_tui.sim.driver_host import driver_store

    return driver_store(profile).remove()

"""Which plug-in serves which device type (FWCTL_INFO's out_device_type, by name)."""

from __future__ import annotations

import importlib
from functools import cache

from fwctl_tui.drivers.base import DriverPlugin

_MODULES = {
    "mlx5": ("fwctl_tui.drivers.mlx5", "Mlx5Plugin"),
    "cxl": ("fwctl_tui.drivers.cxl", "CxlPlugin"),
    "pds": ("fwctl_tui.drivers.pds", "PdsPlugin"),
    "bnxt": ("fwctl_tui.drivers.bnxt", "BnxtPlugin"),
}
TYPE_NAMES: tuple[str, ...] = tuple(_MODULES)

# `sim:PROFILE` of the non-mlx5 simulated devices -> module with open_sim_device().
SIM_DEVICES = {
    "cxl-mem": "fwctl_tui.sim.cxl.simdev",
    "pds": "fwctl_tui.sim.pds.simdev",
}


@cache
def plugin_for(type_name: str) -> DriverPlugin:
    """The plug-in of a device type name (mlx5, cxl, pds, bnxt); LookupError otherwise.

    Imported on first use: a live mlx5 session never loads the CXL tables."""
    try:
        module, cls = _MODULES[type_name]
    except KeyError:
        raise LookupError(f"no driver plug-in for device type {type_name!r}; known: "
                          f"{', '.join(TYPE_NAMES)}") from None
    plugin: DriverPlugin = getattr(importlib.import_module(module), cls)()
    return plugin


def simulator_profiles() -> tuple[str, ...]:
    """`sim:` profiles served by a plug-in's simulator rather than the ConnectX host."""
    return tuple(SIM_DEVICES)

"""Driver plug-ins: one per fwctl device type (mlx5, cxl, pds, bnxt), picked by FWCTL_INFO.

base.py says what a plug-in supplies (catalogue, framing, decoders, error explanation,
preview facts, simulator); registry.py finds the plug-in for a device type. Screens and
CLI ask the registry instead of assuming mlx5, so adding a type touches neither.
"""

from fwctl_tui.drivers.base import (
    Built,
    DriverCommand,
    DriverInputError,
    DriverPlugin,
    InputField,
)
from fwctl_tui.drivers.registry import TYPE_NAMES, plugin_for, simulator_profiles

__all__ = ["TYPE_NAMES", "Built", "DriverCommand", "DriverInputError", "DriverPlugin",
           "InputField", "plugin_for", "simulator_profiles"]

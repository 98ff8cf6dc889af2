"""Every handler of the simulated firmware, registered by importing its module.

Command families live in commands/, ACCESS_REG and the register models in registers/;
importing them fills `HANDLERS` (opcode -> handler) and the register model table.
"""

from __future__ import annotations

from fwctl_tui.sim.mlx5.commands import caps, device_info, diagnostics, flows, queues, vport
from fwctl_tui.sim.mlx5.commands.registry import HANDLERS, Entry
from fwctl_tui.sim.mlx5.registers import access, management, port

HANDLER_MODULES = (caps, device_info, diagnostics, flows, queues, vport, access, management, port)

__all__ = ["HANDLERS", "HANDLER_MODULES", "Entry"]

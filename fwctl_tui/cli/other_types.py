"""Refusing an mlx5-only subcommand (`link`, the mlx5 `watch`) on a cxl/pds/bnxt device.

These subcommands read mlx5 registers; sent to another type of device they would only earn
a confusing EINVAL from its driver. The type is known before any RPC (connect's
device_type_hint: the sim profile, sysfs's parent driver, a capture's header) or from the
opened Connection's FWCTL_INFO; the refusal is bad input (exit 2) and says what to use.
"""

from __future__ import annotations

from fwctl_tui.cli import EXIT_USAGE, CliError
from fwctl_tui.drivers import plugin_for
from fwctl_tui.textsafe import printable


def is_other_type(kind: str | None) -> bool:
    """True for a known device type that is not mlx5 (None/"unknown": not known yet)."""
    return kind not in (None, "mlx5", "unknown")


def refusal(device: str, kind: str, what: str) -> CliError:
    """The CliError for `what` (e.g. "`link` reads mlx5 port registers") on a `kind`
    device, naming the commands that do apply to it."""
    command = plugin_for(kind).commands()[0]
    # the example names the command's required inputs (pds: ep= op=, bnxt: hex=)
    example = " ".join([command.name, *(f"{f.name}=..." for f in command.inputs
                                        if f.default is None and f.name != "feature")])
    return CliError(f"{printable(device)} is a {kind} fwctl device: {what}, which a {kind} "
                    f"device does not have. Use `fwctl-tui commands --type {kind}` for its "
                    f"commands, e.g. `fwctl-tui send {printable(device)} {example}`"
                    + (" (or an entry of `fwctl-tui pds-entries`)" if kind == "pds" else ""),
                    EXIT_USAGE, device_type=kind)

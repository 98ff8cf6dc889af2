"""An RPC as a `fwctl-tui send` line a person can paste (the result view's copy key).

The line must send the same bytes the TUI sent, or what firmware treats as the same: so
it names the index fields, the enable bits set for you and the values that matter, and
leaves out what was only read back. Headless (no textual import).
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from fwctl_tui import register_writes
from fwctl_tui.uapi import TAINTING_SCOPES, Scope
from fwctl_tui.workbench.catalogue_model import fields, find, least_scope
from fwctl_tui.workbench.workspace import PlannedRpc

if TYPE_CHECKING:
    from fwctl_tui.decoders import Command

HEADER_INPUTS = frozenset({"opcode", "uid", "op_mod", "register_id"})


def _worth_saying(command: Command, plan_: PlannedRpc) -> dict[str, object]:
    """The form values a CLI line needs: INDEX fields (which port), enable bits set for
    you, and fields whose value is not their default. A read-only field is left out
    unless the user changed it: after "Read current" the form holds every field read
    back (`logical_state_status=4 ...`), which firmware ignores on a write and the user
    never touched. A default value is left out because `send` encodes it anyway."""
    try:
        specs = {spec.path: spec for spec in fields(command, plan_.op_mod)}
    except (ValueError, LookupError):
        return dict(plan_.values)
    before = plan_.before
    register = getattr(command, "register", None)
    table = register_writes.ENABLE_BITS.get(register.name, {}) if register is not None else {}
    # a governed field read back, left as it was and with its enable bit at 0 was not
    # written; naming it would make `send` set the bit and write it (a stale admin_status
    # could bring a port back up)
    unwritten = {register_writes.REGISTER_DATA + governed for governed, (enable, _) in
                 table.items() if not plan_.values.get(register_writes.REGISTER_DATA + enable)}
    out: dict[str, object] = {}
    for path, value in plan_.values.items():
        if path in unwritten and before is not None and value == before.get(path):
            continue
        spec = specs.get(path)
        access = getattr(spec, "access", None)
        default = getattr(spec, "default", None) or 0
        touched = before is None or value != before.get(path)
        if (spec is None or access == "INDEX" or path in plan_.auto_set
                or (value != default and (access != "RO" or touched))):
            out[path] = value
    return out


def cli_values(plan_: PlannedRpc) -> dict[str, object]:
    """field=value pairs that reproduce the request: the form's values worth saying, or
    (for re-sends and raw hex) the non-zero fields the request decodes to; op_mod by
    name first."""
    row = find(plan_.label)
    values: dict[str, object] = dict(plan_.values)
    if row is None:
        return values
    command = row.command
    if values:
        values = _worth_saying(command, plan_)
    else:
        from fwctl_tui.decoders import decode_input, iter_leaves

        try:
            leaves = iter_leaves(decode_input(command, plan_.request))
            values = {leaf.path: leaf.value for leaf in leaves
                      if leaf.path not in HEADER_INPUTS and isinstance(leaf.value, int)
                      and leaf.value}
        except ValueError:
            values = {}
    if command.op_mods:
        values = {"op_mod": command.op_mods.get(plan_.op_mod, plan_.op_mod), **values}
    return values


def cli_line(device: str, plan_: PlannedRpc, scope: Scope) -> str:
    """The same RPC as a `fwctl-tui send` command line a person can paste.

    `--scope` only when it is not the least one the command needs (send picks that one
    by itself); `--yes` when the scope taints, since send refuses a tainting scope
    without it."""
    parts = ["fwctl-tui", "send", device, plan_.label]
    for key, value in cli_values(plan_).items():
        text = f"0x{value:x}" if isinstance(value, int) and value > 9 else str(value)
        parts.append(f"{key}={text}")
    row = find(plan_.label)
    least = least_scope(row.command, plan_.op_mod) if row is not None else None
    if scope != least:
        parts += ["--scope", scope.name]
    if scope in TAINTING_SCOPES:
        parts.append("--yes")
    return " ".join(shlex.quote(p) for p in parts)

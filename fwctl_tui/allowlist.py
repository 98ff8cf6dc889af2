"""The mlx5 fwctl driver's per-scope opcode allow-list, as the kernel applies it.

One source of truth for the driver's rule (kernel_rules.mlx5: the emulator refuses with
EBADMSG, the consequence preview predicts that refusal) and the catalogue (which shows
the minimum scope). Kernel versions matter: the list grew between v6.15 and v6.18.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from fwctl_tui.facts import facts
from fwctl_tui.uapi import Scope

Version = tuple[int, int]
NEWEST: Version = (99, 0)


@dataclass(frozen=True)
class AllowEntry:
    """One allow-listed opcode: its minimum scope and the first kernel that allows it."""

    opcode: int
    name: str  # without the MLX5_CMD_OP_ / MLX5_CMD_OPCODE_ prefix
    group: str  # configuration | debug_read_only | debug_write | access_register
    min_scope: Scope
    since: Version
    write_min_scope: Scope | None = None  # access-register opcodes: op_mod 0 (write)

    def min_scope_for(self, op_mod: int) -> Scope:
        """The least scope the driver accepts for this op_mod."""
        if self.write_min_scope is not None and op_mod == 0:
            return self.write_min_scope
        return self.min_scope


def parse_version(text: str) -> Version:
    """`v6.18 (...)`, `6.18.0-rc1` or `6.18` -> (6, 18); unparsable -> NEWEST."""
    match = re.search(r"(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else NEWEST


def short_name(opcode_name: str) -> str:
    return opcode_name.removeprefix("MLX5_CMD_OPCODE_").removeprefix("MLX5_CMD_OP_")


@cache
def entries() -> dict[int, AllowEntry]:
    """Every allow-listed opcode, keyed by opcode value."""
    out: dict[int, AllowEntry] = {}
    for row in facts()["mlx5"]["allow_list"]:
        rule = row.get("op_mod_rule")
        if rule:
            min_scope = Scope(rule["op_mod_nonzero_min_scope_value"])
            write_min: Scope | None = Scope(rule["op_mod_0_write_min_scope_value"])
        else:
            min_scope, write_min = Scope(row["min_scope_value"]), None
        out[row["opcode"]] = AllowEntry(
            opcode=row["opcode"],
            name=short_name(row["opcode_name"]),
            group=row["group"],
            min_scope=min_scope,
            since=parse_version(row["since"]),
            write_min_scope=write_min,
        )
    return out


def lookup(opcode: int, kernel: Version = NEWEST) -> AllowEntry | None:
    """The entry for an opcode if the given kernel allows it at all."""
    entry = entries().get(opcode)
    if entry is None or entry.since > kernel:
        return None
    return entry


def least_scope(opcode: int, op_mod: int, kernel: Version = NEWEST) -> Scope | None:
    """The least scope this kernel's driver accepts, or None when it refuses at every scope."""
    entry = lookup(opcode, kernel)
    return None if entry is None else entry.min_scope_for(op_mod)

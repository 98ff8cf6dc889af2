"""A register write as the user means it: read the register now, change what was given.

mlxreg's `--set` is read-modify-write, and so is this: the register is read at the INDEX
fields the user gave, the fields they named replace what was read, the update-enable bits
the change needs are set (register_writes has that rule), and the field-by-field change
is computed against the value read *now*. `send` and the TUI's preview both build writes
here, so the same intent sends the same bytes from either, and no preview compares
against a stale read without saying so. When the register cannot be read (the kernel
refuses the read scope, firmware fails it), the write goes ahead from what is known and
`read_problem` says what that means. Headless (no textual import).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fwctl_tui import policy
from fwctl_tui.decoders import (
    decode_input,
    decode_output,
    encode_input,
    input_fields,
    iter_leaves,
    reply_buffer_size,
)
from fwctl_tui.decoders.catalogue import Command
from fwctl_tui.errors import explain
from fwctl_tui.register_writes import REGISTER_DATA, apply_enable_bits
from fwctl_tui.uapi import TAINTING_SCOPES

if TYPE_CHECKING:
    from fwctl_tui.kernelstate import KernelState
    from fwctl_tui.session import Session

WRITE_ONLY_ACCESS = frozenset({"RW", "WO"})  # fields a read ignores: only a write uses them


def op_mod_named(cmd: Command, name: str) -> int | None:
    """The op_mod whose variant is called `name` (`read`, `write`), or None."""
    return next((value for value, label in cmd.op_mods.items() if label == name), None)


def access_of(cmd: Command, path: str) -> str | None:
    """INDEX/RW/RO/WO/OP of a register field path (None outside register_data)."""
    if cmd.register is None or not path.startswith(REGISTER_DATA):
        return None
    return cmd.register.access.get(path.removeprefix(REGISTER_DATA))


def write_only_given(cmd: Command, paths: Collection[str]) -> list[str]:
    """The given fields only a write uses (RW/WO, not INDEX or OP): a read ignores them."""
    return [path for path in paths if access_of(cmd, path) in WRITE_ONLY_ACCESS]


def resolve_given(cmd: Command, values: Mapping[str, Any], op_mod: int | None) -> dict[str, Any]:
    """The user's FIELD=VALUE pairs as full input paths and encoded values.

    A leaf's own name is enough on the command line (`admin_status`); the encoder
    resolved it, so the path is found in the encoded request. EncodeError propagates."""
    request = encode_input(cmd, values, op_mod=op_mod)
    leaves = {leaf.path: leaf.value for leaf in iter_leaves(decode_input(cmd, request))}
    given: dict[str, Any] = {}
    for key in values:
        if key in ("op_mod", "opcode", "register_id"):
            continue
        for path, value in leaves.items():
            if path == key or path.endswith("." + key):
                given[path] = value
    return given


@dataclass(frozen=True)
class CurrentValue:
    """A register as read back: its writable-layout fields (not INDEX) and when."""

    values: dict[str, Any]
    read_at: float  # time.time() of the read

    def age(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.read_at)


@dataclass(frozen=True)
class Change:
    """One field the write changes: value read (None: not known), value written."""

    path: str
    before: Any
    after: Any
    auto_set: bool


@dataclass(frozen=True)
class RegisterWrite:
    """The bytes of one register write and everything the preview says about them."""

    values: dict[str, Any]  # every field encoded
    request: bytes
    given: dict[str, Any]  # what the user asked for
    auto_set: dict[str, str]  # enable-bit path -> why it was set for you
    warnings: list[str]
    current: CurrentValue | None  # what the change is computed against
    read_problem: str | None = None  # why the register could not be read just now
    stale: bool = False  # `current` is an earlier read, not one made for this write
    index: dict[str, Any] = field(default_factory=dict)

    def changes(self) -> list[Change]:
        """Every field whose written value differs from the value read (all given and
        auto-set fields when nothing could be read)."""
        before = self.current.values if self.current is not None else None
        out = []
        for path, after in self.values.items():
            if path in self.index:
                continue
            old = None if before is None else before.get(path)
            if before is None and path not in self.given and path not in self.auto_set:
                continue
            if before is None or old != after:
                out.append(Change(path, old, after, path in self.auto_set))
        return out


def read_current(session: Session, cmd: Command, index: Mapping[str, Any],
                 state: KernelState) -> tuple[CurrentValue | None, str | None]:
    """Read the register at `index` now (the read lands in the session's history).

    (value, None), or (None, why it could not be read): the kernel allows no read scope,
    the read scope taints (never sent for a preview), errno, or a firmware status."""
    read = op_mod_named(cmd, "read")
    write = op_mod_named(cmd, "write")
    if cmd.register is None or read is None or write is None:
        return None, f"{cmd.name} has no read variant"
    scope = policy.least_scope(cmd.opcode, read, state)
    if scope is None:
        return None, "the running kernel allows no scope for reading it"
    if scope in TAINTING_SCOPES:
        return None, f"reading it needs {scope.name}, which taints the kernel"
    request = encode_input(cmd, dict(index), op_mod=read)
    exchange = session.send(cmd.name, scope, request, reply_buffer_size(cmd, request, read))
    if exchange.errno:
        return None, f"the read failed with {explain(exchange.errno).name}"
    if exchange.status != 0 or exchange.reply is None:
        from fwctl_tui.decoders.mlx5.status import status_name

        return None, f"the read failed with firmware status {status_name(exchange.status or 0)}"
    writable = {spec.path for spec in input_fields(cmd, write)}
    root = decode_output(cmd, exchange.reply, request)
    values = {leaf.path: leaf.value for leaf in iter_leaves(root)
              if leaf.path in writable and isinstance(leaf.value, int) and not leaf.missing
              and access_of(cmd, leaf.path) != "INDEX"}
    return CurrentValue(values, exchange.wall_time or time.time()), None


def build_write(
    cmd: Command, op_mod: int, given: Mapping[str, Any], current: CurrentValue | None, *,
    base: Mapping[str, Any] | None = None, read_problem: str | None = None,
    stale: bool = False,
) -> RegisterWrite:
    """The write of `given` over `base` (the value read now, by default), enable bits set.

    `base` other than the current value is the TUI's fallback when the read failed: the
    form as it stands, compared against an earlier read (`stale`)."""
    start = dict(current.values if current is not None and base is None else (base or {}))
    values = {**start, **given}
    register = cmd.register.name if cmd.register is not None else None
    enable = apply_enable_bits(register, values, given.keys(),
                               current.values if current is not None else None)
    request = encode_input(cmd, enable.values, op_mod=op_mod)
    index = {path: value for path, value in given.items() if access_of(cmd, path) == "INDEX"}
    return RegisterWrite(enable.values, request, dict(given), enable.auto_set,
                         enable.warnings, current, read_problem, stale, index)


def unread_warning(problem: str) -> str:
    """What a write built without a fresh read means, in one sentence."""
    return (f"the register could not be read first ({problem}): fields not given are "
            "written as 0")


@dataclass(frozen=True)
class FormWrite:
    """A register write as the TUI form asks for it, built into bytes at preview time.

    `given` are the fields the user edited (and the INDEX fields); `form_values` is the
    whole form, used only when the register cannot be read now; `earlier` is the form's
    last read-back, shown (as stale, with its age) only then."""

    given: dict[str, Any]
    form_values: dict[str, Any]
    earlier: CurrentValue | None = None


def prepare_write(session: Session, state: KernelState, cmd: Command, op_mod: int,
                  form: FormWrite) -> RegisterWrite:
    """Read now, then build the write of what was given over the value read: `send --set`
    and the TUI preview both call this. If the read fails: what was given over the form
    as it stands (the CLI has no form: the rest is 0), against the earlier read if any."""
    index = {path: value for path, value in form.given.items()
             if access_of(cmd, path) == "INDEX"}
    current, problem = read_current(session, cmd, index, state)
    if current is not None:
        return build_write(cmd, op_mod, form.given, current)
    return build_write(cmd, op_mod, form.given, form.earlier, base=form.form_values,
                       read_problem=problem, stale=form.earlier is not None)

"""What `send` shows before it sends: the preview, the y/N question, `--dry-run`.

A command that changes the device (a register write, SET_*, a counter-clearing read)
is confirmed at every scope, CONFIGURATION included: on a terminal `send` prints the
preview on stderr and asks y/N (default No); with stdin not a terminal it needs --yes.
A tainting scope always needs --yes. `--dry-run` prints the same preview (scope, kernel
verdict, taint, the bytes, the field-by-field change) and sends nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fwctl_tui import policy
from fwctl_tui.decoders.catalogue import Command
from fwctl_tui.register_writes import REGISTER_DATA
from fwctl_tui.write_intent import RegisterWrite

CANCELLED = "cancelled: nothing was sent"


@dataclass(frozen=True)
class SendPlan:
    """One RPC as `send` will send it, with what the preview says about it."""

    cmd: Command
    device: str
    request: bytes
    preview: policy.Preview
    write: RegisterWrite | None = None
    notes: dict[str, str] = field(default_factory=dict)  # path -> why it has this value
    out_len: int | None = None  # the reply buffer it is sent with (the preview judged it)

    def changes_json(self) -> list[dict[str, Any]] | None:
        if self.write is None:
            return None
        return [{"field": c.path.removeprefix(REGISTER_DATA), "current": c.before,
                 "new": c.after, "set_for_you": c.auto_set} for c in self.write.changes()]

    def as_json(self) -> dict[str, Any]:
        """The preview as `send --dry-run --json` prints it (and refusals carry)."""
        p = self.preview
        doc: dict[str, Any] = {
            "device": self.device, "command": self.cmd.name, "opcode": self.cmd.opcode,
            "op_mod": p.op_mod, "scope": p.scope.name, "scope_value": int(p.scope),
            "accepted": p.accepted, "taints": p.taints, "changes_device": p.is_write,
            "facts": dict(p.facts()), "length": len(self.request), "hex": self.request.hex(),
            "out_len": self.out_len,
        }
        if self.write is not None:
            doc["changes"] = self.changes_json()
            doc["compared_with"] = ("the value read just now" if self.write.current is not None
                                    else None)
            doc["read_problem"] = self.write.read_problem
        return doc


def print_preview(plan: SendPlan, out: IO[str]) -> None:
    """The human preview: the facts, the bytes, then the field-by-field change."""
    console = Console(file=out, highlight=False, soft_wrap=True)
    console.print(Text(f"{plan.cmd.name} to {plan.device}: preview, nothing sent yet",
                       style="bold"))
    facts = Table.grid(padding=(0, 2))
    for label, sentence in plan.preview.facts():
        facts.add_row(Text(label), Text(sentence))
    console.print(facts)
    console.print(Text(f"bytes ({len(plan.request)}): {plan.request.hex(' ')}"))
    if plan.out_len is not None:
        console.print(Text(f"reply buffer: {plan.out_len} bytes"))
    for path, why in plan.notes.items():
        console.print(Text(f"{path.removeprefix(REGISTER_DATA)}: {why}"))
    if plan.write is not None:
        _print_changes(console, plan.write)


def _print_changes(console: Console, write: RegisterWrite) -> None:
    changes = write.changes()
    if write.current is None:
        console.print(Text("not compared with the device: "
                           f"{write.read_problem or 'not read'}", style="yellow"))
    if not changes:
        console.print(Text("field-by-field: nothing changes (every field as read)"))
        return
    table = Table(title=Text(f"field-by-field: {len(changes)} field(s) change"),
                  title_justify="left", box=None)
    for col in ("field", "current", "new"):
        table.add_column(col)
    for change in changes:
        name = Text(change.path.removeprefix(REGISTER_DATA))
        if change.auto_set:
            name.append(" (set for you)")
        table.add_row(name, Text("?" if change.before is None else str(change.before)),
                      Text(str(change.after)))
    console.print(table)


def confirm(plan: SendPlan, *, yes: bool, stdin: IO[str] | None = None,
            stderr: IO[str] | None = None) -> bool:
    """Whether to send: --yes, else y/N on a terminal. False when stdin is no terminal
    (the caller says --yes is needed) or the answer is not yes."""
    if yes:
        return True
    stdin = sys.stdin if stdin is None else stdin
    stderr = sys.stderr if stderr is None else stderr
    if not is_terminal(stdin):
        return False
    print_preview(plan, stderr)
    stderr.write(f"Send {plan.cmd.name}: it changes the device. [y/N] ")
    stderr.flush()
    answer = stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def is_terminal(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or detached stdin
        return False

"""Re-send a capture's requests to a device and report, field by field, what changed.

"Did this firmware update change the answers?", "how far have the counters moved?":
replaying a capture against a device answers both. Safety first: every record goes
through policy.preview on the target's kernel state; writes are skipped unless
allowed, tainting scopes unless acknowledged, and predicted refusals are not sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fwctl_tui import allowlist, policy
from fwctl_tui.captures import decoding
from fwctl_tui.captures.diff import Change, diff_pair
from fwctl_tui.captures.loader import outcome_text
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.session import Session


@dataclass
class ResendItem:
    """One recorded request: sent (with the new answer's changes) or skipped (with why)."""

    seq: int
    recorded: Exchange
    sent: bool
    reason: str
    now: Exchange | None = None
    changes: list[Change] = field(default_factory=list)
    preview: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "command": self.recorded.command,
            "scope": self.recorded.scope.name,
            "sent": self.sent,
            "reason": self.reason,
            "outcome_recorded": outcome_text(self.recorded),
            "outcome_now": outcome_text(self.now) if self.now is not None else None,
            "changes": [c.as_json() for c in self.changes],
            "preview": [{"label": label, "text": text} for label, text in self.preview],
        }


@dataclass
class ResendReport:
    device: str
    items: list[ResendItem] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(item.sent for item in self.items)

    @property
    def skipped(self) -> int:
        return len(self.items) - self.sent

    @property
    def failed(self) -> int:
        return sum(1 for i in self.items if i.now is not None and i.now.errno)

    def as_json(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "sent": self.sent,
            "skipped": self.skipped,
            "failed": self.failed,
            "records": [item.as_json() for item in self.items],
        }


def is_write(exchange: Exchange) -> bool:
    """Whether the command changes device state (catalogue, else the allow-list group)."""
    command = decoding.command_for(exchange)
    if command is not None:
        try:
            return bool(command.is_write(exchange.op_mod))
        except (AttributeError, TypeError, ValueError):
            pass
    entry = allowlist.entries().get(exchange.opcode)
    if entry is None:
        return True  # unknown commands are treated as the riskier kind
    if entry.write_min_scope is not None:
        return exchange.op_mod == 0  # ACCESS_REG-style: op_mod 0 writes the register
    return entry.group == "debug_write"


def resend(
    records: Iterable[tuple[int, Exchange]],
    session: Session,
    kernel_state: Callable[[], KernelState],
    *,
    allow_writes: bool = False,
    acknowledge_taint: bool = False,
) -> ResendReport:
    """Send each allowed record through `session` and diff the answer with the recording."""
    report = ResendReport(session.device_name)
    for seq, recorded in records:
        writes = is_write(recorded)
        preview = policy.preview(
            recorded.opcode, recorded.op_mod, recorded.scope, kernel_state(), is_write=writes
        )
        item = ResendItem(seq, recorded, False, "", preview=preview.facts())
        if writes and not allow_writes:
            item.reason = "skipped: writes device state (use --allow-writes)"
        elif preview.taints and not acknowledge_taint:
            item.reason = f"skipped: scope {recorded.scope.name} taints the kernel (use --yes)"
        elif not preview.accepted:
            refusal = explain(preview.refusal_errno or 0).name
            item.reason = f"skipped: this kernel would refuse it with {refusal}"
        else:
            item.now = session.send(
                recorded.command, recorded.scope, recorded.request, recorded.out_cap
            )
            item.sent = True
            item.changes, note = diff_pair(recorded, item.now)
            if item.now.errno:
                item.reason = f"sent: failed with {outcome_text(item.now)}"
                if item.now.detail:
                    item.reason += f" ({item.now.detail})"
            elif item.changes:
                item.reason = f"sent: {len(item.changes)} field(s) changed"
            else:
                item.reason = "sent: same answer"
            if note:
                item.reason += f"; {note}"
        report.items.append(item)
    return report

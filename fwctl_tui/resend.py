"""Re-send a capture's requests to a device and report, field by field, what changed.

"Did this firmware update change the answers?", "how far have the counters moved?":
replaying a capture against a device answers both. Safety first: every record goes
through policy.preview on the target's kernel state; writes (including reads that
clear counters: PPCNT clr=1, QUERY_*_COUNTER clear=1) are skipped unless allowed,
tainting scopes unless acknowledged, and predicted refusals are not sent. The recording
is another session, so counters are reported as deltas since it, never as rates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fwctl_tui import allowlist, policy
from fwctl_tui.capture_analysis import decoding
from fwctl_tui.capture_analysis.diff import Change, diff_pair
from fwctl_tui.capture_analysis.filters import outcome_text
from fwctl_tui.decoders import changes_device_state
from fwctl_tui.drivers.base import DriverInputError
from fwctl_tui.drivers.flow import send_built
from fwctl_tui.drivers.records import Resend, rebuild
from fwctl_tui.drivers.records import outcome as driver_outcome
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.session import Session
from fwctl_tui.uapi import TAINTING_SCOPES


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

    @property
    def failed(self) -> bool:
        """Re-sent and refused: an errno, or a firmware status (cxl/pds/bnxt: return
        code) other than OK."""
        if self.now is None:
            return False
        driver = driver_outcome(self.now)
        if driver is not None:
            return driver != "OK"
        return self.now.errno != 0 or self.now.status != 0

    @property
    def outcome_changed(self) -> bool:
        return self.now is not None and outcome_text(self.now) != outcome_text(self.recorded)

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "command": self.recorded.command,
            "scope": self.recorded.scope.name,
            "sent": self.sent,
            "failed": self.failed,
            "outcome_changed": self.outcome_changed,
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
        """Re-sent records that failed now (errno or firmware status), as recorded or not."""
        return sum(1 for item in self.items if item.failed)

    @property
    def newly_failed(self) -> int:
        """Re-sent records that fail now and did not in the recording (OK -> BAD_PARAM)."""
        return sum(1 for item in self.items
                   if item.failed and outcome_text(item.recorded) == "OK")

    def as_json(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "sent": self.sent,
            "skipped": self.skipped,
            "failed": self.failed,
            "newly_failed": self.newly_failed,
            "rates_note": RATES_NOTE,
            "records": [item.as_json() for item in self.items],
        }


RATES_NOTE = ("counters are deltas since the recording; no rates: the recording is another "
              "session, and the time since it is not the time the counters ran")
# A field that makes a read clear what it reads: PPCNT/MPCNT `clr`, QUERY_*_COUNTER `clear`,
# PBSR `clear_wm`, ... (`clr_cap` is a capability bit, not a request).


def is_write(exchange: Exchange) -> bool:
    """Whether sending the request changes device state: the command writes, or it is a
    read with a clear flag set (decoders.changes_device_state); unknown commands fall
    back to the allow-list group."""
    command = decoding.command_for(exchange)
    if command is not None:
        return changes_device_state(command, exchange.request)
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
    device_type: str | None = None,
) -> ResendReport:
    """Send each allowed record through `session` and diff the answer with the recording;
    with `device_type` (the target's), a record of another type is skipped, not sent."""
    report = ResendReport(session.device_name)
    for seq, recorded in records:
        kind = str(recorded.meta.get("driver") or "mlx5")
        if device_type not in (None, "unknown", kind):
            report.items.append(ResendItem(seq, recorded, False, (
                f"skipped: recorded on a {kind} device; {session.device_name} is a {device_type} "
                "device")))
            continue
        try:
            again = rebuild(recorded)  # a cxl/pds/bnxt record: its plug-in rebuilds it
        except DriverInputError as err:
            report.items.append(ResendItem(seq, recorded, False,
                                           f"skipped: cannot rebuild it: {err.message}"))
            continue
        if again is not None:
            report.items.append(_resend_driver(seq, recorded, again, session, kernel_state(),
                                               allow_writes, acknowledge_taint))
            continue
        writes = is_write(recorded)
        preview = policy.preview(  # judged on the lengths it is re-sent with
            recorded.opcode, recorded.op_mod, recorded.scope, kernel_state(), is_write=writes,
            in_len=len(recorded.request), out_len=recorded.out_cap)
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
            item.changes, note = diff_pair(recorded, item.now)  # two sessions: no rates
            item.reason = _sent_reason(item)
            if note:
                item.reason += f"; {note}"
        report.items.append(item)
    return report


def _resend_driver(seq: int, recorded: Exchange, again: Resend, session: Session,
                   state: KernelState, allow_writes: bool,
                   acknowledge_taint: bool) -> ResendItem:
    """A cxl/pds/bnxt record: judged by its plug-in's rule, sent at the recorded scope,
    and diffed field by field as the plug-in decodes both answers. Its preview rows are
    the driver's rule, then the verdict and cost as every preview words them."""
    built = again.built
    said = policy.driver_consequence(again.plugin.type_name, built.request, built.out_len,
                                     recorded.scope, state, None, is_write=again.writes)
    item = ResendItem(seq, recorded, False, "", preview=[
        ("Driver", f"{again.plugin.type_name}: {built.command.scope_rule}"), *said.rows()])
    if again.writes and not allow_writes:
        item.reason = f"skipped: writes device state ({again.why_write}; use --allow-writes)"
    elif recorded.scope in TAINTING_SCOPES and not acknowledge_taint:
        item.reason = f"skipped: scope {recorded.scope.name} taints the kernel (use --yes)"
    else:
        item.now = send_built(session, again.plugin, built, label=recorded.command)
        item.sent = True
        item.changes, note = diff_pair(recorded, item.now)
        item.reason = _sent_reason(item)
        if note:
            item.reason += f"; {note}"
    return item


def _sent_reason(item: ResendItem) -> str:
    """What happened to a re-sent record, failures first, with how the outcome moved."""
    now, recorded = item.now, item.recorded
    assert now is not None
    before, after = _short(outcome_text(recorded)), _short(outcome_text(now))
    if item.failed:
        if before == after:
            reason = f"sent: failed with {after}, as recorded"
        elif now.errno:
            reason = f"sent: failed with {after} (recorded: {before})"
        else:
            reason = f"sent: status changed {before} -> {after}"
        if now.errno and now.detail:
            reason += f" ({now.detail})"
        elif not now.errno and now.syndrome and driver_outcome(now) is None:  # mlx5 only
            reason += f" (syndrome 0x{now.syndrome:08x})"
        return reason
    if before != after:
        return f"sent: status changed {before} -> {after}" + (
            f"; {len(item.changes)} field(s) changed" if item.changes else "")
    if item.changes:
        return f"sent: {len(item.changes)} field(s) changed"
    return "sent: same answer"


def _short(outcome: str) -> str:
    return outcome.removesuffix("_ERR")

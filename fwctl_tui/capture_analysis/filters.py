"""Which records a listing shows: `replay --command/--status/--scope/--since/--until`
and the browser's filter line (`command=PPCNT status=OK scope=1 since=ISO words`).

A record's outcome (OK, a status or errno name, or a damage flag) comes from decoding
its reply, so filtering is analysis, not storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from fwctl_tui.capture_analysis.decoding import accepted_statuses, is_known_status
from fwctl_tui.capture_analysis.decoding import outcome as _outcome
from fwctl_tui.captures.format import CaptureError
from fwctl_tui.captures.loader import RecordItem
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import Scope, parse_scope


@dataclass
class RecordFilter:
    """What `replay --command/--status/--scope/--since/--until` and the browser filter on."""

    command: str | None = None  # case-insensitive substring of the command name
    status: str | None = None  # OK, an mlx5 status name, an errno name, or ERROR
    scope: Scope | None = None
    since: float | None = None
    until: float | None = None
    terms: list[str] = field(default_factory=list)  # free words: match command or outcome

    def matches(self, item: RecordItem) -> bool:
        ex = item.exchange
        if ex is None:
            return not (self.command or self.status or self.scope is not None or self.terms)
        if self.command and self.command.upper() not in ex.command.upper():
            return False
        if self.scope is not None and ex.scope != self.scope:
            return False
        if self.since is not None and ex.wall_time < self.since:
            return False
        if self.until is not None and ex.wall_time > self.until:
            return False
        if self.status or self.terms:
            outcome = outcome_text(ex)
            if self.status and not _status_matches(self.status, outcome):
                return False
            haystack = f"{ex.command} {outcome}".upper()
            if any(term.upper() not in haystack for term in self.terms):
                return False
        return True


def _status_matches(wanted: str, outcome: str) -> bool:
    key = wanted.upper()
    if key == "ERROR":
        return outcome != "OK"
    return key == outcome.upper() or key in outcome.upper()


def outcome_text(exchange: Exchange) -> str:
    """The record's outcome for listings and filters: OK, a status or errno name, or the
    integrity flag of a damaged record (SHORT_REPLY, NO_STATUS, OPCODE_MISMATCH)."""
    return _outcome(exchange)


def parse_time(text: str) -> float:
    """Epoch seconds or an ISO date-time (UTC when no zone is given)."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CaptureError(f"bad time {text!r}: use epoch seconds or ISO 8601") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def check_status(text: str) -> str:
    """A `status` filter value that can match something; CaptureError naming the choices."""
    if not is_known_status(text):
        raise CaptureError(
            f"unknown status {text!r}; use one of {', '.join(accepted_statuses())}, "
            "or an errno name (EPERM, EINVAL, ENOMSG, ...)")
    return text


def check_scope(text: str) -> Scope:
    """A scope filter value by name or number; CaptureError naming the choices."""
    try:
        return parse_scope(text)
    except ValueError:  # parse_scope says so for every bad name or number
        names = ", ".join(f"{s.name} ({int(s)})" for s in Scope)
        raise CaptureError(f"unknown scope {text!r}; use one of {names}") from None


def parse_filter(text: str) -> RecordFilter:
    """Browser filter syntax: `command=PPCNT status=OK scope=1 since=ISO until=ISO words`."""
    flt = RecordFilter()
    for word in text.split():
        key, sep, value = word.partition("=")
        key = key.lower()
        if not sep:
            flt.terms.append(word)
        elif key in ("command", "cmd", "c"):
            flt.command = value
        elif key in ("status", "s"):
            flt.status = check_status(value)
        elif key == "scope":
            flt.scope = check_scope(value)
        elif key == "since":
            flt.since = parse_time(value)
        elif key == "until":
            flt.until = parse_time(value)
        else:
            raise CaptureError(
                f"unknown filter {key!r}; use command=, status=, scope=, since=, until="
            )
    return flt

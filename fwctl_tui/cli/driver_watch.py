"""`watch` for cxl/pds/bnxt devices: the plug-in builds the request and decodes each reply.

cli/watch.py drives a DriverWatcher (driver_watcher()) for a device whose type is not
mlx5. The plug-in's Built request is re-sent as it is; each sample carries the plug-in's
decoded reply, and its integer leaves get the deltas and rates of the mlx5 watch
(monitor/sampling.RateTracker). Only reads are watched, by the rule `replay --against`
follows (drivers/records.py): a command that writes (CXL Set Feature) is refused, and so
is every pds operation, since fwctl cannot tell a pds read from a write; so is a
tainting --scope.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fwctl_tui.cli import EXIT_USAGE, CliError
from fwctl_tui.cli.catalogue import parse_assignments
from fwctl_tui.cli.driver_send import chosen_scope, context_for
from fwctl_tui.connect import Connection
from fwctl_tui.decoders.values import flatten
from fwctl_tui.drivers import Built, DriverInputError, DriverPlugin, plugin_for
from fwctl_tui.drivers.records import reply_outcome
from fwctl_tui.monitor.sampling import RateTracker, Sample
from fwctl_tui.session import Session
from fwctl_tui.textsafe import printable
from fwctl_tui.uapi import TAINTING_SCOPES, Scope

PDS_WHY = ("what a pds operation does is known only to the firmware (fwctl cannot tell a "
           "read from a write)")


def check_request(args: argparse.Namespace, kind: str) -> None:
    """The refusals known before the device opens (CliError, exit 2)."""
    if args.op_mod is not None:
        raise CliError(f"--op-mod is an mlx5 option; {kind} commands take FIELD=VALUE inputs "
                       f"(`fwctl-tui describe --type {kind} COMMAND`)", field="op_mod")
    if kind == "pds":
        raise CliError(f"{printable(args.device)} is a pds device: watch only re-sends "
                       f"reads, and {PDS_WHY}: send a pds operation once with `fwctl-tui "
                       "send` instead", EXIT_USAGE, device_type=kind)
    _refuse_write(plugin_for(kind), args.device, args.command)


def driver_watcher(args: argparse.Namespace, kind: str, device: Connection,
                   clock: Callable[[], float]) -> DriverWatcher:
    """The watcher of a `kind` read on the opened `device` (check_request first)."""
    check_request(args, kind)
    plugin = plugin_for(kind)
    if device.entry.device_type not in (kind, "unknown"):
        raise CliError(f"{device.name} is a {device.entry.device_type} device, not {kind}",
                       EXIT_USAGE)
    values = dict(parse_assignments(args.values))
    try:
        built = plugin.build(args.command, values, context_for(plugin, device, args.command))
    except DriverInputError as err:
        raise CliError(err.message, field=err.field) from None
    _refuse_write(plugin, device.name, built.command.name)
    scope = chosen_scope(args.scope, built)
    if scope in TAINTING_SCOPES:
        raise CliError(f"--scope {scope.name} taints the kernel: watch never re-sends at "
                       "a tainting scope", field="scope")
    session = device.session()
    session.listeners.append(lambda ex: plugin.prepare_record(built, ex))
    return DriverWatcher(session, plugin, built, scope, clock=clock)


def _refuse_write(plugin: DriverPlugin, device: str, name: str) -> None:
    try:
        command = plugin.command(name)
    except DriverInputError as err:
        raise CliError(err.message, field="command") from None
    if command.is_write:
        raise CliError(f"{command.name} writes {printable(device)} (a {plugin.type_name} "
                       "device): watch only re-sends reads; use `fwctl-tui send` once "
                       "instead", EXIT_USAGE, device_type=plugin.type_name)


def is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class DriverSample(Sample):
    """A Sample with the plug-in's decoded reply and its non-numeric leaves that moved."""

    reply: dict[str, Any] | None = None
    values: dict[str, Any] = field(default_factory=dict)  # non-numeric leaves
    moved: list[str] = field(default_factory=list)  # non-numeric leaves that changed

    def as_json(self, wanted: Iterable[str] | None = None) -> dict[str, Any]:
        return {**super().as_json(wanted), "reply": self.reply}


class DriverWatcher:
    """Re-sends one plug-in request through a Session and tracks what moved."""

    def __init__(self, session: Session, plugin: DriverPlugin, built: Built, scope: Scope,
                 *, clock: Callable[[], float]) -> None:
        self.session, self.plugin, self.built = session, plugin, built
        self.cmd, self.scope, self.clock = built.command, scope, clock
        self.tracker = RateTracker()
        self.seq = 0
        self._start: float | None = None
        self._values: dict[str, Any] | None = None

    def sample(self) -> DriverSample:
        at = self.clock()
        if self._start is None:
            self._start = at
        self.seq += 1
        ex = self.session.send(self.cmd.name, self.scope, self.built.request,
                               self.built.out_len)
        sample = DriverSample(self.seq, ex.wall_time, at - self._start, ex.duration_ns / 1e6,
                              exchange=ex)
        if ex.errno:
            sample.error = self.plugin.explain(self.built, ex.errno) + (
                f" ({ex.detail})" if ex.detail else "")
            return sample
        sample.reply = self.plugin.decode(self.built, ex.reply or b"")
        said = reply_outcome(sample.reply)  # as send and the TUI word it; a short reply too
        sample.error = None if said == "OK" else said
        if sample.error is None:
            flat = flatten(sample.reply, keep_none=True)
            sample.fields = self.tracker.update(
                {p: v for p, v in flat.items() if is_number(v)}, at)
            sample.values = {p: v for p, v in flat.items() if not is_number(v)}
            if self._values is not None:
                sample.moved = [p for p, v in sample.values.items()
                                if self._values.get(p) != v]
            self._values = sample.values
        return sample


def format_driver_line(sample: Sample, wanted: list[str] | None) -> str:
    """One text line: the first sample's every value, then what moved (deltas, rates)."""
    head = f"#{sample.seq} +{sample.elapsed:.1f}s"
    if sample.error is not None:
        return f"{head} FAILED after {sample.duration_ms:.1f} ms: {printable(sample.error)}"
    assert isinstance(sample, DriverSample)
    if wanted is not None:
        cells = [_cell(p, sample) for p in wanted if p in sample.fields]
    elif sample.seq == 1:
        every = flatten(sample.reply or {}, keep_none=True)
        cells = [f"{p}={printable(str(v))}" for p, v in every.items() if p != "problems"]
    else:
        cells = [_cell(p, sample) for p, c in sample.fields.items() if c.changed]
        cells += [f"{p}={printable(str(sample.values[p]))}" for p in sample.moved]
    return f"{head} " + ("  ".join(cells) if cells else "no change")


def _cell(path: str, sample: Sample) -> str:
    change = sample.fields[path]
    text = f"{path}={change.value}"
    if change.reset:
        return text + " (reset)"
    if change.delta is None:
        return text
    rate = f", {change.rate:.1f}/s" if change.rate is not None else ""
    return f"{text} (+{change.delta}{rate})"

"""`fwctl-tui watch DEVICE COMMAND [FIELD=VALUE ...]`: re-send a read every --interval seconds.

Each sample prints one line (or, with --json, one JSON object per line) with every field
that moved: value, delta since the previous sample and per-second rate; `--fields a,b`
picks fields (a leaf's own name is enough) and prints them every time. `--count N` stops
after N samples; Ctrl-C stops at once, cleanly, with a summary (total change and mean rate
per field; with --json one last `{"summary": ...}` line). Only commands that change
nothing are watched: a write or a clear-on-read re-sent every second is never what you
meant. Every sample is an ordinary RPC: `--capture FILE` records the session.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from fwctl_tui import policy
from fwctl_tui.cli import EXIT_DEVICE, EXIT_OK, CliError, add_json_flag, open_connection
from fwctl_tui.cli.catalogue import find_command, parse_assignments, parse_op_mod_arg
from fwctl_tui.cli.other_types import is_other_type
from fwctl_tui.cli.rpc_options import scope_option
from fwctl_tui.clock import Clock
from fwctl_tui.connect import Connection, device_type_hint
from fwctl_tui.decoders import EncodeError, changes_device_state, encode_input, reply_buffer_size
from fwctl_tui.mbox_header import OP_MOD
from fwctl_tui.monitor.sampling import RateTracker, Sample, Watcher
from fwctl_tui.session import Session
from fwctl_tui.textsafe import printable
from fwctl_tui.uapi import Scope

MIN_INTERVAL_S = 0.0
LineFormat = Callable[[Sample, "list[str] | None"], str]


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class Sampler(Protocol):
    """What the loop drives: the mlx5 Watcher, or a plug-in's (cli/driver_watch.py)."""

    @property
    def session(self) -> Session: ...
    @property
    def cmd(self) -> _Named: ...
    @property
    def seq(self) -> int: ...
    @property
    def tracker(self) -> RateTracker: ...
    def sample(self) -> Sample: ...


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "watch", help="re-send a read every N seconds: values, deltas and rates",
        description="Re-send COMMAND to DEVICE every --interval seconds and print what "
                    "changed: value, delta and per-second rate. Ctrl-C ends with a summary.")
    p.add_argument("device", metavar="DEVICE")
    p.add_argument("command", metavar="COMMAND", help="name, ACCESS_REG:REGISTER, or opcode")
    p.add_argument("values", nargs="*", metavar="FIELD=VALUE")
    p.add_argument("--op-mod", help="variant (number or name); same as op_mod=...")
    p.add_argument("--scope", help="scope name or 0-3 (default: least the kernel accepts)")
    p.add_argument("--interval", type=float, default=1.0, metavar="S",
                   help="seconds between samples (default 1)")
    p.add_argument("--count", type=int, metavar="N", help="stop after N samples")
    p.add_argument("--fields", metavar="A,B", help="only these fields (full path or leaf name)")
    p.add_argument("--capture", metavar="FILE", help="append every sample's RPC to a capture")
    p.add_argument("--scenario", metavar="NAME",
                   help="sim: devices: play a fault story (link-flap, fec-degrading, "
                        "module-overheat, remote-fault, none)")
    add_json_flag(p)
    p.set_defaults(handler=cmd_watch)


def cmd_watch(args: argparse.Namespace) -> int:
    if args.interval < MIN_INTERVAL_S or args.interval != args.interval:
        raise CliError(f"--interval {args.interval}: give seconds >= 0", field="interval")
    if args.count is not None and args.count < 1:
        raise CliError(f"--count {args.count}: give 1 or more samples", field="count")
    kind = device_type_hint(args.device, getattr(args, "root", None))
    if is_other_type(kind):  # cxl, bnxt (pds refused): their plug-in builds and decodes
        assert kind is not None
        return _watch_other(args, kind)
    cmd = find_command(args.command)
    op_mod = parse_op_mod_arg(cmd, args.op_mod)
    try:
        request = encode_input(cmd, parse_assignments(args.values), op_mod=op_mod)
    except EncodeError as err:
        raise CliError(err.message, field=err.field) from None
    if changes_device_state(cmd, request):
        raise CliError(f"{cmd.name} with these values changes the device (a write or a "
                       "clear-on-read): watch only re-sends reads; use `send` once instead")
    if args.scenario is not None:
        from fwctl_tui.cli.sim import start_scenario

        scenario = None if args.scenario == "none" else args.scenario
        start_scenario(args.sim_hosts, args.device, scenario)
    conn = open_connection(args, args.device)
    if is_other_type(conn.entry.device_type):  # FWCTL_INFO tells what sysfs did not
        return _watch_other(args, conn.entry.device_type, conn)
    with conn:
        scope = _scope(args.scope, cmd.opcode, OP_MOD.get(request, 0), conn.kernel_state())
        session = conn.session()
        if args.capture:
            record_to(session, conn, Path(args.capture))
        watcher = Watcher(session, cmd, request, scope,
                          reply_buffer_size(cmd, request, op_mod), clock=seconds(args.clock))
        return run_loop(args, watcher)


def _watch_other(args: argparse.Namespace, kind: str, conn: Connection | None = None) -> int:
    """A cxl/bnxt read through its plug-in (cli/driver_watch.py), on `conn` or opened here."""
    from fwctl_tui.cli.driver_watch import check_request, driver_watcher, format_driver_line

    if conn is None:
        if args.scenario is not None:  # (says why scenarios do not apply to cxl/pds)
            from fwctl_tui.cli.sim import start_scenario

            start_scenario(args.sim_hosts, args.device,
                           None if args.scenario == "none" else args.scenario)
        check_request(args, kind)  # refused before the device opens
        conn = open_connection(args, args.device)
    with conn:
        watcher = driver_watcher(args, kind, conn, seconds(args.clock))
        if args.capture:
            record_to(watcher.session, conn, Path(args.capture))
        return run_loop(args, watcher, line=format_driver_line)


def seconds(clock: Clock) -> Callable[[], float]:
    """The run's monotonic clock in seconds, as the sampler and the loop's cadence count."""
    return lambda: clock.monotonic_ns() / 1e9


def record_to(session: Session, conn: Connection, path: Path) -> None:
    """Append every RPC of the session to the capture at `path` (shared with `link`)."""
    from fwctl_tui.captures import CaptureError, open_recorder

    try:
        recorder = open_recorder(path, conn.entry, conn.kernel_state())
    except (OSError, CaptureError) as err:
        raise CliError(f"cannot record to {printable(str(path))}: {err}",
                       field="capture") from None
    session.listeners.append(recorder.record)


def _scope(text: str | None, opcode: int, op_mod: int, state: Any) -> Scope:
    scope = scope_option(text)
    if scope is None:
        scope = policy.least_scope(opcode, op_mod, state)
        if scope is None:
            raise CliError("the running kernel does not allow this command at any scope",
                           EXIT_DEVICE)
    if policy.preview(opcode, op_mod, scope, state).taints:
        raise CliError(f"--scope {scope.name} taints the kernel: watch never re-sends at a "
                       "tainting scope", field="scope")
    return scope


def run_loop(args: argparse.Namespace, watcher: Sampler, line: LineFormat | None = None) -> int:
    """Sample on a fixed cadence of the run's clock until --count or Ctrl-C; then the
    summary."""
    wanted: list[str] | None = None
    failures = 0
    now = seconds(args.clock)
    start = now()
    try:
        while args.count is None or watcher.seq < args.count:
            if watcher.seq:
                args.clock.sleep(max(0.0, start + watcher.seq * args.interval - now()))
            sample = watcher.sample()
            failures += sample.error is not None
            if wanted is None and args.fields and sample.fields:
                wanted = resolve_fields(args.fields, list(sample.fields))
            emit(args, watcher, sample, wanted, line or format_line)
    except KeyboardInterrupt:
        summary(args, watcher, wanted, failures, interrupted=True)
        return EXIT_OK
    if not args.json:
        summary(args, watcher, wanted, failures, interrupted=False)
    return EXIT_DEVICE if failures == watcher.seq else EXIT_OK


def resolve_fields(spec: str, paths: list[str]) -> list[str]:
    """--fields names -> reply paths (exact path, or a unique leaf name / path suffix)."""
    out: list[str] = []
    for name in (n.strip() for n in spec.split(",") if n.strip()):
        matches = [p for p in paths if p == name or p.endswith("." + name)]
        if len(matches) != 1:
            close = [p.rsplit(".", 1)[-1] for p in paths if name.lower() in p.lower()][:6]
            why = "matches several fields" if matches else "is not a numeric field of the reply"
            raise CliError(f"--fields: {printable(name)!r} {why}"
                           + (f"; try {', '.join(close)}" if close else ""), field="fields")
        out.append(matches[0])
    return out


def emit(args: argparse.Namespace, watcher: Sampler, sample: Sample,
         wanted: list[str] | None, line: LineFormat) -> None:
    if args.json:
        doc = {"device": watcher.session.device_name, "command": watcher.cmd.name,
               **sample.as_json(wanted)}
        sys.stdout.write(json.dumps(doc) + "\n")
    else:
        sys.stdout.write(line(sample, wanted) + "\n")
    sys.stdout.flush()


def format_line(sample: Sample, wanted: list[str] | None) -> str:
    head = f"#{sample.seq} +{sample.elapsed:.1f}s"
    if sample.error is not None:
        return f"{head} FAILED after {sample.duration_ms:.1f} ms: {printable(sample.error)}"
    if wanted is None:
        moved = [p for p, c in sample.fields.items() if c.changed]
        if sample.seq == 1:
            return f"{head} {len(sample.fields)} fields (changes and rates from the next sample)"
        paths = moved
    else:
        paths = wanted
    if not paths:
        return f"{head} no change"
    return f"{head} " + "  ".join(_cell(p, sample) for p in paths)


def _cell(path: str, sample: Sample) -> str:
    change = sample.fields[path]
    text = f"{path.rsplit('.', 1)[-1]}={change.value}"
    if change.reset:
        text += " (reset)"
    elif change.delta is not None:
        text += f" (+{change.delta}" + (f", {change.rate:.1f}/s" if change.rate is not None
                                        else "") + ")"
    return text


def summary(args: argparse.Namespace, watcher: Sampler, wanted: list[str] | None,
            failures: int, *, interrupted: bool) -> None:
    totals = _totals(watcher.tracker, wanted)
    if args.json:
        doc = {"summary": {"samples": watcher.seq, "failed": failures,
                           "interrupted": interrupted,
                           "fields": {p: {"change": d, "mean_rate": None if r is None
                                          else round(r, 3)} for p, (d, r) in totals.items()}}}
        sys.stdout.write(json.dumps(doc) + "\n")
        return
    ended = "stopped (Ctrl-C)" if interrupted else "done"
    lines = [f"{ended}: {watcher.seq} samples, {failures} failed"]
    lines += [f"  {p}: {d:+d}" + (f" ({r:.1f}/s)" if r is not None else "")
              for p, (d, r) in totals.items()]
    sys.stdout.write("\n".join(lines) + "\n")


def _totals(tracker: RateTracker, wanted: list[str] | None) -> dict[str, tuple[int, float | None]]:
    totals = tracker.totals()
    return totals if wanted is None else {p: totals[p] for p in wanted if p in totals}

"""`send` for the non-mlx5 device types: the plug-in builds, previews, explains, decodes.

cli/send.py calls send_other() when the DEVICE is a cxl, pds or bnxt device; the same
options apply (--scope, --yes, --out-len, --capture, --json). CXL Set/Get Feature first
read the device's supported-features list (read-only, scope 0, not recorded) so the
preview states the scope the feature's effects need and the kernel's verdict
(policy.driver_verdict: the rules the emulator executes); pds commands may name the device's
saved entries (`fwctl-tui pds-entries`).
"""

from __future__ import annotations

import argparse
import errno
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fwctl_tui import policy
from fwctl_tui.cli import EXIT_DEVICE, EXIT_OK, CliError, open_connection, print_json
from fwctl_tui.cli.catalogue import parse_assignments
from fwctl_tui.cli.recording import exit_code, recording
from fwctl_tui.cli.rpc_options import out_len_option, scope_option
from fwctl_tui.cli.send_preview import CANCELLED, is_terminal
from fwctl_tui.connect import Connection
from fwctl_tui.drivers import Built, DriverInputError, DriverPlugin, plugin_for
from fwctl_tui.drivers.flow import DeviceContext, device_context
from fwctl_tui.drivers.pds_entries import EntryError
from fwctl_tui.drivers.records import reply_outcome
from fwctl_tui.exchange import Exchange
from fwctl_tui.exchange_json import exchange_json
from fwctl_tui.kernel_rules.core import Verdict
from fwctl_tui.textsafe import printable
from fwctl_tui.uapi import TAINTING_SCOPES, Scope


def send_other(args: argparse.Namespace, type_name: str) -> int:
    """One RPC to a cxl/pds/bnxt device; exit 0 ok, 1 errno or firmware error, 2 bad input."""
    plugin = plugin_for(type_name)
    values = dict(parse_assignments(args.values))
    with open_connection(args, args.device) as conn:
        if conn.entry.device_type not in (type_name, "unknown"):
            raise CliError(f"{conn.name} is a {conn.entry.device_type} device, not {type_name}",
                           EXIT_DEVICE)
        context = context_for(plugin, conn, args.command)
        try:
            built = plugin.build(args.command, values, context)
        except DriverInputError as err:
            raise CliError(err.message, field=err.field) from None
        scope = chosen_scope(args.scope, built)
        out_len = out_len_option(args.out_len)
        if out_len is None:
            out_len = built.out_len
        verdict = policy.driver_verdict(plugin.type_name, built.request, out_len, scope,
                                        conn.kernel_state(), context)
        preview = {"command": built.command.name, "scope": scope.name,
                   "least_scope": built.scope.name, "taints": verdict.taints,
                   **_kernel_answer(plugin.type_name, verdict), **built.facts}
        if getattr(args, "dry_run", False):
            return _dry_run(args, built, preview)
        _confirm(args, built, scope, preview)
        session = conn.session()
        session.listeners.append(lambda ex: plugin.prepare_record(built, ex))
        with recording(session, conn, args.capture) as unrecorded:
            exchange = session.send(built.command.name, scope, built.request, out_len)
        code = _report(args, plugin, built, exchange, preview)
    return exit_code(code, unrecorded)


def _dry_run(args: argparse.Namespace, built: Built, preview: dict[str, Any]) -> int:
    """--dry-run: what would be sent, and nothing is (as for an mlx5 command)."""
    if args.json:
        print_json({"dry_run": True, "preview": preview, "request": built.request.hex()})
    else:
        for key, value in preview.items():
            sys.stdout.write(f"{key}: {printable(str(value))}\n")
        sys.stdout.write(f"request: {built.request.hex()}\ndry run: nothing was sent\n")
    return EXIT_OK


def _confirm(args: argparse.Namespace, built: Built, scope: Scope,
             preview: dict[str, Any]) -> None:
    """A tainting scope needs --yes; a command that changes the device needs --yes or a
    y on a terminal, at any scope (the rule `send` follows for mlx5 commands)."""
    name = built.command.name
    if args.yes:
        return
    if scope in TAINTING_SCOPES:
        raise CliError(f"{name} at {scope.name} taints the kernel (TAINT_FWCTL) and can "
                       "change the device; add --yes to send it. "
                       f"Rule: {built.facts.get('scope_rule', built.command.scope_rule)}",
                       scope=scope.name, preview=preview)
    if not built.command.is_write:
        return
    if not is_terminal(sys.stdin):
        raise CliError(f"{name} changes the device; not sent. stdin is not a terminal, so "
                       "nothing can ask: re-run with --yes to send it, or --dry-run to see "
                       "the preview.", scope=scope.name, preview=preview)
    sys.stderr.write(f"Send {name} at {scope.name}: it changes the device. [y/N] ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise CliError(CANCELLED, scope=scope.name, cancelled=True)


def _kernel_answer(type_name: str, verdict: Verdict) -> dict[str, Any]:
    """The preview's `accepted` (null: not predicted) and `verdict`, in words."""
    if verdict.refusal is not None:
        name = errno.errorcode.get(verdict.refusal.errno, str(verdict.refusal.errno))
        return {"accepted": False, "verdict": f"refused: {name}: {verdict.refusal.reason}"}
    if verdict.unknown is not None:
        return {"accepted": None, "verdict": f"not predicted: {verdict.unknown.reason}"}
    if type_name not in ("cxl", "pds"):
        return {"accepted": None, "verdict": f"the fwctl core accepts it; the {type_name} "
                "driver's own rules are not modelled"}
    return {"accepted": True, "verdict": "accepted"}


def context_for(plugin: DriverPlugin, conn: Connection, command: str) -> DeviceContext:
    """What build() needs from the device (shared with `watch`); bad entries are input."""
    try:
        return device_context(plugin, conn.name, conn.device, command)
    except EntryError as err:
        raise CliError(str(err)) from None


def chosen_scope(text: str | None, built: Built) -> Scope:
    """--scope as given, else the least the driver accepts for this request."""
    chosen = scope_option(text)
    return built.scope if chosen is None else chosen


def _report(args: argparse.Namespace, plugin: DriverPlugin, built: Built, ex: Exchange,
            preview: dict[str, Any]) -> int:
    """JSON: the exchange schema (exchange_json, `reply` the plug-in's decode) plus the
    `preview`; an errno raises with the same object and its `error`."""
    if ex.errno:
        error = plugin.explain(built, ex.errno)
        if ex.detail:
            error += f" ({ex.detail})"
        raise CliError(error, EXIT_DEVICE, **exchange_json(ex, None), preview=preview)
    assert ex.reply is not None
    decoded = plugin.decode(built, ex.reply)
    failed = bool(decoded.get("retval")) or bool(decoded.get("error_code"))
    if args.json:
        print_json({**exchange_json(ex, decoded), "preview": preview})
    else:
        _print_human(plugin, ex, decoded)
    return EXIT_DEVICE if failed else EXIT_OK


def _print_human(plugin: DriverPlugin, ex: Exchange, decoded: dict[str, Any]) -> None:
    console = Console(highlight=False, soft_wrap=True)
    table = Table.grid(padding=(0, 2))
    for key, value in (("device", ex.device), ("type", plugin.type_name),
                       ("command", ex.command), ("scope", ex.scope.name)):
        table.add_row(Text(key), Text(printable(value)))
    table.add_row(Text("reply"), Text(f"{ex.out_len} B in {ex.duration_ns / 1e6:.2f} ms"))
    table.add_row(Text("outcome"), Text(reply_outcome(decoded)))  # as the TUI words it
    console.print(table)
    _print_value(console, decoded, "")


def _print_value(console: Console, value: Any, indent: str) -> None:
    """Nested dicts and lists as indented `key: value` lines (device text escaped)."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        label = f"[{key}]" if isinstance(key, int) else str(key)
        if isinstance(item, dict | list) and item:
            console.print(Text(f"{indent}{label}:"))
            _print_value(console, item, indent + "  ")
        elif isinstance(item, dict | list):
            continue
        else:
            console.print(Text(f"{indent}{label}: {printable(str(item))}"))

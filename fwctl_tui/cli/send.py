"""`send DEVICE COMMAND [field=value ...]`: one RPC from the shell, previewed like the TUI.

The input is built by the encoder, the scope defaults to the least one this kernel's
driver accepts, and policy.preview() decides whether the user must say --yes (a tainting
scope). The reply is decoded with status and syndrome explained.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fwctl_tui import policy
from fwctl_tui.capture_analysis.replay import answered_text
from fwctl_tui.cli import (
    EXIT_DEVICE,
    EXIT_OK,
    CliError,
    add_json_flag,
    open_connection,
    print_json,
)
from fwctl_tui.cli.catalogue import find_command, parse_assignments, parse_op_mod_arg
from fwctl_tui.cli.driver_send import send_other
from fwctl_tui.cli.recording import exit_code, recording
from fwctl_tui.cli.reply_table import print_tree
from fwctl_tui.cli.rpc_options import out_len_option, scope_option
from fwctl_tui.cli.send_preview import CANCELLED, SendPlan, confirm, is_terminal, print_preview
from fwctl_tui.connect import Connection, device_type_hint, not_mlx5
from fwctl_tui.decoders import (
    EncodeError,
    changes_device_state,
    decode_output,
    encode_input,
    reply_buffer_size,
)
from fwctl_tui.decoders.catalogue import Command
from fwctl_tui.decoders.mlx5.status import SyndromeTable
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange
from fwctl_tui.exchange_json import exchange_json
from fwctl_tui.mbox_header import OP_MOD
from fwctl_tui.register_writes import REGISTER_DATA, EnableBits
from fwctl_tui.session import Session
from fwctl_tui.textsafe import printable
from fwctl_tui.uapi import Scope
from fwctl_tui.write_intent import (
    FormWrite,
    RegisterWrite,
    op_mod_named,
    prepare_write,
    resolve_given,
    unread_warning,
    write_only_given,
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "send",
        help="send one command to a device (previewed; writes are confirmed)",
        description="Build COMMAND's input from FIELD=VALUE pairs, preview its cost, send it "
        "and decode the reply. DEVICE: fwctlN, a PCI address, sim:PROFILE[.FUNC], replay:FILE. "
        "A register write reads the register first and changes only the fields given "
        "(read-modify-write, as mlxreg --set). A command that changes the device asks y/N "
        "on a terminal and needs --yes otherwise.",
    )
    p.add_argument("device", metavar="DEVICE")
    p.add_argument("command", metavar="COMMAND", help="name, ACCESS_REG:REGISTER, or opcode")
    p.add_argument("values", nargs="*", metavar="FIELD=VALUE")
    p.add_argument("--op-mod", help="variant (number or name); same as op_mod=...")
    p.add_argument("--get", action="store_true",
                   help="registers: read (op_mod=read), as mlxreg --get")
    p.add_argument("--set", dest="set_values", nargs="?", const="", metavar="FIELD=VALUE,...",
                   help="registers: write (op_mod=write) the fields given here or as "
                        "FIELD=VALUE, read-modify-write as mlxreg --set")
    p.add_argument("--write", action="store_true", help="registers: write; same as --set")
    p.add_argument("--indexes", metavar="FIELD=VALUE,...",
                   help="mlxreg spelling for the INDEX fields (same as FIELD=VALUE)")
    p.add_argument("--scope", help="scope name or 0-3 (default: least the kernel accepts)")
    p.add_argument("--yes", action="store_true",
                   help="confirm without asking: a device-changing command, a tainting scope")
    p.add_argument("--dry-run", action="store_true",
                   help="print the preview (scope, verdict, taint, bytes, changes); send nothing")
    p.add_argument("--example", action="store_true",
                   help="fill fields not given with values that work on this device (objects "
                        "that exist, port 1, selectors that fit)")
    p.add_argument("--out-len", metavar="BYTES",
                   help="reply buffer size, 0..2^32-1 (default: the reply layout); sizes the "
                        "kernel refuses are still sent, so its errno shows")
    p.add_argument("--capture", metavar="FILE", help="append this RPC to a capture file")
    add_json_flag(p)
    p.set_defaults(handler=cmd_send)


def cmd_send(args: argparse.Namespace) -> int:
    """Every failure carries `errno` (null unless the kernel answered) and `error`."""
    try:
        return _send(args)
    except CliError as err:
        err.extra.setdefault("errno", None)
        raise


def _send(args: argparse.Namespace) -> int:
    kind = device_type_hint(args.device, getattr(args, "root", None))
    if kind not in (None, "mlx5"):  # cxl, pds, bnxt: their plug-in builds and decodes
        return send_other(args, kind)
    out_len = out_len_option(args.out_len)
    cmd = find_command(args.command)
    values: dict[str, Any] = dict(parse_assignments(
        [*args.values, *_split_list(args.indexes, "--indexes"),
         *_split_list(args.set_values, "--set")]))
    op_mod = _chosen_variant(args, cmd, values)
    with open_connection(args, args.device) as conn:
        _refuse_other_command_sets(not_mlx5(conn.entry))
        notes = _fill_defaults(args, cmd, conn, values)
        given = _given(cmd, values, op_mod)
        _check_variant(cmd, op_mod, given)
        state = conn.kernel_state()
        session = conn.session()
        with recording(session, conn, args.capture) as unrecorded:
            request, write, enable = _build(cmd, op_mod, values, given, session, state)
            op_mod = OP_MOD.get(request, 0)
            scope = _choose_scope(args.scope, cmd, op_mod, state)
            out_cap = out_len if out_len is not None else reply_buffer_size(cmd, request, op_mod)
            preview = policy.preview(  # the lengths as sent: the verdict is the send's
                cmd.opcode, op_mod, scope, state, is_write=changes_device_state(cmd, request),
                in_len=len(request), out_len=out_cap)
            plan = SendPlan(cmd, conn.name, request, preview, write, notes, out_cap)
            if args.dry_run:
                _say_enable_bits(args, enable)
                return _dry_run(args, plan, enable)
            _confirm(args, cmd, plan)
            _say_enable_bits(args, enable)
            exchange = session.send(cmd.name, scope, request, out_cap)
    return exit_code(_report(args, cmd, exchange, enable, conn.syndromes), unrecorded)


def _refuse_other_command_sets(refusal: str | None) -> None:
    """Commands are built from the mlx5 catalogue: never send one to a cxl/pds/bnxt device."""
    if refusal is not None:
        raise CliError(refusal, EXIT_DEVICE)


def _split_list(text: str | None, option: str) -> list[str]:
    """mlxreg's comma-separated FIELD=VALUE list (`--set "admin_status=2,ase=1"`)."""
    if not text:
        return []
    items = [item.strip() for item in text.split(",") if item.strip()]
    for item in items:
        if "=" not in item:
            raise CliError(f"{option}: expected FIELD=VALUE[,FIELD=VALUE...], got {item!r}",
                           field=option.lstrip("-"))
    return items


def _chosen_variant(args: argparse.Namespace, cmd: Command, values: dict[str, Any]) -> int | None:
    """op_mod as the user chose it (--op-mod, op_mod=, --get, --set/--write), or None.

    Two different choices are a usage error, never silently one of them."""
    choices: dict[str, int] = {}
    if args.op_mod is not None:
        choices["--op-mod"] = _op_mod_value(cmd, args.op_mod)
    if "op_mod" in values:
        choices["op_mod="] = _op_mod_value(cmd, values.pop("op_mod"))
    for flag, wanted, name in (("--get", args.get, "read"),
                               ("--set", args.set_values is not None, "write"),
                               ("--write", args.write, "write")):
        if wanted:
            number = op_mod_named(cmd, name)
            if number is None:
                raise CliError(f"{flag}: {cmd.name} has no {name} variant (it is not a "
                               "register access)", field="op_mod")
            choices[flag] = number
    if len(set(choices.values())) > 1:
        said = ", ".join(f"{k} ({cmd.op_mods.get(v, v)})" for k, v in choices.items())
        raise CliError(f"conflicting variants: {said}; choose one", field="op_mod")
    return next(iter(choices.values()), None)


def _op_mod_value(cmd: Command, text: Any) -> int:
    parsed = parse_op_mod_arg(cmd, str(text))
    assert parsed is not None
    return parsed


def _given(cmd: Command, values: dict[str, Any], op_mod: int | None) -> dict[str, Any]:
    try:
        return resolve_given(cmd, values, op_mod)
    except EncodeError as err:
        raise CliError(err.message, field=err.field) from None


def _check_variant(cmd: Command, op_mod: int | None, given: dict[str, Any]) -> None:
    """No silent read: fields only a write uses, given without choosing read or write."""
    if op_mod is not None or cmd.register is None:
        return
    named = [path.removeprefix(REGISTER_DATA) for path in write_only_given(cmd, given)]
    if not named:
        return
    fields = ", ".join(named)
    one = len(named) == 1
    access = "/".join(sorted({cmd.register.access[name] for name in named}))
    raise CliError(
        f"{fields}: only a register write uses {'this field' if one else 'these fields'} "
        f"({access}), but neither read nor write was chosen, so this would be a read that "
        f"ignores {'it' if one else 'them'} and changes nothing. To write: add --set (or "
        f"--write, op_mod=write). To read: add --get, or leave out {fields}.",
        field=named[0], fields=named)


def _fill_defaults(args: argparse.Namespace, cmd: Command, conn: Connection,
                   values: dict[str, Any]) -> dict[str, str]:
    """Defaults for fields not given: selectors that fit the device (PTYS proto_mask)
    always, with --example also objects that exist and port 1. Returns path -> note."""
    from fwctl_tui.object_hints import hints_for, selector_defaults

    if args.example:
        hints = hints_for(cmd, conn, [])
        defaults, why = hints.values, hints.why
        if hints.note and not args.json:
            sys.stderr.write(f"fwctl-tui: note: {hints.note}\n")
    else:
        ethernet = bool(conn.entry.netdevs) or conn.kind != "live"
        defaults = {path: value for path, value in selector_defaults(cmd, ethernet).items()
                    if not path.endswith(".local_port")}
        why = dict.fromkeys(defaults, "not given: the value that fits this device")
    try:
        named = set(resolve_given(cmd, values, None)) if values else set()
    except EncodeError:
        named = set()  # the encoder names the bad field when the request is built
    notes: dict[str, str] = {}
    for path, value in defaults.items():
        if path in named or path in values or path.rsplit(".", 1)[-1] in values:
            continue
        values[path] = value
        notes[path] = f"{value} ({why.get(path, 'default')})"
    if not args.json:
        for path, text in notes.items():
            sys.stderr.write(f"fwctl-tui: note: {path.removeprefix(REGISTER_DATA)}={text}\n")
    return notes


def _build(cmd: Command, op_mod: int | None, values: dict[str, Any], given: dict[str, Any],
           session: Session, state: Any) -> tuple[bytes, RegisterWrite | None, EnableBits]:
    """The request bytes; a register write is read-modify-write (write_intent)."""
    try:
        if cmd.register is not None and op_mod is not None and cmd.is_write(op_mod):
            write = prepare_write(session, state, cmd, op_mod, FormWrite(given, given))
            warnings = list(write.warnings)
            if write.read_problem:
                warnings.append(unread_warning(write.read_problem))
            return write.request, write, EnableBits(write.values, write.auto_set, warnings)
        request = encode_input(cmd, values, op_mod=op_mod)
    except EncodeError as err:
        raise CliError(err.message, field=err.field) from None
    warnings = []
    ignored = [p.removeprefix(REGISTER_DATA) for p in write_only_given(cmd, given)]
    if ignored and not cmd.is_write(OP_MOD.get(request, 0)):
        warnings.append(f"a read ignores {', '.join(ignored)} (only a write uses it); "
                        "this changes nothing")
    return request, None, EnableBits(values, {}, warnings)


def _dry_run(args: argparse.Namespace, plan: SendPlan, enable: EnableBits) -> int:
    if args.json:
        print_json({"dry_run": True, **plan.as_json(), "auto_set": enable.auto_set,
                    "warnings": enable.warnings, "defaults": plan.notes})
    else:
        print_preview(plan, sys.stdout)
        sys.stdout.write("dry run: nothing was sent\n")
    return EXIT_OK


def _confirm(args: argparse.Namespace, cmd: Command, plan: SendPlan) -> None:
    """Tainting scopes need --yes; device-changing commands --yes or a y on a terminal."""
    preview = plan.preview
    if preview.taints and not args.yes:
        raise CliError(_refusal_text(cmd, preview), scope=preview.scope.name,
                       preview=dict(preview.facts()))
    if not preview.is_write or confirm(plan, yes=args.yes):
        return
    if not is_terminal(sys.stdin):
        raise CliError(
            f"{cmd.name} changes the device; not sent. stdin is not a terminal, so nothing "
            "can ask: re-run with --yes to send it, or --dry-run to see the preview.",
            scope=preview.scope.name, preview=plan.as_json())
    raise CliError(CANCELLED, scope=preview.scope.name, cancelled=True)


def _say_enable_bits(args: argparse.Namespace, enable: EnableBits) -> None:
    """Warnings always go to stderr; what was set for the user is a note in human mode
    (with --json it is the `auto_set` field)."""
    for warning in enable.warnings:
        sys.stderr.write(f"fwctl-tui: warning: {warning}\n")
    if not args.json:
        for why in enable.auto_set.values():
            sys.stderr.write(f"fwctl-tui: note: {why}\n")


def _choose_scope(text: str | None, cmd: Command, op_mod: int, state: Any) -> Scope:
    chosen = scope_option(text)
    if chosen is not None:
        return chosen
    least = policy.least_scope(cmd.opcode, op_mod, state)
    if least is None:
        raise CliError(
            f"the running kernel ({state.release}) does not allow {cmd.name} at any scope "
            f"(first allowed in {cmd.since}); pass --scope to send it anyway and see the errno",
            EXIT_DEVICE,
        )
    return least


def _refusal_text(cmd: Command, preview: policy.Preview) -> str:
    rows = "\n".join(f"  {label}: {text}" for label, text in preview.facts())
    return (
        f"{cmd.name} at {preview.scope.name} taints the kernel; not sent.\n{rows}\n"
        "Re-run with --yes to accept this."
    )


def _report(args: argparse.Namespace, cmd: Command, ex: Exchange, enable: EnableBits,
            syndromes: SyndromeTable | None) -> int:
    """Print the outcome; JSON is the exchange schema (exchange_json) plus `auto_set`
    (enable-bit path -> why it was set for you) and `warnings`: always on success, on an
    errno only when there is something to say, which then also carries `error`."""
    extra: dict[str, Any] = {"auto_set": enable.auto_set, "warnings": enable.warnings}
    if ex.errno:
        why = explain(ex.errno)
        error = f"{why.name}: {why.meaning} {why.action}".strip()
        if ex.detail:
            error += f" ({ex.detail})"
        if args.json:
            print_json({**exchange_json(ex, None, syndromes), "error": error,
                        **(extra if enable.auto_set or enable.warnings else {})})
        else:
            sys.stderr.write(f"fwctl-tui: {cmd.name} failed: {printable(error)}\n")
        return EXIT_DEVICE
    assert ex.reply is not None
    root = decode_output(cmd, ex.reply, ex.request)
    if args.json:
        print_json({**exchange_json(ex, root, syndromes), **extra})
    else:
        _print_summary(ex, cmd)
        print_tree(root, cmd, is_reply=True, syndromes=syndromes)
    return EXIT_OK if (ex.status or 0) == 0 else EXIT_DEVICE


def _print_summary(ex: Exchange, cmd: Command) -> None:
    table = Table.grid(padding=(0, 2))
    table.add_row(Text("device"), Text(printable(ex.device)))
    table.add_row(Text("command"), Text(f"{cmd.name} ({cmd.opcode:#06x}, op_mod {ex.op_mod})"))
    table.add_row(Text("scope"), Text(f"{ex.scope.name} ({int(ex.scope)})"))
    table.add_row(Text("reply"), Text(f"{ex.out_len} B in {ex.duration_ns / 1e6:.2f} ms"
                                      + (" (TRUNCATED)" if ex.truncated else "")))
    answered = answered_text(ex)
    if answered:  # a replay device: which recorded answer this is
        table.add_row(Text("answered"), Text(f"by {printable(answered)}"))
    Console(file=sys.stdout, highlight=False).print(table)

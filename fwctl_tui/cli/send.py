"""`send DEVICE COMMAND [field=value ...]`: one RPC from the shell, previewed like the TUI.

The input is built by the encoder, the scope defaults to the least one this kernel's
driver accepts, and policy.preview() decides whether the user must say --yes (a tainting
scope). The reply is decoded with status and syndrome explained.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fwctl_tui import policy
from fwctl_tui.captures.replay import ANSWERED, answered_text
from fwctl_tui.cli import (
    EXIT_DEVICE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_json_flag,
    open_connection,
    print_json,
)
from fwctl_tui.cli.catalogue import find_command, parse_assignments, parse_op_mod_arg
from fwctl_tui.cli.reply_table import print_tree
from fwctl_tui.connect import Connection, command_set_refusal, unsupported_command_set
from fwctl_tui.decoders import (
    EncodeError,
    changes_device_state,
    decode_input,
    decode_output,
    encode_input,
    iter_leaves,
    reply_buffer_size,
)
from fwctl_tui.decoders.catalogue import Command
from fwctl_tui.decoders.mlx5.status import status_report
from fwctl_tui.decoders.present import present
from fwctl_tui.decoders.present_json import view_json
from fwctl_tui.decoders.values import parse_number
from fwctl_tui.errors import explain
from fwctl_tui.exchange import Exchange, mbox_op_mod
from fwctl_tui.ioctl import U32_MAX
from fwctl_tui.register_writes import REGISTER_DATA, EnableBits, apply_enable_bits
from fwctl_tui.session import Session
from fwctl_tui.textsafe import printable
from fwctl_tui.uapi import Scope, parse_scope


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "send",
        help="send one command to a device (previewed; tainting scopes need --yes)",
        description="Build COMMAND's input from FIELD=VALUE pairs, preview its cost, send it "
        "and decode the reply. DEVICE: fwctlN, a PCI address, sim:PROFILE[.FUNC], replay:FILE.",
    )
    p.add_argument("device", metavar="DEVICE")
    p.add_argument("command", metavar="COMMAND", help="name, ACCESS_REG:REGISTER, or opcode")
    p.add_argument("values", nargs="*", metavar="FIELD=VALUE")
    p.add_argument("--op-mod", help="variant (number or name); same as op_mod=...")
    p.add_argument("--scope", help="scope name or 0-3 (default: least the kernel accepts)")
    p.add_argument("--yes", action="store_true", help="accept a tainting scope's consequences")
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
    _refuse_other_command_sets(command_set_refusal(args.device, getattr(args, "root", None)))
    out_len = _parse_out_len(args.out_len)
    cmd = find_command(args.command)
    op_mod = parse_op_mod_arg(cmd, args.op_mod)
    values: dict[str, Any] = dict(parse_assignments(args.values))
    try:
        request = encode_input(cmd, values, op_mod=op_mod)
        enable = _enable_bits(cmd, values, request)
        if enable.auto_set:
            values.update(dict.fromkeys(enable.auto_set, 1))
            request = encode_input(cmd, values, op_mod=op_mod)
    except EncodeError as err:
        raise CliError(err.message, field=err.field) from None
    _say_enable_bits(args, enable)
    op_mod = mbox_op_mod(request)
    with open_connection(args.device, getattr(args, "root", None)) as conn:
        _refuse_other_command_sets(unsupported_command_set(conn.entry))
        state = conn.kernel_state()
        scope = _choose_scope(args.scope, cmd, op_mod, state)
        preview = policy.preview(
            cmd.opcode, op_mod, scope, state, is_write=changes_device_state(cmd, request)
        )
        if preview.taints and not args.yes:
            raise CliError(_refusal_text(cmd, preview), scope=scope.name, preview=dict(
                preview.facts()))
        out_cap = out_len if out_len is not None else reply_buffer_size(cmd, request, op_mod)
        session = conn.session()
        unrecorded: list[str] = []
        if args.capture:
            _attach_recorder(session, conn, Path(args.capture), unrecorded)
        exchange = session.send(cmd.name, scope, request, out_cap)
    code = _report(args, cmd, exchange, enable)
    for reason in unrecorded:  # the RPC was sent and reported; its record was not kept
        sys.stderr.write(f"fwctl-tui: error: sent, but not recorded: {printable(reason)}\n")
    return EXIT_USAGE if unrecorded and code == EXIT_OK else code


def _refuse_other_command_sets(refusal: str | None) -> None:
    """Commands are built from the mlx5 catalogue: never send one to a cxl/pds/bnxt device."""
    if refusal is not None:
        raise CliError(refusal, EXIT_DEVICE)


def _enable_bits(cmd: Command, values: dict[str, Any], request: bytes) -> EnableBits:
    """Update-enable bits a register write needs (register_writes decides, as in the TUI).

    The fields the user named are found in the encoded request (a leaf's own name is
    enough on the command line), so `admin_status=...` counts as changing
    register_data.admin_status and an explicit `ase=0` is left as given."""
    if cmd.register is None or not cmd.is_write(mbox_op_mod(request)):
        return EnableBits(dict(values), {}, [])
    leaves = {leaf.path: leaf.value for leaf in iter_leaves(decode_input(cmd, request))
              if leaf.path.startswith(REGISTER_DATA)}
    given = {path for path in leaves
             if any(path == key or path.endswith("." + key) for key in values)}
    return apply_enable_bits(cmd.register.name, {p: leaves[p] for p in given},
                             explicit=given)


def _say_enable_bits(args: argparse.Namespace, enable: EnableBits) -> None:
    """Warnings always go to stderr; what was set for the user is a note in human mode
    (with --json it is the `auto_set` field)."""
    for warning in enable.warnings:
        sys.stderr.write(f"fwctl-tui: warning: {warning}\n")
    if not args.json:
        for why in enable.auto_set.values():
            sys.stderr.write(f"fwctl-tui: note: {why}\n")


def _parse_out_len(text: str | None) -> int | None:
    """--out-len as a u32 (decimal or 0x hex). 0 and sizes above 2 MiB are passed on: the
    kernel (or the mlx5 driver, which needs 16) answers EMSGSIZE, and that is shown."""
    if text is None:
        return None
    value = parse_number(text)
    if value is None:
        raise CliError(f"--out-len: {text!r} is not a number of bytes", field="out_len")
    if not 0 <= value <= U32_MAX:
        raise CliError(f"--out-len: {value} is outside 0..{U32_MAX} (out_len is a u32)",
                       field="out_len")
    return value


def _choose_scope(text: str | None, cmd: Command, op_mod: int, state: Any) -> Scope:
    if text is not None:
        try:
            return parse_scope(text)
        except ValueError as err:
            raise CliError(str(err)) from None
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


def _attach_recorder(session: Session, conn: Connection, path: Path,
                     unrecorded: list[str]) -> None:
    """Record to `path`; a record that cannot be written (disk full) is put in
    `unrecorded` instead of raising after the RPC was already sent."""
    from fwctl_tui.captures import CaptureError, open_recorder

    try:
        recorder = open_recorder(path, conn.entry, conn.kernel_state())
    except (OSError, CaptureError) as err:
        raise CliError(f"cannot record to {path}: {err}") from None

    def record(exchange: Exchange) -> None:
        try:
            recorder.record(exchange)
        except CaptureError as err:
            unrecorded.append(str(err))
        finally:
            recorder.close()

    session.listeners.append(record)


def _report(args: argparse.Namespace, cmd: Command, ex: Exchange, enable: EnableBits) -> int:
    """Print the outcome. JSON always carries `auto_set` (enable-bit path -> why it was set
    for you) and `warnings` on success; on an errno only when there is something to say."""
    extra: dict[str, Any] = {"auto_set": enable.auto_set, "warnings": enable.warnings}
    if ex.errno:
        why = explain(ex.errno)
        error = f"{why.name}: {why.meaning} {why.action}".strip()
        if ex.detail:
            error += f" ({ex.detail})"
        if args.json:
            print_json({"device": ex.device, "command": cmd.name, "scope": ex.scope.name,
                        "errno": ex.errno, "errno_name": why.name, "error": error,
                        **(extra if enable.auto_set or enable.warnings else {})})
        else:
            sys.stderr.write(f"fwctl-tui: {cmd.name} failed: {printable(error)}\n")
        return EXIT_DEVICE
    assert ex.reply is not None
    root = decode_output(cmd, ex.reply, ex.request)
    status, syndrome = ex.status or 0, ex.syndrome or 0
    if args.json:
        print_json({
            "device": ex.device, "command": cmd.name, "opcode": cmd.opcode, "op_mod": ex.op_mod,
            "scope": ex.scope.name, "scope_value": int(ex.scope), "errno": 0,
            "status": status, "syndrome": syndrome,
            **status_report(status, syndrome, cmd.opcode),
            "out_len": ex.out_len, "truncated": ex.truncated,
            "duration_us": round(ex.duration_ns / 1000, 1), **extra,
            **({"answered_by": ex.meta[ANSWERED]} if ANSWERED in ex.meta else {}),
            "reply": view_json(present(root, is_reply=True)),
        })
    else:
        _print_summary(ex, cmd)
        print_tree(root, cmd, is_reply=True)
    return EXIT_OK if status == 0 else EXIT_DEVICE


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

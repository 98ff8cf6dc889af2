"""`commands`, `describe`, `encode`, `decode`: the catalogue and codec from the shell.

All offline (no device). Bad input raises CliError (exit 2) with a message naming the
field, character or byte; a short buffer, bytes beyond the layout or an opcode outside
the catalogue still prints what could be decoded, then reports and exits 2. Assumptions
that lose nothing (a reply decoded without its request, an unknown register shown raw)
are notes on stderr with exit 0.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fwctl_tui.cli import EXIT_OK, EXIT_USAGE, CliError, add_json_flag, print_json
from fwctl_tui.cli.reply_table import print_tree
from fwctl_tui.decoders import (
    DecodeError,
    EncodeError,
    Node,
    catalogue,
    decode_input,
    decode_output,
    describe_fields,
    encode_input,
    iter_leaves,
    iter_nodes,
    parse_hex,
)
from fwctl_tui.decoders.catalogue import Command
from fwctl_tui.decoders.mlx5.codec import parse_op_mod
from fwctl_tui.decoders.mlx5.context import (
    assumed_without_input,
    register_by_id,
    register_id_of,
)
from fwctl_tui.decoders.present import present
from fwctl_tui.decoders.present_json import view_json
from fwctl_tui.decoders.values import parse_number
from fwctl_tui.drivers.registry import TYPE_NAMES
from fwctl_tui.mbox_header import OP_MOD, OPCODE, REQUEST_SIZE

UNIT_CAPTION = ("unit: as the PRM states it; blank where the PRM gives no unit or scale "
                "(such values are shown raw, never in a guessed unit)")


def register(subparsers: Any) -> None:
    """Add the catalogue subcommands to the top-level parser."""
    p = subparsers.add_parser("commands", help="list a device type's command catalogue")
    p.add_argument("--registers", action="store_true", help="list access registers instead")
    p.add_argument("--search", nargs="+", metavar="WORD",
                   help="ranked search by name, opcode, summary words and fields")
    p.add_argument("--type", choices=TYPE_NAMES, default="mlx5", help="device type (mlx5)")
    add_json_flag(p)
    p.set_defaults(handler=cmd_commands)

    p = subparsers.add_parser("describe", help="show a command's input and output layouts")
    p.add_argument("command", metavar="COMMAND", help="name, ACCESS_REG:REG, or opcode")
    p.add_argument("--op-mod", help="variant to describe (number or name)")
    p.add_argument("--type", choices=TYPE_NAMES, default="mlx5", help="device type (mlx5)")
    add_json_flag(p)
    p.set_defaults(handler=cmd_describe)

    p = subparsers.add_parser("encode", help="build a command's input mailbox as hex")
    p.add_argument("command", metavar="COMMAND")
    p.add_argument("values", nargs="*", metavar="FIELD=VALUE")
    p.add_argument("--op-mod", help="variant (number or name); same as op_mod=...")
    add_json_flag(p)
    p.set_defaults(handler=cmd_encode)

    p = subparsers.add_parser("decode", help="decode an input and/or output mailbox")
    p.add_argument("command", metavar="COMMAND")
    p.add_argument("--in", dest="in_hex", metavar="HEX", help="input mailbox (hex, - for stdin)")
    p.add_argument("--out", dest="out_hex", metavar="HEX", help="output mailbox (hex)")
    add_json_flag(p)
    p.set_defaults(handler=cmd_decode)


# -- helpers -----------------------------------------------------------------------------
def _console() -> Console:
    return Console(file=sys.stdout, highlight=False, soft_wrap=False,
                   width=None if sys.stdout.isatty() else 160)


def find_command(text: str) -> Command:
    """catalogue.find as a CliError (exit 2) with close matches; shared with `send`."""
    try:
        return catalogue.find(text)
    except LookupError as err:
        raise CliError(str(err)) from None


def _scope_row(cmd: Command) -> dict[str, Any]:
    """min_scope: the least scope the kernel accepts for ANY op_mod (the allow-list row's
    min_scope_value; ACCESS_REG's write op_mod 0 is accepted at CONFIGURATION), with the
    per-op_mod rule in min_scope_by_op_mod."""
    by_op = cmd.min_scope_by_op_mod()
    scope = min(by_op.values()) if by_op else cmd.min_scope()
    return {
        "min_scope": scope.name,
        "min_scope_value": int(scope),
        "min_scope_by_op_mod": (None if by_op is None
                                else {str(k): int(v) for k, v in by_op.items()}),
        "taints": cmd.taints(),
    }


def _command_json(cmd: Command) -> dict[str, Any]:
    return {
        "name": cmd.name, "opcode": cmd.opcode, "opcode_hex": f"{cmd.opcode:#06x}",
        "group": cmd.group, **_scope_row(cmd), "since": cmd.since,
        "layout_public": cmd.layout_public, "in_layout": cmd.in_layout,
        "out_layout": cmd.out_layout, "summary": cmd.summary,
        "op_mods": {str(k): v for k, v in cmd.op_mods.items()} or None,
        "is_write": cmd.is_write(), "note": cmd.note,
    }


def _read_hex(text: str, what: str) -> bytes:
    if text == "-":
        text = sys.stdin.read()
    try:
        return parse_hex(text, what)
    except DecodeError as err:
        raise CliError(err.message, position=err.position) from None


def parse_op_mod_arg(cmd: Command, text: str | None) -> int | None:
    """--op-mod text (number or variant name) -> int, or None when not given."""
    if text is None:
        return None
    try:
        return parse_op_mod(cmd, text)
    except EncodeError as err:
        raise CliError(err.message, field=err.field) from None


# -- commands ----------------------------------------------------------------------------
def cmd_commands(args: argparse.Namespace) -> int:
    if args.search:
        from fwctl_tui.cli.search import cmd_search

        return cmd_search(args.search, args.json)
    if getattr(args, "type", "mlx5") != "mlx5":
        from fwctl_tui.cli import driver_catalogue  # the other types' plug-ins, on demand

        return driver_catalogue.list_commands(args, args.type)
    if args.registers:
        return _list_registers(args)
    cmds = catalogue.commands()
    if args.json:
        print_json([_command_json(c) for c in cmds])
        return EXIT_OK
    table = Table(title=Text(f"mlx5 fwctl commands ({len(cmds)})"))
    for col in ("group", "name", "opcode", "min scope", "taints", "since", "layout"):
        table.add_column(col)
    for c in cmds:
        scope = c.min_scope()
        by_op = c.min_scope_by_op_mod()
        shown = (" / ".join(f"{c.op_mods.get(k, k)}: {v.name}" for k, v in by_op.items())
                 if by_op else scope.name)
        table.add_row(Text(c.group), Text(c.name), Text(f"{c.opcode:#06x}"), Text(shown),
                      Text("yes" if c.taints() else ""), Text(c.since),
                      Text("public" if c.layout_public else "raw"))
    _console().print(table)
    return EXIT_OK


def _list_registers(args: argparse.Namespace) -> int:
    regs = catalogue.registers()
    if args.json:
        print_json([{"name": r.name, "id": r.id, "id_hex": f"{r.id:#06x}", "layout": r.layout,
                     "size_bytes": r.size_bits // 8, "index_fields": list(r.index_fields),
                     "pages": [p.field for p in r.pages], "source": r.source,
                     "summary": r.summary} for r in regs])
        return EXIT_OK
    table = Table(title=Text(f"access registers ({len(regs)})"))
    for col in ("name", "id", "bytes", "index fields", "pages"):
        table.add_column(col)
    for r in regs:
        table.add_row(Text(r.name), Text(f"{r.id:#06x}"), Text(str(r.size_bits // 8)),
                      Text(", ".join(r.index_fields)), Text(", ".join(p.field for p in r.pages)))
    _console().print(table)
    return EXIT_OK


def cmd_describe(args: argparse.Namespace) -> int:
    if getattr(args, "type", "mlx5") != "mlx5":
        from fwctl_tui.cli import driver_catalogue

        return driver_catalogue.describe_command(args, args.type)
    cmd = find_command(args.command)
    op_mod = parse_op_mod_arg(cmd, args.op_mod)
    try:
        layouts = {d: describe_fields(cmd, d, op_mod) for d in ("in", "out")}
    except (EncodeError, DecodeError) as err:
        raise CliError(err.message) from None
    undefined = _undefined_op_mod(cmd, op_mod)
    if args.json:
        doc = _command_json(cmd)
        doc["op_mod"] = cmd.default_op_mod if op_mod is None else op_mod
        doc["op_mod_note"] = undefined
        if cmd.register is not None:
            r = cmd.register
            doc["register"] = {"name": r.name, "id": r.id, "layout": r.layout,
                               "index_fields": list(r.index_fields),
                               "pages": [{"field": p.field, "selector": p.selector,
                                          "variants": {str(k): v for k, v in p.variants.items()}}
                                         for p in r.pages]}
        doc["input"] = {"layout": cmd.in_layout, "fields": layouts["in"]}
        doc["output"] = {"layout": cmd.out_layout, "fields": layouts["out"]}
        print_json(doc)
        return EXIT_OK
    console = _console()
    console.print(Text(f"{cmd.name}  {cmd.opcode:#06x}  [{cmd.group}]", style="bold"))
    console.print(Text(cmd.summary))
    scope = _scope_row(cmd)
    by_op = cmd.min_scope_by_op_mod()
    least = (" / ".join(f"{cmd.op_mods.get(k, k)}: {v.name}" for k, v in by_op.items())
             if by_op else scope["min_scope"])
    console.print(Text(f"min scope: {least}  taints: {scope['taints']}  "
                       f"since: {cmd.since}  write: {cmd.is_write(op_mod)}"))
    if cmd.op_mods:
        console.print(Text("op_mod: " + ", ".join(f"{k}={v}" for k, v in cmd.op_mods.items())))
    if undefined:
        console.print(Text(undefined, style="yellow"))
    if cmd.note:
        console.print(Text(cmd.note, style="italic"))
    for direction, title in (("in", cmd.in_layout), ("out", cmd.out_layout)):
        table = Table(title=Text(f"{'input' if direction == 'in' else 'output'}: {title}"),
                      caption=Text(UNIT_CAPTION, style="dim"))
        for col in ("offset", "width", "field", "access", "kind", "unit", "help"):
            table.add_column(col, overflow="fold")  # a path is one long word: never cut it
        for row in layouts[direction]:
            kind = row["kind"]
            if "pages" in row:
                kind += f" by {row['selector']} ({len(row['pages'])} pages)"
            elif "enum" in row:
                kind += " (" + ", ".join(list(row["enum"])[:6]) + ")"
            table.add_row(Text(f"{row['byte_offset']:#x}.{row['bit_offset'] % 8}"),
                          Text(str(row["width"])), Text(row["path"]), Text(row["access"] or ""),
                          Text(kind), Text(row["unit"] or ""), Text(row["doc"] or ""))
        console.print(table)
    return EXIT_OK


def _undefined_op_mod(cmd: Command, op_mod: int | None) -> str | None:
    """A note when --op-mod names no variant the command defines (it is still laid out)."""
    if op_mod is None or not cmd.op_mods or op_mod in cmd.op_mods:
        return None
    known = ", ".join(f"{k}={v}" for k, v in cmd.op_mods.items())
    return (f"op_mod {op_mod} is not a variant {cmd.name} defines ({known}); the layout "
            "below is what such a request would be decoded as")


def parse_assignments(items: list[str]) -> dict[str, str]:
    """FIELD=VALUE arguments -> {field: value}; CliError names a malformed one."""
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CliError(f"expected FIELD=VALUE, got {item!r}")
        if name in values:
            raise CliError(f"field {name} given twice ({name}={values[name]} and "
                           f"{name}={value.strip()}); give it once", field=name)
        values[name] = value.strip()
    return values


def cmd_encode(args: argparse.Namespace) -> int:
    cmd = find_command(args.command)
    op_mod = parse_op_mod_arg(cmd, args.op_mod)
    values = parse_assignments(args.values)
    try:
        data = encode_input(cmd, values, op_mod=op_mod)
    except EncodeError as err:
        raise CliError(err.message, field=err.field) from None
    if args.json:
        print_json({"command": cmd.name, "opcode": cmd.opcode,
                    "op_mod": OP_MOD.read(data),
                    "length": len(data), "hex": data.hex()})
    else:
        sys.stdout.write(data.hex() + "\n")
    return EXIT_OK


def cmd_decode(args: argparse.Namespace) -> int:
    if args.in_hex is None and args.out_hex is None:
        raise CliError("give --in HEX, --out HEX, or both")
    in_ = None if args.in_hex is None else _read_hex(args.in_hex, "--in")
    out = None if args.out_hex is None else _read_hex(args.out_hex, "--out")
    if in_ is not None and len(in_) < REQUEST_SIZE:
        raise CliError(f"--in has {len(in_)} bytes, fewer than the {REQUEST_SIZE}-byte "
                       "mailbox header (opcode, uid, op_mod); give the whole request",
                       position=len(in_))
    problems: list[str] = []
    notes: list[str] = []
    try:
        cmd = catalogue.find(args.command)
    except LookupError as err:
        number = parse_number(args.command)
        if number is None:
            raise CliError(str(err)) from None
        cmd = catalogue.generic_command(number)
        problems.append(f"{err}; decoded the mailbox header and showed the rest raw")
    if in_ is not None:
        problems += _request_mismatch(cmd, in_)
        notes += _unknown_register(cmd, in_)
    elif (assumed := assumed_without_input(cmd)) is not None:
        notes.append(assumed.replace("no request given", "no --in"))
    try:
        if out is not None:
            root = decode_output(cmd, out, in_)
        else:
            assert in_ is not None
            root = decode_input(cmd, in_)
    except DecodeError as err:
        raise CliError(err.message, position=err.position) from None
    data, what = (out, "--out") if out is not None else (in_ or b"", "--in")
    for message in (_missing_message(root, data, what), _trailing_message(root, data, what)):
        if message:
            problems.append(message)
    problems += _count_messages(root, what)
    if args.json:
        print_json(view_json(present(root, is_reply=out is not None)))
    else:
        print_tree(root, cmd, is_reply=out is not None)
    for note in notes:
        sys.stderr.write(f"fwctl-tui: note: {note}\n")
    for problem in problems:
        sys.stderr.write(f"fwctl-tui: {problem}\n")
    return EXIT_USAGE if problems else EXIT_OK


def _request_mismatch(cmd: Command, in_: bytes) -> list[str]:
    """Problems with a request that is not COMMAND's: a bound register mismatch stops the
    decode (exit 2); another opcode is decoded anyway and reported."""
    reg_id = register_id_of(cmd, in_)
    if cmd.register is not None and reg_id is not None and reg_id != cmd.register.id:
        other = register_by_id(reg_id)
        named = f" ({other.name})" if other else " (unknown to the catalogue)"
        instead = f"{cmd.base_name}:{other.name}" if other else cmd.base_name
        raise CliError(f"{cmd.name} is register {cmd.register.name} ({cmd.register.id:#06x}) "
                       f"but --in names register {reg_id:#06x}{named}; decode it as {instead}",
                       field="register_id")
    opcode = OPCODE.get(in_, -1)  # cmd_decode refused an --in shorter than the header
    if opcode != cmd.opcode:
        known = catalogue.generic_command(opcode).name
        return [f"--in is opcode {opcode:#06x} ({known}), not {cmd.name}'s {cmd.opcode:#06x}; "
                f"decoded as {cmd.name} anyway"]
    return []


def _unknown_register(cmd: Command, in_: bytes) -> list[str]:
    reg_id = register_id_of(cmd, in_)
    if reg_id is None or cmd.register is not None or register_by_id(reg_id) is not None:
        return []
    return [f"register id {reg_id:#06x} is unknown to the catalogue: register_data shown raw"]


def _missing_message(root: Node, data: bytes, what: str) -> str | None:
    """A buffer shorter than the layout, even by reserved bytes only: the layout says how
    long the structure is, so a short one is damaged or the wrong structure."""
    first = next((leaf for leaf in iter_leaves(root) if leaf.missing), None)
    if first is not None:
        need = (max(root.width_bits, first.bit_offset + first.width_bits) + 7) // 8
        return (f"{what} has {len(data)} bytes but the layout needs {need}: "
                f"{first.path} (byte {first.bit_offset // 8}) and later fields are missing")
    need = (root.width_bits + 7) // 8
    if len(data) >= need:
        return None
    return (f"{what} has {len(data)} bytes but the layout needs {need}: bytes {len(data)}.."
            f"{need - 1} are missing (reserved in this layout, so no field shows it)")


def _count_messages(root: Node, what: str) -> list[str]:
    """Lists whose count field states more elements than the buffer holds."""
    out = []
    for node in iter_nodes(root):
        stated = node.stated_count
        if stated is not None and stated > len(node.children):
            out.append(f"{what}: {node.path} has {len(node.children)} element(s) in the buffer "
                       f"but its count field says {stated}; the rest are missing")
    return out


def _trailing_message(root: Node, data: bytes, what: str) -> str | None:
    """Bytes after everything the layout covers (its size, lists, raw payloads)."""
    end_bits = root.width_bits
    for leaf in iter_leaves(root):
        if not leaf.missing:
            end_bits = max(end_bits, leaf.bit_offset + leaf.width_bits)
    end = (end_bits + 7) // 8
    extra = len(data) - end
    if extra <= 0:
        return None
    return (f"{what}: {extra} trailing bytes after the layout (from byte {end}) not decoded; "
            "the layout ends there")

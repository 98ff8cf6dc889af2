"""`commands --type T`, `describe --type T COMMAND` for cxl/pds/bnxt, and `pds-entries`.

cli/catalogue.py hands over here when --type names a non-mlx5 type; the rows come from
the type's plug-in (drivers/), so a new type needs no change here.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fwctl_tui.cli import EXIT_OK, CliError, add_json_flag, print_json
from fwctl_tui.drivers import DriverCommand, DriverInputError, plugin_for
from fwctl_tui.drivers.pds_entries import EntryError, import_entries, load_book
from fwctl_tui.textsafe import printable


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "pds-entries", help="list or import the named endpoint/operation entries of a pds device",
        description="fwctl cannot list a pds device's endpoints or operations; name them "
        "in a JSON file ({\"entries\": [{name, endpoint, operation, scope, payload, "
        "response_len, summary}]}) and import it per device. Sample: "
        "fwctl_tui/sim/pds/sample_entries.json (for sim:pds).")
    p.add_argument("device", metavar="DEVICE")
    p.add_argument("--import", dest="source", metavar="FILE", help="merge FILE's entries in")
    add_json_flag(p)
    p.set_defaults(handler=cmd_pds_entries)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def list_commands(args: argparse.Namespace, type_name: str) -> int:
    plugin = plugin_for(type_name)
    rows = list(plugin.commands())
    if args.json:
        print_json([row.as_json() for row in rows])
        return EXIT_OK
    table = Table(title=Text(f"{type_name} fwctl commands ({len(rows)})"))
    for col in ("name", "opcode", "min scope", "taints", "summary"):
        table.add_column(col)
    for row in rows:
        table.add_row(Text(row.name), Text(f"{row.opcode:#06x}" if row.opcode is not None
                                           else "-"), Text(row.min_scope.name),
                      Text("yes" if row.taints else ""), Text(row.summary))
    console = _console()
    console.print(table)
    if plugin.note:
        console.print(Text(plugin.note))
    return EXIT_OK


def describe_command(args: argparse.Namespace, type_name: str) -> int:
    plugin = plugin_for(type_name)
    try:
        row: DriverCommand = plugin.command(args.command)
    except DriverInputError as err:
        raise CliError(err.message) from None
    if args.json:
        print_json({**row.as_json(), "type": type_name, "note": plugin.note or None})
        return EXIT_OK
    console = _console()
    console.print(Text(f"{row.name} ({type_name}): {row.summary}"))
    console.print(Text(f"least scope: {row.min_scope.name}"
                       f"{' (taints the kernel)' if row.taints else ''}"))
    console.print(Text(f"kernel rule: {row.scope_rule}"))
    for field in row.inputs:
        default = "required" if field.default is None else f"default {field.default or '-'}"
        console.print(Text(f"  {field.name}=  {field.doc} ({default})"))
    if plugin.note:
        console.print(Text(plugin.note))
    return EXIT_OK


def cmd_pds_entries(args: argparse.Namespace) -> int:
    from fwctl_tui.drivers.pds import entry_command  # loads the pds wire format

    try:
        if args.source:
            entries, path = import_entries(args.device, Path(args.source))
        else:
            entries, path = load_book(args.device), None
    except EntryError as err:
        raise CliError(str(err)) from None
    if args.json:
        print_json({"device": args.device, "saved_to": str(path) if path else None,
                    "entries": [entry_command(e).as_json() | {
                        "endpoint": e.endpoint, "operation": e.operation,
                        "payload": e.payload, "response_len": e.response_len}
                        for e in entries]})
        return EXIT_OK
    table = Table(title=Text(f"pds entries of {printable(args.device)} ({len(entries)})"))
    for col in ("name", "endpoint", "operation", "scope", "summary"):
        table.add_column(col)
    for e in entries:
        table.add_row(Text(printable(e.name)), Text(f"{e.endpoint:#x}"),
                      Text(f"{e.operation:#x}"), Text(e.scope), Text(printable(e.summary)))
    console = _console()
    console.print(table)
    if path:
        console.print(Text(f"saved to {path}"))
    return EXIT_OK

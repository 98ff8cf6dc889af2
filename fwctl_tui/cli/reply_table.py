"""A decoded mailbox as a human table: what `send` and `decode` print (and what the
replay and diff tables can reuse).

Rows come from the presentation layer (decoders/present.py), so the table reads like the
TUI tree: text, units, joined counters, and a failed reply's header only. The table is
bounded (MAX_TABLE_ROWS rows, MAX_LIST_READ elements read from one list) so a 2 MiB
reply prints at once; `--json` lists every field.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fwctl_tui.decoders import Node
from fwctl_tui.decoders.catalogue import Command
from fwctl_tui.decoders.mlx5.status import (
    SyndromeTable,
    explain_status,
    explain_syndrome,
    status_name,
)
from fwctl_tui.decoders.present import View, iter_rows, meaning, present
from fwctl_tui.textsafe import printable

ZERO_RUN_SHOWN = 4  # zero array elements listed before the rest are folded
MAX_TABLE_ROWS = 500  # the human table's length; --json has every field
MAX_LIST_READ = 8192  # elements of one list the table reads (zero runs fold into a row)


def _console() -> Console:
    return Console(file=sys.stdout, highlight=False, soft_wrap=False,
                   width=None if sys.stdout.isatty() else 160)


def _value_text(view: View) -> str:
    if view.kind == "invalid":
        return "(not valid)"
    value = view.value
    if view.missing or value is None:
        return "(missing)" if view.missing else ""
    if view.kind == "text":
        return f'"{view.shown.text}"'
    if isinstance(value, bytes):
        return value.hex() if len(value) <= 32 else f"{value[:32].hex()}… ({len(value)} B)"
    if isinstance(value, str):
        return value
    return f"{value} ({value:#x})" if value > 9 else str(value)


def print_tree(root: Node, cmd: Command, *, is_reply: bool,
               syndromes: SyndromeTable | None = None) -> None:
    """A decoded mailbox as a rich table (status line first for replies), at most
    MAX_TABLE_ROWS rows: a 2 MiB reply prints in a blink and --json keeps every field.
    A reply whose status is not OK shows its header; the rest is marked not valid.
    `syndromes`: the device's own syndrome table (a simulated one's), if it has one."""
    console = _console()
    if is_reply:
        status = next((c.value for c in root.children if c.name == "status"), None)
        syndrome = next((c.value for c in root.children if c.name == "syndrome"), None)
        if isinstance(status, int):
            console.print(Text(f"status {status_name(status)}: {explain_status(status)}"))
        if isinstance(syndrome, int) and syndrome:
            console.print(Text(explain_syndrome(syndrome, cmd.opcode, syndromes) or ""))
    table = Table(title=Text(f"{cmd.name} {'reply' if is_reply else 'request'}"))
    for col in ("offset", "width", "field", "value", "meaning"):
        table.add_column(col)
    for row in _shown_rows(present(root, is_reply=is_reply)):
        if isinstance(row, str):
            table.add_row(Text(""), Text(""), Text(row, style="dim"), Text(""), Text(""))
            continue
        table.add_row(Text(f"{row.bit_offset // 8:#x}.{row.bit_offset % 8}"),
                      Text(str(row.width_bits)), Text(printable(row.path)),
                      Text(_value_text(row)), Text(meaning(row)))
    console.print(table)


def _shown_rows(view: View) -> Iterator[View | str]:
    """Rows for the human table, with runs of zero array elements folded into one line
    (a MAC list or a sample ring is mostly empty slots), stopping at MAX_TABLE_ROWS."""
    run: list[View] = []
    count = 0
    for row in iter_rows(view, limit=MAX_LIST_READ):
        if row.kind == "more":
            yield from _fold(run)
            yield f"... {row.note}; the table stops here, --json lists every field"
            return
        if row.value == 0 and row.path.endswith("]"):
            run.append(row)
            continue
        for item in (*_fold(run), row):
            count += 1
            if count > MAX_TABLE_ROWS:
                yield (f"... the table stops at {MAX_TABLE_ROWS} rows; --json lists every "
                       "field")
                return
            yield item
        run = []
    yield from _fold(run)


def _fold(run: list[View]) -> Iterator[View | str]:
    if len(run) <= ZERO_RUN_SHOWN:
        yield from run
        return
    yield run[0]
    yield f"... {len(run) - 1} more zero elements up to {run[-1].path}"

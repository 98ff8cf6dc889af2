"""Human and JSON output of capture listings, streamed: a 100k-record capture prints in
seconds and in bounded memory, and nothing a capture holds can drive the terminal.

Every string that comes from a capture (command names, times, summaries, reasons, paths)
passes through textsafe.printable before it is written. Rows are formatted as plain
fixed-width text in batches (a Rich table measures every cell of every row first, which
took minutes and gigabytes at 100k rows); the JSON document is written record by record.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import IO, Any

from rich.console import Console
from rich.text import Text

from fwctl_tui.cli.json_text import dumps_indented
from fwctl_tui.textsafe import printable

BATCH = 1000
COLUMNS = ("seq", "time", "scope", "command", "outcome", "µs", "summary")
_RIGHT = frozenset({"seq", "µs"})


class LineWriter:
    """Writes lines of untrusted text: styled through Rich on a terminal, plain (and
    fast) when piped; control characters always escaped visibly."""

    def __init__(self, console: Console, stream: IO[str] | None = None) -> None:
        self.console = console
        self.stream = stream or sys.stdout
        self.styled = console.is_terminal

    def line(self, text: str, style: str = "") -> None:
        safe = printable(text)
        if self.styled:
            self.console.print(Text(safe, style=style))
        else:
            self.stream.write(safe + "\n")

    def text(self, text: Text) -> None:
        """A Text built by the caller (several styles); its plain content is escaped."""
        safe = printable(text.plain)
        if not self.styled:
            self.stream.write(safe + "\n")
        else:  # styles only where escaping moved nothing (the spans index the plain text)
            self.console.print(text if safe == text.plain else Text(safe))


def write_table(rows: Iterable[tuple[str, ...]], stream: IO[str] | None = None) -> int:
    """Write COLUMNS rows as aligned text; widths come from the heading and the first
    batch (later wider cells push their row, never re-flow the table). Returns rows."""
    out = stream or sys.stdout
    widths: list[int] | None = None
    batch: list[tuple[str, ...]] = []
    count = 0

    def flush() -> None:
        nonlocal widths
        if widths is None:
            widths = [max([len(name), *(len(row[i]) for row in batch)])
                      for i, name in enumerate(COLUMNS)]
            out.write(_format(COLUMNS, widths) + "\n")
        out.write("".join(_format(row, widths) + "\n" for row in batch))
        batch.clear()

    for row in rows:
        batch.append(tuple(printable(cell) for cell in row))
        count += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    return count


def _format(row: tuple[str, ...], widths: list[int]) -> str:
    cells = [cell.rjust(width) if name in _RIGHT else cell.ljust(width)
             for name, cell, width in zip(COLUMNS, row, widths, strict=True)]
    return "  ".join(cells).rstrip()


class JsonListDocument:
    """`{**head, key: [item, ...], **tail}` written as items arrive, laid out as print_json
    would (indent 2), without ever holding the list."""

    def __init__(self, head: dict[str, Any], key: str, stream: IO[str] | None = None) -> None:
        self.out = stream or sys.stdout
        self.first = True
        self.out.write("{\n")
        for name, value in head.items():
            self.out.write(f"  {json.dumps(name)}: {dumps_indented(value, 2)},\n")
        self.out.write(f"  {json.dumps(key)}: [")

    def add(self, item: dict[str, Any]) -> None:
        self.out.write(("\n    " if self.first else ",\n    ") + dumps_indented(item, 4))
        self.first = False

    def close(self, tail: dict[str, Any] | None = None) -> None:
        self.out.write("]" if self.first else "\n  ]")
        for name, value in (tail or {}).items():
            self.out.write(f",\n  {json.dumps(name)}: {dumps_indented(value, 2)}")
        self.out.write("\n}\n")


def write_json_document(head: dict[str, Any], key: str, items: Iterable[Any],
                        to_json: Callable[[Any], dict[str, Any]],
                        stream: IO[str] | None = None) -> None:
    """`{**head, key: [to_json(item), ...]}` written item by item."""
    document = JsonListDocument(head, key, stream)
    for item in items:
        document.add(to_json(item))
    document.close()


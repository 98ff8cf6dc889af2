"""`fwctl-tui commands --search WORDS`: the catalogue's word search on the command line.

The same engine as the TUI's `/` and palette (decoders.mlx5.word_search), so a trainee
who found PPCNT with `port counters` in one finds it the same way in the other.
"""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fwctl_tui.cli import EXIT_OK, CliError, print_json
from fwctl_tui.decoders import catalogue
from fwctl_tui.decoders.mlx5.word_search import TIER_NAMES

SEARCH_LIMIT = 25


def match_json(rank: int, match: catalogue.Match) -> dict[str, Any]:
    """One hit as `commands --search --json` prints it (README "JSON output")."""
    cmd = match.command
    return {
        "rank": rank, "name": match.name, "opcode": cmd.opcode,
        "opcode_hex": f"{cmd.opcode:#06x}",
        "register": cmd.register.name if cmd.register is not None else None,
        "matched_in": TIER_NAMES[match.tier], "words_matched": match.covered,
        "why": match.why,
        "summary": cmd.register.summary if cmd.register is not None else cmd.summary,
    }


def cmd_search(words: list[str], as_json: bool) -> int:
    """Print the ranked matches for WORDS (an empty result is not an error)."""
    query = " ".join(words).strip()
    if not query:
        raise CliError("--search needs at least one word (e.g. --search port counters)")
    found = catalogue.find_words(query, limit=SEARCH_LIMIT)
    if as_json:
        print_json([match_json(i, m) for i, m in enumerate(found, 1)])
        return EXIT_OK
    if not found:
        sys.stderr.write(f"fwctl-tui: nothing matches {query!r}; try fewer or shorter "
                         "words, an opcode or a field name\n")
        return EXIT_OK
    table = Table(title=Text(f"best matches for {query!r} (name, then summary, then field)"))
    for col in ("#", "name", "matched in", "why"):
        table.add_column(col)
    for i, m in enumerate(found, 1):
        table.add_row(str(i), Text(m.name), TIER_NAMES[m.tier], Text(m.why))
    Console(file=sys.stdout, highlight=False,
            width=None if sys.stdout.isatty() else 160).print(table)
    return EXIT_OK

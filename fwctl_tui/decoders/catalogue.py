"""The command catalogue (mlx5): `from fwctl_tui.decoders import catalogue`.

Re-exports fwctl_tui.decoders.mlx5.catalogue, .search and .word_search so callers need
one import.
"""

from __future__ import annotations

from fwctl_tui.decoders.mlx5.catalogue import (
    GROUPS,
    Command,
    Page,
    Register,
    bind_register,
    cap_pages,
    commands,
    find,
    find_register,
    generic_command,
    layout_contexts,
    registers,
)
from fwctl_tui.decoders.mlx5.search import SearchHit, search
from fwctl_tui.decoders.mlx5.word_search import Match
from fwctl_tui.decoders.mlx5.word_search import find as find_words

__all__ = [
    "GROUPS",
    "Command",
    "Match",
    "Page",
    "Register",
    "SearchHit",
    "bind_register",
    "cap_pages",
    "commands",
    "find",
    "find_register",
    "find_words",
    "generic_command",
    "layout_contexts",
    "registers",
    "search",
]

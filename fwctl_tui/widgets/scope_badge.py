"""Scope names as coloured text, so risk reads at a glance in lists, selects and titles.

Green for CONFIGURATION, cyan for read-only debug, yellow/red for the tainting scopes.
Text, not widgets: the same badge goes into Select options, list rows and tables.
"""

from __future__ import annotations

from rich.text import Text

from fwctl_tui.uapi import TAINTING_SCOPES, Scope

SCOPE_STYLES = {
    "CONFIGURATION": "green",
    "DEBUG_READ_ONLY": "cyan",
    "DEBUG_WRITE": "bold yellow",
    "DEBUG_WRITE_FULL": "bold red",
}


def scope_text(scope: Scope | None, *, taint_mark: bool = True) -> Text:
    """`DEBUG_WRITE ⚠` style text; None means no scope accepts it."""
    if scope is None:
        return Text("refused", style="bold red")
    text = Text(scope.name, style=SCOPE_STYLES.get(scope.name, ""))
    if taint_mark and scope in TAINTING_SCOPES:
        text.append(" (taints)", style="yellow")
    return text


SHORT_NAMES = {
    "CONFIGURATION": "CONFIG",
    "DEBUG_READ_ONLY": "READ",
    "DEBUG_WRITE": "WRITE",
    "DEBUG_WRITE_FULL": "FULL",
}


def short_scope_text(scope: Scope | None) -> Text:
    """A fixed-width (6 cells) scope tag for dense lists: CONFIG, READ, WRITE, FULL."""
    if scope is None:
        return Text("NONE  ", style="bold red")
    return Text(f"{SHORT_NAMES.get(scope.name, scope.name):<6}",
                style=SCOPE_STYLES.get(scope.name, ""))


def taint_badge() -> Text:
    return Text(" TAINTS ", style="bold black on yellow")

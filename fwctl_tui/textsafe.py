"""Untrusted text made safe to show: one helper for the CLI and the TUI alike.

Strings from captures, sysfs and device replies are data. A raw ESC, BEL or C1 byte in
them would reach the user's terminal as a control sequence (clear the screen, set the
clipboard through OSC 52, retitle the window), and a bidi override would reorder what
is shown. Every such character is therefore written as a visible escape (`\\x1b`,
`\\u202e`) before it is printed or put on screen. Rich markup is a separate concern:
the TUI passes `rich.text.Text`, the CLI prints without markup.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, and the Unicode controls that reorder text or break lines
# (LRM/RLM, LRE..RLO, LRI..PDI, the line and paragraph separators).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control or bidi character written as a visible escape."""
    return _UNSAFE.sub(_escape, text)


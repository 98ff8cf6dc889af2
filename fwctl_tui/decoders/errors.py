"""Errors of the layout engine: bad input named by field or byte, never a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class DecodeError(ValueError):
    """Input bytes (or hex text) that cannot be decoded; `position` is a byte/char index."""

    def __init__(self, message: str, *, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


class EncodeError(ValueError):
    """A value that cannot be encoded; `field` names the offending field path."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def close_matches(word: str, candidates: Iterable[str], n: int = 4) -> list[str]:
    """Up to n candidates that look like word (case-insensitive), best first."""
    pool = list(dict.fromkeys(candidates))
    lowered = {c.lower(): c for c in pool}
    hits = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.6)
    found = [lowered[h] for h in hits]
    if len(found) < n:  # also offer names that contain the word (e.g. `port` -> `local_port`)
        key = word.lower()
        found += [c for c in pool if key in c.lower() and c not in found][: n - len(found)]
    return found


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """' (did you mean a, b?)' or '' when nothing is close."""
    found = close_matches(word, candidates)
    return f" (did you mean {', '.join(found)}?)" if found else ""

"""The glossary and help topics (data/glossary.toml): lookup by id, by words, and the
terms a piece of help text uses (F1 links them).

Entries are data, written in our own words, so adding a term is an edit to the TOML
file; tests check that every `see` reference resolves and every entry is found by its
own name.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fwctl_tui.wordmatch import Vocabulary, identifier_words, query_words, text_words


@dataclass(frozen=True)
class Entry:
    """One term or help topic."""

    id: str
    term: str
    kind: str  # term | topic
    text: str
    words: tuple[str, ...] = ()  # spellings looked for in help texts
    see: tuple[str, ...] = ()


@cache
def entries() -> tuple[Entry, ...]:
    raw = tomllib.loads(
        resources.files("fwctl_tui.learn").joinpath("data/glossary.toml").read_text("utf-8"))
    return tuple(Entry(id=e["id"], term=e["term"], kind=e["kind"], text=e["text"].strip(),
                       words=tuple(e.get("words", ())), see=tuple(e.get("see", ())))
                 for e in raw["entry"])


@cache
def by_id() -> dict[str, Entry]:
    return {e.id: e for e in entries()}


def get(entry_id: str) -> Entry | None:
    return by_id().get(entry_id)


@cache
def _vocab() -> tuple[Vocabulary, dict[str, dict[str, int]]]:
    """word -> entry id -> tier (0 the term or a spelling of it, 1 the text)."""
    index: dict[str, dict[str, int]] = {}
    for e in entries():
        for word in identifier_words(" ".join([e.term, e.id, *e.words])):
            index.setdefault(word, {})[e.id] = 0
        for word in text_words(e.text):
            index.setdefault(word, {}).setdefault(e.id, 1)
    return Vocabulary(index), index


def _tokens(word: str, vocab: Vocabulary, index: dict[str, dict[str, int]]) -> list[str]:
    """Words starting with `word`, and words `word` starts with ("tainted" -> "taint")."""
    if len(word) < 2:
        return [word]
    longer = list(vocab.starting_with(word))
    return longer + [word[:k] for k in range(4, len(word)) if word[:k] in index]


def search(query: str, limit: int = 10) -> list[tuple[Entry, str]]:
    """Entries for `query`, best first, with why: every word must match (a term or
    spelling before the text), terms before topics on a tie."""
    words = query_words(query)
    if not words:
        return []
    vocab, index = _vocab()
    tiers: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        for token in _tokens(word, vocab, index):
            for entry_id, tier in index.get(token, {}).items():
                found = tiers.setdefault(entry_id, [9] * len(words))
                found[i] = min(found[i], tier, key=int)
    exact = " ".join(words)
    ranked = []
    for entry_id, found in tiers.items():
        if max(found) == 9:
            continue
        e = by_id()[entry_id]
        named = exact in (" ".join(identifier_words(w)) for w in (e.term, *e.words))
        ranked.append(((0 if named else 1, max(found), sum(found), e.kind != "term",
                        e.term.lower()), e,
                       "term" if max(found) == 0 else "its explanation"))
    ranked.sort(key=lambda item: item[0])
    return [(e, f"glossary {why}") for _key, e, why in ranked[:limit]]


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for e in entries():
        for word in e.words:
            flags = 0 if word.isupper() else re.IGNORECASE
            out.append((re.compile(rf"(?<![\w:/]){re.escape(word)}(?![\w])", flags), e.id))
    return tuple(out)


def terms_in(text: str) -> list[Entry]:
    """The glossary terms a text uses, in the order of their first mention."""
    first: dict[str, int] = {}
    for pattern, entry_id in _patterns():
        hit = pattern.search(text)
        if hit and (entry_id not in first or hit.start() < first[entry_id]):
            first[entry_id] = hit.start()
    return [by_id()[i] for i in sorted(first, key=first.__getitem__)]

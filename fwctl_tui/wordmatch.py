"""Words as people type them: split, lower-case, drop filler, fold plurals.

One rule shared by the catalogue search, the glossary and the lessons, so "counters",
"Counter" and "counter_set" meet on the same word everywhere. Headless and tiny.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator

# Words that carry no meaning in a question ("what is the reason for a link down").
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "how",
    "i", "in", "is", "it", "its", "of", "on", "or", "the", "this", "to", "what", "when",
    "where", "which", "who", "why", "with",
})
_WORD = re.compile(r"[a-z0-9]+")
_TEXT_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def stem(word: str) -> str:
    """Fold the plural: counters -> counter, indexes -> index, status stays comparable."""
    if len(word) > 4 and word.endswith(("xes", "ches", "shes", "sses")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def identifier_words(name: str) -> list[str]:
    """`ACCESS_REG:PPCNT` -> access, reg, ppcnt (stemmed); the parts of an identifier."""
    return [stem(part) for part in _WORD.findall(name.lower())]


def text_words(text: str) -> list[str]:
    """The stemmed words of prose, in order: positions matter for phrases, so filler
    stays in (a query drops it instead)."""
    return [stem(word.lower()) for word in _TEXT_WORD.findall(text)]


def query_words(query: str) -> list[str]:
    """The words of a query that mean something: stemmed, filler dropped (unless the
    query is nothing but filler, then it is taken as typed)."""
    words = [stem(w) for w in _WORD.findall(query.lower())]
    meaningful = [w for w in words if w not in STOPWORDS]
    return meaningful or words


class Vocabulary:
    """Sorted distinct words, for "every word starting with this" in O(log n + hits)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted(set(words))

    def starting_with(self, prefix: str) -> Iterator[str]:
        i = bisect_left(self.words, prefix)
        while i < len(self.words) and self.words[i].startswith(prefix):
            yield self.words[i]
            i += 1


def snippet(text: str, word: str, width: int = 60) -> str:
    """A short excerpt of `text` around the first word whose stem starts with `word`."""
    for match in _TEXT_WORD.finditer(text):
        if stem(match.group().lower()).startswith(word):
            start = max(0, match.start() - width // 3)
            cut = text[start:start + width].replace("\n", " ")
            return ("…" if start else "") + cut + ("…" if start + width < len(text) else "")
    return text[:width]


def phrase_at(positions: list[set[int]]) -> bool:
    """Whether one position per word follows on from the previous word's (a phrase)."""
    if len(positions) < 2:
        return False
    return any(all(p + i in positions[i] for i in range(1, len(positions)))
               for p in positions[0])

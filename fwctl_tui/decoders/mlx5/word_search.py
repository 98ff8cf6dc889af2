"""Search that understands words: names, summaries, field names and field help, ranked.

The one engine behind the catalogue's `/`, the palette and `fwctl-tui commands --search`.
A query of one identifier-like token (`paos`, `0x5006`, `admin_status`, `hca_cap`) keeps
the name search's exact/prefix/substring rules (search.py) and also finds the word in
summaries; a query of several words (`port counters`, `link down reason`) is matched word
by word (plurals folded, filler dropped, prefixes allowed) over three tiers:

    0 name      the command or register name, its aliases, opcode or register id
    1 summary   the summary and note written for the command or register
    2 field     a field's name, the page it sits in, or the help written for it

Ranked by how many words matched, then the worst tier needed (a name match before a
summary match before a field match), then whether the words form a phrase, then how
rare the matched words are. Every match carries `why`: the tier and the phrase or
field path that matched, so a trainee sees the reason, not only the result.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from fwctl_tui.decoders.mlx5.catalogue import Command, bind_register, commands, registers
from fwctl_tui.decoders.mlx5.context import CAP_FIELDS
from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.decoders.mlx5.field_docs import field_help
from fwctl_tui.decoders.mlx5.search import search as name_search
from fwctl_tui.decoders.values import parse_number
from fwctl_tui.wordmatch import (
    Vocabulary,
    identifier_words,
    phrase_at,
    query_words,
    snippet,
    stem,
    text_words,
)

TIER_NAMES = ("name", "summary", "field")
TIER_WEIGHT = (4.0, 2.0, 1.0)
MIN_PREFIX = 2  # a shorter word matches only whole words ("c" never means "counter")


@dataclass(frozen=True)
class Match:
    """One command or register that matched, the best tier it needed, and why."""

    name: str
    command: Command
    tier: int
    why: str
    covered: int = 1  # query words matched


@dataclass
class _Doc:
    command: Command
    summary: str
    fields: list[str]  # field paths (pages included), for reasons


@dataclass
class _Index:
    docs: list[_Doc]
    vocab: Vocabulary
    names: dict[str, set[int]]
    texts: dict[str, dict[int, set[int]]]  # word -> doc -> positions
    fields: dict[str, dict[int, set[int]]]  # word -> doc -> 2*field (+1: in its help)
    doc_count: int


def _walk(layout: str, prefix: str, out: list[tuple[str, str, str]], depth: int = 0) -> None:
    """(path, layout, field name) of every field, through structs, unions and lists."""
    if depth > 8:
        return
    lset = layouts()
    for f in lset[layout].fields:
        path = f"{prefix}{f.name}"
        out.append((path, layout, f.name))
        if f.segments is not None:
            for name in f.segments.layout_names:
                _walk(name, f"{path}[].{name}.", out, depth + 1)
        elif f.type and f.type in lset:
            _walk(f.type, f"{path}[]." if f.kind == "array" else f"{path}.", out, depth + 1)


def _doc_fields(cmd: Command) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    if cmd.register is not None:
        _walk(cmd.register.layout, "register_data.", found)
        return found
    for layout in (cmd.in_layout, cmd.out_layout):
        if layout and layout in layouts():
            _walk(layout, "", found)
    cap_field = CAP_FIELDS.get((cmd.name, "out")) or CAP_FIELDS.get((cmd.name, "in"))
    if cap_field:
        _walk("hca_cap_union", cap_field + ".", found)
    return found


def _documents() -> list[Command]:
    docs = list(commands())
    docs += [bind_register("ACCESS_REG", reg.name) for reg in registers()]
    return docs


@cache
def _index() -> _Index:
    docs: list[_Doc] = []
    names: dict[str, set[int]] = defaultdict(set)
    texts: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    fields: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for n, cmd in enumerate(_documents()):
        reg = cmd.register
        summary = " ".join(filter(None, [reg.summary if reg else cmd.summary, cmd.note]))
        for key in [cmd.name, *(reg.aliases if reg else ())]:
            for word in identifier_words(key):
                names[word].add(n)
        for pos, word in enumerate(text_words(summary)):
            texts[word][n].add(pos)
        paths: list[str] = []
        for number, (path, layout, fname) in enumerate(_doc_fields(cmd)):
            paths.append(path)
            # even: the word is in the path; odd: only in the field's help
            path_words = set(identifier_words(path))
            for word in path_words:
                fields[word][n].add(2 * number)
            for word in set(text_words(field_help(layout, fname) or "")) - path_words:
                fields[word][n].add(2 * number + 1)
        docs.append(_Doc(cmd, summary, paths))
    vocab = Vocabulary([*names, *texts, *fields])
    return _Index(docs, vocab, dict(names), {k: dict(v) for k, v in texts.items()},
                  {k: dict(v) for k, v in fields.items()}, len(docs))


def warm() -> None:
    """Build the index ahead of the first keystroke (the TUI calls it from a worker)."""
    _index()


def _expand(word: str, index: _Index) -> list[str]:
    if len(word) < MIN_PREFIX:
        return [word]
    return list(index.vocab.starting_with(word))


@dataclass
class _Found:
    tiers: dict[int, int]  # word number -> best tier
    seen_in: dict[int, set[int]]  # word number -> every tier it was found in
    positions: dict[int, set[int]]  # word number -> summary positions
    field_hits: dict[int, set[int]]  # word number -> field numbers


def _collect(words: list[str], index: _Index, fields: bool) -> dict[int, _Found]:
    found: dict[int, _Found] = {}

    def at(doc: int) -> _Found:
        if doc not in found:
            found[doc] = _Found({}, {}, {}, {})
        return found[doc]

    for i, word in enumerate(words):
        for token in _expand(word, index):
            for doc in index.names.get(token, ()):
                f = at(doc)
                f.tiers[i] = 0
                f.seen_in.setdefault(i, set()).add(0)
            for doc, positions in index.texts.get(token, {}).items():
                f = at(doc)
                f.tiers[i] = min(f.tiers.get(i, 1), 1)
                f.seen_in.setdefault(i, set()).add(1)
                f.positions.setdefault(i, set()).update(positions)
            for doc, numbers in index.fields.get(token, {}).items() if fields else ():
                f = at(doc)
                f.tiers.setdefault(i, 2)
                f.seen_in.setdefault(i, set()).add(2)
                f.field_hits.setdefault(i, set()).update(numbers)
    return found


def _rarity(words: list[str], found: dict[int, _Found], total: int) -> list[float]:
    """How telling each word is: words found in few entries weigh more."""
    counts = [0] * len(words)
    for f in found.values():
        for i in f.tiers:
            counts[i] += 1
    return [math.log(1 + total / (1 + c)) for c in counts]


def _why(doc: _Doc, words: list[str], f: _Found) -> str:
    parts: list[str] = []
    named = [words[i] for i, t in f.tiers.items() if t == 0]
    if named:
        parts.append(f"name ({', '.join(named)})")
    in_text = [i for i, t in f.tiers.items() if t == 1]
    if in_text:
        parts.append(f'summary: "{snippet(doc.summary, words[in_text[0]])}"')
    in_fields = [i for i, t in f.tiers.items() if t == 2]
    if in_fields or len(f.field_hits) >= 2:  # a field path naming several words tells most
        tally: dict[int, int] = defaultdict(int)
        in_path: set[int] = set()
        for i in f.field_hits:
            for code in f.field_hits[i]:
                tally[code // 2] += 1
                if not code % 2:
                    in_path.add(code // 2)
        best = min(tally, key=lambda number: (-tally[number], number not in in_path,
                                              len(doc.fields[number]), number))
        where = "field" if best in in_path else "help of field"
        parts.append(f"{where} {doc.fields[best]}")
    return "; ".join(parts)


def _word_matches(
    words: list[str], index: _Index, fields: bool = True
) -> list[tuple[tuple[float, ...], Match]]:
    found = _collect(words, index, fields)
    weight = _rarity(words, found, index.doc_count)
    needed = 1 if len(words) <= 2 else len(words) - 1
    ranked: list[tuple[tuple[float, ...], Match]] = []
    for n, f in found.items():
        covered = len(f.tiers)
        if covered < needed:
            continue
        doc = index.docs[n]
        worst = max(f.tiers.values())
        phrase = len(f.positions) == len(words) and phrase_at(
            [f.positions[i] for i in range(len(words))])
        # a word found in several tiers (summary and a field) is better evidence
        score = sum(weight[i] * (TIER_WEIGHT[t] + 0.5 * (len(f.seen_in[i]) - 1))
                    for i, t in f.tiers.items())
        key = (-covered, worst, 0 if phrase else 1, -score, n)
        why = ("phrase in " if phrase else "") + _why(doc, words, f)
        ranked.append((key, Match(doc.command.name, doc.command, worst, why, covered)))
    return ranked


def _name_matches(token: str) -> list[tuple[tuple[float, ...], Match]]:
    """The name search (exact, prefix, substring; numbers exactly) as ranked matches."""
    number = parse_number(token)
    out: list[tuple[tuple[float, ...], Match]] = []
    for rank, hit in enumerate(name_search(token, limit=len(_index().docs))):
        command = hit.command
        if hit.kind == "field":
            tier, why = 2, f"field {hit.path}"
        elif number is not None and hit.kind == "register" and command.register is not None:
            tier, why = 0, f"register id {command.register.id:#06x}"
        elif number is not None:
            tier, why = 0, f"opcode {command.opcode:#06x}"
        else:
            tier, why = 0, "name" if hit.score == 0 else f"name contains {token!r}"
        out.append(((-1, tier, 1, hit.score, rank), Match(command.name, command, tier, why)))
    return out


def find(query: str, limit: int = 200) -> list[Match]:
    """Best-first matches for `query` (see the module docstring); at most one per entry."""
    text = query.strip()
    if not text:
        return []
    index = _index()
    scored: list[tuple[tuple[float, ...], Match]] = []
    words = query_words(text)
    if len(text.split()) == 1:
        scored += _name_matches(text.lower())
        if text.isalpha() and len(text) >= 3:  # a plain word is also looked for in prose
            scored += [(key, m) for key, m in _word_matches([stem(text.lower())], index,
                                                            fields=False) if m.tier == 1]
    elif words:
        scored += _word_matches(words, index)
    scored.sort(key=lambda item: item[0])
    out: dict[str, Match] = {}
    for _key, match in scored:
        out.setdefault(match.name, match)
        if len(out) >= limit:
            break
    return list(out.values())

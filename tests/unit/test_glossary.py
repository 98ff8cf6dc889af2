"""The glossary and help topics: complete, linked, found by words, linked from help."""

from __future__ import annotations

from fwctl_tui.learn import glossary
from fwctl_tui.uapi import Scope

# Terms the tool's screens and the issue name; each must have an entry of its own.
REQUIRED = ("scope", "configuration", "debug-read-only", "debug-write", "debug-write-full",
            "taint", "cap-sys-rawio", "lockdown", "uctx", "uid", "op-mod", "syndrome",
            "index-field", "rw-field", "prm", "access-register", "capability-page",
            "status", "errno-ebadmsg", "errno-eperm", "errno-enodev", "capture", "replay")


def test_every_required_term_has_an_entry_and_every_link_resolves() -> None:
    ids = [e.id for e in glossary.entries()]
    assert len(ids) == len(set(ids)), "entry ids are unique"
    for entry_id in REQUIRED:
        assert glossary.get(entry_id) is not None, entry_id
    for entry in glossary.entries():
        assert entry.kind in ("term", "topic") and len(entry.text) > 40, entry.id
        for other in entry.see:
            assert glossary.get(other) is not None, f"{entry.id} -> {other}"


def test_the_scope_entries_match_the_kernels_scope_names() -> None:
    """Independent source: the uAPI's Scope enum (generated from the kernel facts)."""
    scope_terms = {e.term for e in glossary.entries() if e.id.startswith(("configuration",
                                                                          "debug-"))}
    assert scope_terms == {s.name for s in Scope}
    scope = glossary.get("scope")
    assert scope is not None
    for s in Scope:
        assert f"{s.name} ({int(s)})" in scope.text


def test_each_entry_is_found_by_its_own_term() -> None:
    for entry in glossary.entries():
        if entry.kind == "term":
            found = [e.id for e, _why in glossary.search(entry.term)]
            assert entry.id in found[:3], (entry.term, found[:3])


def test_search_by_word_ranks_the_term_first_and_says_why() -> None:
    first, why = glossary.search("taint")[0]
    assert first.id == "taint" and why == "glossary term"
    assert glossary.search("tainted kernel")[0][0].id == "taint"
    assert glossary.search("syndrome")[0][0].id == "syndrome"
    assert glossary.search("zzqq") == []


def test_terms_in_a_help_text_are_found_in_order() -> None:
    text = ("The tag is the least scope the kernel accepts: WRITE taints the kernel, FULL "
            "also needs CAP_SYS_RAWIO. Fill the INDEX fields; the syndrome says why.")
    ids = [e.id for e in glossary.terms_in(text)]
    assert ids[:2] == ["scope", "debug-write"]
    assert {"taint", "debug-write-full", "cap-sys-rawio", "index-field", "syndrome"} <= set(ids)
    # an ALL-CAPS spelling matches only in capitals: "full" in prose is not a scope
    assert "debug-write-full" not in [e.id for e in glossary.terms_in("a full buffer")]

"""drivers/flow.py and plain_tree.py: what the TUI's driver screens rely on, headless."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fwctl_tui.drivers import plugin_for
from fwctl_tui.drivers.flow import (
    catalogue,
    device_context,
    import_entries_file,
    imports_entries,
    matches,
    search,
    send_built,
)
from fwctl_tui.drivers.pds_entries import Entry
from fwctl_tui.drivers.plain_tree import plain_tree
from fwctl_tui.exchange import Exchange
from fwctl_tui.session import Session
from fwctl_tui.sim.cxl.simdev import build_host as cxl_host
from fwctl_tui.sim.pds.simdev import build_host as pds_host
from fwctl_tui.uapi import Scope


def test_pds_entries_become_catalogue_rows_with_their_values_as_defaults() -> None:
    pds = plugin_for("pds")
    entry = Entry("config-get", 2, 1, "DEBUG_READ_ONLY", "01000000", 4, "read a key")
    rows = catalogue(pds, {"entries": [entry]})
    assert [r.name for r in rows] == ["RPC", "config-get"]
    defaults = {f.name: f.default for f in rows[1].inputs}
    assert defaults == {"ep": "0x2", "op": "0x1", "payload": "01000000",
                        "response_len": "4", "scope": "DEBUG_READ_ONLY"}
    assert rows[1].min_scope is Scope.DEBUG_READ_ONLY and rows[1].summary == "read a key"


def test_search_words_in_any_order_name_summary_or_opcode() -> None:
    rows = plugin_for("cxl").commands()
    assert [r.name for r in search(rows, "feature set")] == ["SET_FEATURE",
                                                           "GET_SUPPORTED_FEATURES"]
    assert [r.name for r in rows if matches(r, "0x0501")] == ["GET_FEATURE"]
    assert [r.name for r in rows if matches(r, "")] == [r.name for r in rows]


def test_cxl_context_is_the_supported_features_list() -> None:
    cxl = plugin_for("cxl")
    with cxl_host(persistent=False).function("sim:cxl-mem").open() as device:
        context = device_context(cxl, "sim:cxl-mem", device)
        assert device_context(cxl, "sim:cxl-mem", device, "GET_SUPPORTED_FEATURES") == {}
    assert len(context["features"]) == 6
    built = cxl.build("SET_FEATURE", {"feature": "ffffffff-ffff-ffff-ffff-ffffffffffff",
                                      "data": "01020304"}, context)
    assert built.scope is Scope.DEBUG_WRITE  # from the feature's reset-only effects


def test_send_built_prepares_the_record_before_the_recorder_sees_it() -> None:
    pds = plugin_for("pds")
    seen: list[dict[str, object]] = []
    with pds_host(persistent=False).function("sim:pds").open() as device:
        session = Session(device, "sim:pds")
        session.listeners.append(lambda ex: seen.append(dict(ex.meta)))
        built = pds.build("RPC", {"ep": "1", "op": "1", "response_len": "64"})
        exchange: Exchange = send_built(session, pds, built, label="identity")
    assert exchange.command == "identity" and exchange.errno == 0
    assert seen[0]["driver"] == "pds" and "out_payload" in str(seen[0]["pds"])
    assert len(session.listeners) == 1  # the one-shot preparer is gone again


def test_plain_tree_names_list_items_and_escapes_text() -> None:
    tree = plain_tree("reply", {"retval": 0, "ok": True, "features": [
        {"name": "Patrol Scrub Control", "uuid": "96dad7d6"}, {"name": None, "uuid": "0b5e"}],
        "note": "bell\x07"})
    kids = {k.name: k for k in tree.children}
    assert kids["retval"].value == 0 and kids["ok"].value == "true"
    assert [k.name for k in kids["features"].children] == ["[0] Patrol Scrub Control",
                                                           "[1] 0b5e"]
    assert kids["features"].kind == "array" and tree.kind == "struct"
    assert "\x07" not in str(kids["note"].value)
    assert kids["features"].children[0].children[1].path == "features[0].uuid"


def test_import_entries_file_merges_pds_entries_and_refuses_other_types(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FWCTL_TUI_PDS_ENTRIES_DIR", str(tmp_path / "book"))
    pds = plugin_for("pds")
    source = tmp_path / "mine.json"
    source.write_text(json.dumps({"entries": [{"name": "ident", "endpoint": 1,
                                               "operation": 1}]}))
    said = import_entries_file(pds, "sim:pds", source)
    assert said.startswith(f"imported {source}: 1 entries saved for sim:pds")
    assert [e.name for e in device_context(pds, "sim:pds", None)["entries"]] == ["ident"]
    source.write_text(json.dumps({"entries": [{"name": "x", "endpoint": "ep1",
                                               "operation": 1}]}))
    with pytest.raises(ValueError, match=r"entries\[0\] \(x\)\.endpoint: 'ep1'"):
        import_entries_file(pds, "sim:pds", source)
    assert imports_entries(pds) and not imports_entries(plugin_for("cxl"))
    with pytest.raises(ValueError, match="a cxl device takes no entries file"):
        import_entries_file(plugin_for("cxl"), "sim:cxl-mem", source)

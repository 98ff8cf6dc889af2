"""Search that understands words: the engine behind `/`, the palette and `commands --search`."""

from __future__ import annotations

import json

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.decoders import catalogue
from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.wordmatch import query_words, stem
from fwctl_tui.workbench import catalogue_model


def names(query: str, limit: int = 200) -> list[str]:
    return [m.name for m in catalogue.find_words(query, limit=limit)]


def test_port_counters_ranks_ppcnt_first_because_its_summary_says_so() -> None:
    first = catalogue.find_words("port counters")[0]
    assert first.name == "ACCESS_REG:PPCNT"
    assert first.tier == 1 and "phrase in summary" in first.why
    assert "Port counters" in first.why
    # the reason quotes the register's own summary, not a string of the search's own
    assert first.command.register is not None
    assert first.command.register.summary.startswith("Port counters")


def test_module_temperature_finds_mtmp_and_the_pddr_module_page() -> None:
    found = catalogue.find_words("module temperature", limit=10)
    by_name = {m.name: m for m in found}
    assert "ACCESS_REG:MTMP" in by_name
    pddr = by_name["ACCESS_REG:PDDR"]
    assert "pddr_module_info_ext.temperature" in pddr.why
    # PDDR's module page really is the page select picks for module info
    reg = catalogue.find_register("PDDR")
    page = next(p for p in reg.pages if p.selector == "page_select")
    assert "pddr_module_info_ext" in page.variants.values()
    assert any(f.name == "temperature" for f in layouts()["pddr_module_info_ext"].fields)


def test_link_down_reason_points_at_the_pddr_link_down_page() -> None:
    first = catalogue.find_words("link down reason")[0]
    assert first.name == "ACCESS_REG:PDDR" and first.covered == 3
    assert "pddr_link_down_info_page_ext" in first.why


def test_name_matches_come_before_summary_before_field_and_every_hit_says_why() -> None:
    found = catalogue.find_words("counter")
    tiers = [m.tier for m in found]
    assert tiers == sorted(tiers) and {0, 1, 2} <= set(tiers)
    assert all(m.why for m in found)
    assert found[0].why.startswith("name")
    summary = next(m for m in found if m.tier == 1)
    assert summary.why.startswith("summary:") and "counter" in summary.why.lower()
    field = next(m for m in found if m.tier == 2)
    assert field.why.startswith("field ") and "counter" in field.why


def test_identifiers_numbers_and_nonsense_keep_their_old_meaning() -> None:
    assert names("0x5006") == ["ACCESS_REG:PAOS"]
    assert catalogue.find_words("0x5006")[0].why == "register id 0x5006"
    assert names("ppcnt")[0] == "ACCESS_REG:PPCNT"
    assert names("hca_cap")[0].endswith("HCA_CAP")
    assert "ACCESS_REG:PAOS" in names("admin_status")
    assert names("zzqq") == [] and names("   ") == []


def test_words_fold_plurals_and_drop_filler() -> None:
    assert stem("counters") == stem("counter") == "counter"
    assert stem("indexes") == "index" and stem("status") != ""
    assert query_words("why is the link down") == ["link", "down"]
    assert query_words("the") == ["the"]  # nothing but filler: taken as typed


def test_catalogue_screen_model_ranks_and_explains() -> None:
    found = catalogue_model.search("port counters")
    assert found.best == "ACCESS_REG:PPCNT" and found.rows[0].name == "ACCESS_REG:PPCNT"
    assert "Port counters" in found.why["ACCESS_REG:PPCNT"]
    assert catalogue_model.ranked("ACCESS_REG:PAOS")[0][0].name == "ACCESS_REG:PAOS"


def test_cli_search_json_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["commands", "--search", "port", "counters", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["name"] == "ACCESS_REG:PPCNT" and hits[0]["rank"] == 1
    assert hits[0]["matched_in"] == "summary" and "Port counters" in hits[0]["why"]
    assert hits[0]["register"] == "PPCNT" and hits[0]["opcode_hex"] == "0x0805"
    assert main(["commands", "--search", "module", "temperature"]) == 0
    out = capsys.readouterr().out
    assert "ACCESS_REG:MTMP" in out and "pddr_module_info_ext" in out
    assert main(["commands", "--search", "zzqq", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []

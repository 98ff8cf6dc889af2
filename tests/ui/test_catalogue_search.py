"""Finding a command: the catalogue search box and the ctrl+p palette, by full register
name, opcode, register id or field; a stale highlight never hides "Nothing matches"."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static
from ui_support import (
    make_app,
    open_first_device,
    screen_text,
    settle,
    wait_until,
)

from fwctl_tui.screens.catalogue import CatalogueScreen
from fwctl_tui.screens.palette import CatalogueCommands


async def test_catalogue_search_finds_the_full_register_name(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        for typed, name in (("ACCESS_REG:PAOS", "ACCESS_REG:PAOS"),
                            ("access_reg:ppcnt", "ACCESS_REG:PPCNT")):
            await pilot.press("slash", *typed)  # `/` selects the old query: typing replaces it
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, CatalogueScreen)
            assert screen.query_one(Input).value == typed
            option_list = screen.query_one(OptionList)
            highlighted = option_list.get_option_at_index(option_list.highlighted or 0)
            assert highlighted.id == name, "the exact name is the best hit"
            details = str(screen.query_one("#catalogue-detail-text", Static).render())
            assert "Nothing matches" not in details
            assert any(name in row for row in screen_text(app))
            option_list.focus()  # as after Enter: the next `/` starts a new query
            await settle(pilot)


async def test_palette_finds_the_full_register_name_first(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        for typed, name in (("access_reg:ppcnt", "ACCESS_REG:PPCNT"),
                            ("ACCESS_REG:PAOS", "ACCESS_REG:PAOS")):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*typed)
            await settle(pilot)
            results = app.screen.query_one(OptionList)

            def first_hit(results: OptionList = results) -> str:
                if not results.option_count:
                    return ""
                return str(results.get_option_at_index(0).prompt)

            # the palette gathers hits as they come: wait for the list to show the best one
            await wait_until(pilot, lambda name=name: first_hit().startswith(name),
                             f"{name} first in the palette")
            first = first_hit()
            assert first.startswith(name), first
            await pilot.press("escape")
            await settle(pilot)


async def test_stale_highlight_never_replaces_nothing_matches(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        option_list = screen.query_one(OptionList)
        stale = option_list.get_option_at_index(1)  # a row of the unfiltered list
        await pilot.press("slash", "z", "z")
        await pilot.pause()
        assert screen.found == []
        # a highlight queued before the list was replaced arrives late
        screen.post_message(OptionList.OptionHighlighted(option_list, stale, 1))
        await pilot.pause()
        details = str(screen.query_one("#catalogue-detail-text", Static).content)
        assert details.startswith("Nothing matches 'zz'")


async def test_palette_finds_opcodes_register_ids_and_fields(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        provider = CatalogueCommands(app.screen)
        for query, name in (("0x805", "ACCESS_REG"), ("0x5006", "ACCESS_REG:PAOS"),
                            ("admin_status", "ACCESS_REG:PAOS"), ("paos", "ACCESS_REG:PAOS")):
            hits = [hit async for hit in provider.search(query)]
            assert name in [hit.text for hit in hits], query
            assert all(0 < hit.score <= 1 for hit in hits)

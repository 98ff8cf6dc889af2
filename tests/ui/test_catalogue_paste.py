"""Pilot: a pasted or fast-typed burst in the catalogue searches with every character."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input, OptionList
from ui_support import make_app, open_first_device, settle

from fwctl_tui.screens.catalogue import CatalogueScreen


async def test_paste_and_key_burst_are_never_lost(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_device(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        assert screen.query_one(OptionList).has_focus
        screen.query_one(OptionList).post_message(events.Paste("query_hca_cap\n"))
        await settle(pilot)
        search = screen.query_one(Input)
        assert search.has_focus and search.value == "query_hca_cap"
        options = screen.query_one(OptionList)
        assert options.get_option_at_index(options.highlighted).id == "QUERY_HCA_CAP"

        # a paste into the focused search box inserts at the cursor, as typed
        search.post_message(events.Paste("x"))
        await settle(pilot)
        assert search.value == "query_hca_capx"

        # keys queued faster than the screen handles them, starting on the list
        await pilot.press("escape")  # clears the search
        screen.set_focus(options)
        for key in "ppcnt":
            app.post_message(events.Key(key, key))  # queued at once, no pause between
        await settle(pilot)
        assert search.value == "ppcnt"

"""F1 links the terms a screen uses to the glossary; the palette finds help by word."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static
from ui_support import make_host, open_first_device, pinned_clock, settle

from fwctl_tui.app import FwctlApp
from fwctl_tui.config import Config
from fwctl_tui.screens.glossary import GlossaryScreen
from fwctl_tui.screens.help import HelpScreen
from fwctl_tui.screens.learn_palette import LearnCommands
from fwctl_tui.screens.palette import CatalogueCommands


def app_for(tmp_path: Path) -> FwctlApp:
    return FwctlApp(host=make_host(), config=Config(theme="textual-dark"), recording=False,
                    clock=pinned_clock(), data_dir=tmp_path / "exports",
                    learn_dir=tmp_path / "learn")


def shown_entry(app: FwctlApp) -> str:
    return str(app.screen.query_one("#glossary-text", Static).render())


async def test_f1_links_the_terms_of_the_catalogue_to_their_entries(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_device(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        links = app.screen.query_one("#help-terms", OptionList)
        ids = [links.get_option_at_index(i).id for i in range(links.option_count)]
        assert {"scope", "taint", "cap-sys-rawio", "debug-write-full"} <= set(ids)
        links.focus()
        links.highlighted = ids.index("taint")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        assert shown_entry(app).startswith("taint")
        assert "TAINT_FWCTL" in shown_entry(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_taint_in_the_palette_opens_the_glossary_entry(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_device(pilot)
        learn = [hit async for hit in LearnCommands(app.screen).search("taint")]
        catalogue = [hit async for hit in CatalogueCommands(app.screen).search("taint")]
        best = max([*learn, *catalogue], key=lambda hit: hit.score)
        assert best.text == "Glossary: taint" and best.score == 1.0
        assert "glossary term" in str(best.help)
        assert catalogue and all(hit.score < 1.0 for hit in catalogue)
        assert all(hit.help for hit in catalogue), "each catalogue hit says why it matched"
        app.call_later(best.command)  # as the palette runs the chosen hit
        await settle(pilot)
        assert isinstance(app.screen, GlossaryScreen)
        assert shown_entry(app).startswith("taint")
        # lessons, help and the tour are found by word too
        for query, label in (("lesson", "Lessons: guided practice on a simulated device"),
                             ("help", "Glossary and help topics"),
                             ("tour", "Show the tour again"),
                             ("temperature", "Lesson 5: The optical module")):
            texts = [hit.text async for hit in LearnCommands(app.screen).search(query)]
            assert label in texts, query


async def test_glossary_filter_and_see_also(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.call_later(app.action_glossary, "scope")
        await settle(pilot)
        see = app.screen.query_one("#glossary-see", OptionList)
        assert see.has_focus and see.get_option_at_index(0).id == "configuration"
        await pilot.press("enter")
        await pilot.pause()
        assert shown_entry(app).startswith("CONFIGURATION")
        app.screen.query_one("#glossary-filter").focus()
        await pilot.press(*"syndrome")
        await pilot.pause()
        terms = app.screen.query_one("#glossary-list", OptionList)
        assert terms.get_option_at_index(0).id == "syndrome"
        assert shown_entry(app).startswith("syndrome")

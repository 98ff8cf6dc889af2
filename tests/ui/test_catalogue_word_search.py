"""The catalogue's `/` understands words: ranked results, each saying why it matched."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static
from ui_support import make_app, open_first_device

from fwctl_tui.screens.catalogue import CatalogueScreen


async def test_port_counters_lists_ppcnt_first_with_its_reason(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(140, 36)) as pilot:
        await open_first_device(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogueScreen)
        await pilot.press("slash", *"port counters")
        await pilot.pause()
        options = screen.query_one(OptionList)
        first = options.get_option_at_index(0)
        assert first.id == "ACCESS_REG:PPCNT" and options.highlighted == 0
        assert "phrase in summary" in str(first.prompt)
        # every line says why; the details pane has the whole reason
        for i in range(options.option_count):
            assert "  " in str(options.get_option_at_index(i).prompt).split(" ", 1)[1]
        shown = screen.query_one("#catalogue-detail-text", Static).content
        details = "\n".join(str(part) for part in getattr(shown, "renderables", [shown]))
        assert 'Matched: phrase in summary: "Port counters.' in details
        assert [row.name for row in screen.found][:1] == ["ACCESS_REG:PPCNT"]

"""Pilot: the browser's record rows tell requests apart (page, group) and show key results."""

from __future__ import annotations

from pathlib import Path

from ui_support import browser_app, browser_ready

from fwctl_tui.screens.capture_browser import LineList

CAPTURES = Path(__file__).resolve().parents[2] / "captures"




async def test_pddr_rows_differ_by_page_and_say_the_blame() -> None:
    app = browser_app(CAPTURES / "02-link-down.jsonl")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await browser_ready(pilot)
        view = screen.query_one(LineList)
        rows = [view.row_text(i).plain for i in range(view.count)]
        pddr = [row for row in rows if " PDDR " in row]
        assert len(pddr) == 4 and len(set(row.split(" OK ")[1] for row in pddr)) == 4
        assert "page_select=0 phy_mngr_fsm_state=Polling" in pddr[0]
        assert "page_select=6 down_blame=Remote_phy" in pddr[1]
        assert "grp=18" in rows[1] and "oper_status=down" in rows[2]
        # what the list shows on screen, not only what it would render: the blame fits
        width = view.scrollable_content_region.width
        assert "down_blame=Remote_phy" in rows[5][:width]

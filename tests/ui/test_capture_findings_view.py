"""Pilot: the capture browser opens on the findings, and a finding shows its record."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from ui_support import browser_app, browser_ready

from fwctl_tui.screens.capture_browser import LineList
from fwctl_tui.widgets.findings_list import FindingsList

CAPTURES = Path(__file__).resolve().parents[2] / "captures"




async def test_findings_link_to_their_records() -> None:
    app = browser_app(CAPTURES / "02-link-down.jsonl")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await browser_ready(pilot)
        findings = screen.query_one(FindingsList)
        shown = [str(findings.get_option_at_index(i).prompt)
                 for i in range(findings.option_count)]
        assert any("#6 port 1 link down: unintentional (2), blamed on Remote_phy (2)" in line
                   for line in shown)
        assert "0 failed, 3 reported wrong" in str(findings.border_title)

        # a filter hides record #6; choosing its finding clears the filter and shows it
        screen.query_one(Input).value = "command=PAOS"
        await pilot.press("slash", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one(LineList).count == 2
        await pilot.press("f")
        assert findings.has_focus
        link = next(i for i, line in enumerate(shown) if line.startswith("#6 "))
        findings.highlighted = link
        await pilot.press("enter")
        await pilot.pause()
        assert screen.current is not None and screen.current.seq == 6
        assert screen.query_one(LineList).has_focus and screen.query_one(LineList).count == 9

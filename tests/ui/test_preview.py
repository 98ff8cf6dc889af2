"""The consequence preview: what a simulated taint means, the full scope's buttons at
80x24, and a re-send that starts at the least scope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Button, Checkbox, Select, Static
from ui_support import (
    make_app,
    open_preview,
    settle,
)

from fwctl_tui.screens.history import HistoryScreen
from fwctl_tui.screens.preview import PreviewScreen
from fwctl_tui.uapi import Scope


def visible(widget: Any) -> bool:
    """Wholly inside the screen and inside every scrolling ancestor's viewport."""
    region = widget.region
    return bool(region) and widget.screen.region.contains_region(region) and all(
        ancestor.region.contains_region(region) for ancestor in widget.ancestors
        if hasattr(ancestor, "region") and ancestor is not widget.app)


async def test_simulated_taint_preview_is_consistent(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        preview = await open_preview(pilot, "set_diagnostic", "SET_DIAGNOSTIC_PARAMS")
        facts = dict(preview.preview.facts())
        assert "the simulated kernel would be tainted" in facts["Taint"]
        assert "this machine is untouched" in facts["Taint"]
        assert "no effect on the running kernel" in facts["Effect"]
        label = str(preview.query_one(Checkbox).label)
        assert label == "I understand this would taint the kernel (simulated here)"


async def test_full_scope_preview_keeps_its_buttons_in_view_at_80x24(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        preview = await open_preview(pilot, "set_diagnostic", "SET_DIAGNOSTIC_PARAMS")
        preview.query_one("#preview-scope", Select).value = Scope.DEBUG_WRITE_FULL
        await settle(pilot)
        cancel = preview.query_one("#preview-cancel", Button)
        assert app.focused is cancel
        for widget in (cancel, preview.query_one("#preview-send"), preview.query_one(Checkbox)):
            assert visible(widget), f"{widget.id} is below the fold"


async def test_resend_starts_at_the_least_scope(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_preview(pilot, "query_hca", "QUERY_HCA_CAP")
        app.screen.query_one("#preview-scope", Select).value = Scope.DEBUG_READ_ONLY
        await pilot.pause()
        await pilot.click("#preview-send")
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("ctrl+j")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert preview.preview.scope is Scope.CONFIGURATION
        head = str(preview.query_one("#preview-head", Static).content)
        assert "first sent at DEBUG_READ_ONLY" in head and "least scope" in head

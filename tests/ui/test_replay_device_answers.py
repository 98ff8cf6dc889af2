"""Pilot: a replay device says which record answered, in the result and the history,
and a request it lacks is refused naming what the capture can answer."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable
from ui_support import make_app, open_command, send_from_form, settle

from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.history import HistoryScreen
from fwctl_tui.screens.result import ResultScreen

BRING_UP = Path(__file__).resolve().parents[2] / "captures" / "01-bring-up.jsonl"


async def test_result_and_history_name_the_answering_record(tmp_path: Path) -> None:
    app = make_app(tmp_path, device=f"replay:{BRING_UP}")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_command(pilot, "query_adapter", "QUERY_ADAPTER")
        result = await send_from_form(pilot)
        assert isinstance(result, ResultScreen)
        title = str(result.query_one("#result-body").border_title)
        assert title.endswith("· OK · from record #2 (answer 1 of 1)")

        await pilot.press("escape", "escape")
        await settle(pilot)
        await open_command(pilot, "query_vuid", "QUERY_VUID")
        error = await send_from_form(pilot)
        assert isinstance(error, ErrorScreen)
        assert "the capture holds no QUERY_VUID request at all" in error.happened

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        table = history.query_one(DataTable)
        outcomes = [str(table.get_row_at(row)[4]) for row in range(table.row_count)]
        assert outcomes == ["OK ← #2", "ENOMSG"]

"""What leaves the TUI: the copied `fwctl-tui send` line (only what the user set; --yes
for a tainting send) and JSON exports that never overwrite each other."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Select
from ui_support import (
    make_app,
    open_preview,
    open_result,
    paos_write_form,
    read_current,
    settle,
)

from fwctl_tui.screens.result import ResultScreen


async def test_copied_cli_line_after_read_current_holds_only_what_matters(
    tmp_path: Path
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        form = await paos_write_form(pilot, "1")
        await read_current(pilot)
        form.query_one("#f-register_data_admin_status", Select).value = 2
        await settle(pilot)
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.click("#preview-send")
        await settle(pilot)
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("y")
        await pilot.pause()
        line = copied[0]
        assert "op_mod=write" in line and "register_data.local_port=1" in line
        assert "register_data.admin_status=2" in line and "register_data.ase=1" in line
        for untouched in ("logical_state_status", "oper_status", "swid", "sleep_cap"):
            assert untouched not in line, line


async def test_copied_cli_line_of_a_tainting_send_says_yes(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_preview(pilot, "set_diagnostic", "SET_DIAGNOSTIC_PARAMS")
        app.screen.query_one(Checkbox).value = True
        await pilot.pause()
        await pilot.click("#preview-send")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await pilot.press("y")
        await pilot.pause()
        assert copied[0].endswith("SET_DIAGNOSTIC_PARAMS --yes"), copied[0]


async def test_exports_never_overwrite_each_other(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_result(pilot, "query_hca", "QUERY_HCA_CAP")
        await pilot.press("j", "j")  # same command, same (pinned) send time
        await pilot.pause()
        exports = sorted(p.name for p in (tmp_path / "exports").glob("QUERY_HCA_CAP-*.json"))
        assert exports == ["QUERY_HCA_CAP-20260101T120000.000Z-2.json",
                           "QUERY_HCA_CAP-20260101T120000.000Z.json"]

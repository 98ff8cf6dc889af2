"""Keys and help: hints follow the user's keymap (typos reported), and f1 explains each
control, in dialogs too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static
from ui_support import (
    make_app,
    messages,
    open_command,
    open_first_device,
    settle,
)

from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.help import HelpScreen
from fwctl_tui.screens.preview import PreviewScreen
from fwctl_tui.screens.result import ResultScreen


def help_body(app: Any) -> str:
    return "\n".join(str(s.content) for s in app.screen.query(Static))


async def test_hints_follow_the_keymap_and_typos_are_reported(tmp_path: Path) -> None:
    app = make_app(tmp_path, keymap={"preview_send": "f5", "read_curent": "f6"})
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        problems = messages(app)
        assert any("'read_curent'" in p and "read_current" in p for p in problems)
        await open_first_device(pilot)
        await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
        status = str(app.screen.query_one("#command-status", Static).content)
        assert "f5 shows the preview" in status and "ctrl+j" not in status
        await pilot.press("f5", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("f5")  # the same id re-sends from the result ...
        await pilot.pause()
        assert isinstance(app.screen, PreviewScreen)
        await pilot.press("escape", "f2")
        await pilot.pause()
        await pilot.press("f5")  # ... and from the history
        await pilot.pause()
        assert isinstance(app.screen, PreviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        body = help_body(app)
        assert "f5 re-sends it" in body or "f5 sends the same bytes" in body
        assert "ctrl+j" not in body


async def test_f1_explains_each_control(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)

        async def help_for(widget: Any, words: str) -> None:
            widget.focus()
            await pilot.pause()
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert words in help_body(app), words
            await pilot.press("escape")
            await pilot.pause()

        await help_for(app.screen.query_one("#device-table"), "Device table")
        await help_for(app.screen.query_one("#device-details"), "uid is the firmware")
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        form = app.screen
        await help_for(form.query_one("#command-opmod"), "which variant of the command")
        await help_for(form.query_one("#command-read"), "reads the register first")
        await help_for(form.query_one("#command-send"), "consequence preview")
        await help_for(form.query_one("#f-register_data_admin_status"),
                       "Requested (administrative) state")
        await help_for(form.query_one("#f-register_data_ase"), "admin state update enable")
        form.query_one("#f-register_data_admin_status").focus()
        await pilot.pause()
        status = str(form.query_one("#command-status", Static).content)
        assert "admin_status" in status and "down_by_configuration (2)" in status
        await pilot.press("ctrl+j")
        await pilot.pause()
        await help_for(app.screen.query_one("#preview-scope"), "The privilege level")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await help_for(app.screen.query_one("#history-table"), "History table")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+t")  # raw hex: a 2-byte request the kernel refuses
        await pilot.pause()
        app.screen.query_one("#command-raw").value = "0b 22"
        await pilot.pause()
        await pilot.press("ctrl+j")
        await pilot.pause()
        await pilot.click("#preview-send")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        await pilot.press("f1")  # F1 works inside dialogs too
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "errno" in help_body(app) and "syndrome" in help_body(app)
        await pilot.press("f1")  # and F1 again closes it
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)

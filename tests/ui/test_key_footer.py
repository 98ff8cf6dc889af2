"""Pilot: KeyFooter relabels keys in place when a dropdown opens and closes, and the
footer says what the keys do at each moment."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select
from ui_support import make_app, open_command, open_first_device, screen_text, wait_until


async def test_dropdown_relabels_escape_and_back(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        footer_before = screen_text(app)[-1]
        assert "esc Back" in footer_before and "Dismiss menu" not in footer_before
        select = app.screen.query(Select).first()
        select.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: select.expanded, "the dropdown open")
        await wait_until(pilot, lambda: "esc Dismiss menu" in screen_text(app)[-1],
                         "the footer saying esc closes the dropdown")
        assert "esc Back" not in screen_text(app)[-1]
        assert "^j Preview & send" in screen_text(app)[-1]
        await pilot.press("escape")
        await wait_until(pilot, lambda: not select.expanded, "the dropdown closed")
        await wait_until(pilot, lambda: screen_text(app)[-1] == footer_before,
                         "the footer as before")

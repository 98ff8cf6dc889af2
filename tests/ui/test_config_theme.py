"""The TUI's config file in the running app: an unknown theme is reported, not fatal."""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, messages, settle


async def test_unknown_theme_is_reported_not_fatal(tmp_path: Path) -> None:
    app = make_app(tmp_path, theme="no-such-theme")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert app.theme != "no-such-theme"
        assert any("unknown theme" in m for m in messages(app))

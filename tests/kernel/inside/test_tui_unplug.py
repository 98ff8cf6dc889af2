"""The TUI on a real CXL device that is unbound while it is open: shown as gone."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from fwctl_tui.app import FwctlApp
from fwctl_tui.config import Config
from fwctl_tui.screens.devices import DevicesScreen
from fwctl_tui.screens.error import ErrorScreen


async def test_unbound_device_is_shown_as_gone(tmp_path: Path) -> None:
    name = sorted(Path("/sys/class/fwctl").iterdir(), key=lambda p: int(p.name[5:]))[-1].name
    platform = Path(f"/sys/class/fwctl/{name}/device").resolve().parent
    driver = (platform / "driver").resolve()
    app = FwctlApp(config=Config(theme="textual-dark"), recording=False,
                   data_dir=tmp_path, device=name)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await _settle(pilot)
            assert app.device_name == name
            await pilot.press("slash", *"query_hca")
            await pilot.pause()
            options = app.screen.query_one(OptionList)
            options.highlighted = options.get_option_index("QUERY_HCA_CAP")
            options.focus()
            await pilot.press("enter")
            await _settle(pilot)
            (driver / "unbind").write_text(platform.name)
            await pilot.press("ctrl+j")
            await pilot.pause()
            await pilot.press("enter")
            await _settle(pilot)
            error = app.screen
            assert isinstance(error, ErrorScreen)
            assert f"{name} is gone (ENODEV)" in error.title_text
            await pilot.press("escape")
            await _settle(pilot)
            assert isinstance(app.screen, DevicesScreen)
            listed = [entry.name for entry in app.screen.entries]
            assert name not in listed and listed
            assert app.device_name == ""
    finally:
        if not (platform / "driver").exists():
            (driver / "bind").write_text(platform.name)


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()

"""The TUI on a real CXL device that is unbound while it is open: shown as gone.

A CXL device opens on its own (driver plug-in) catalogue. The request is built and
previewed as the driver form would do it, rather than typed into the form: under
software emulation typing costs about a minute, and what is tested here is the live path
after the unbind: preview, send, ENODEV, "is gone", and a device list without the device.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fwctl_tui.app import FwctlApp
from fwctl_tui.config import Config
from fwctl_tui.drivers import plugin_for
from fwctl_tui.screens.devices import DevicesScreen
from fwctl_tui.screens.driver_catalogue import DriverCatalogueScreen
from fwctl_tui.screens.driver_result import preview_then_send
from fwctl_tui.screens.error import ErrorScreen


async def test_unbound_device_is_shown_as_gone(tmp_path: Path) -> None:
    name = sorted(Path("/sys/class/fwctl").iterdir(), key=lambda p: int(p.name[5:]))[-1].name
    platform = Path(f"/sys/class/fwctl/{name}/device").resolve().parent
    driver = (platform / "driver").resolve()
    app = FwctlApp(config=Config(theme="textual-dark"), recording=False,
                   data_dir=tmp_path, device=name)
    plugin = plugin_for("cxl")
    built = plugin.build("GET_SUPPORTED_FEATURES", {})
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await _settle(pilot)
            assert app.device_name == name and app.device_kind == "live"
            assert isinstance(app.screen, DriverCatalogueScreen)
            (driver / "unbind").write_text(platform.name)
            assert not Path(f"/dev/fwctl/{name}").exists()  # the node goes; our fd stays

            preview_then_send(app, plugin, built, {})  # the preview, as ctrl+j opens it
            await _settle(pilot)
            await pilot.click("#driver-preview-send")
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


async def _settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()

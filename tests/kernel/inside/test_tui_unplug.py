"""The TUI on a real CXL device that is unbound while it is open: shown as gone.

The RPC is posted as the command form would post it (RpcRequested) rather than typed
through the mlx5 catalogue: under software emulation the catalogue search and form cost
about a minute, and what is tested here is the live path after the unbind: preview,
send, ENODEV, "is gone", and a device list without the device.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fwctl_tui.app import FwctlApp
from fwctl_tui.config import Config
from fwctl_tui.screens.devices import DevicesScreen
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.messages import RpcRequested
from fwctl_tui.screens.preview import PreviewScreen
from fwctl_tui.sim.cxl import layout
from fwctl_tui.uapi import Scope
from fwctl_tui.workbench.workspace import PlannedRpc
from tests.kernel.scenarios import GSF


async def test_unbound_device_is_shown_as_gone(tmp_path: Path) -> None:
    name = sorted(Path("/sys/class/fwctl").iterdir(), key=lambda p: int(p.name[5:]))[-1].name
    platform = Path(f"/sys/class/fwctl/{name}/device").resolve().parent
    driver = (platform / "driver").resolve()
    app = FwctlApp(config=Config(theme="textual-dark"), recording=False,
                   data_dir=tmp_path, device=name)
    plan = PlannedRpc(label="GET_SUPPORTED_FEATURES", opcode=layout.GET_SUPPORTED_FEATURES,
                      op_mod=0, request=GSF, out_cap=4096, is_write=False,
                      default_scope=Scope.CONFIGURATION)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await _settle(pilot)
            assert app.device_name == name and app.device_kind == "live"
            (driver / "unbind").write_text(platform.name)
            assert not Path(f"/dev/fwctl/{name}").exists()  # the node goes; our fd stays
            app.post_message(RpcRequested(plan))
            await _settle(pilot)
            assert isinstance(app.screen, PreviewScreen)
            await pilot.click("#preview-send")  # the preview reads it as mlx5: not default
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

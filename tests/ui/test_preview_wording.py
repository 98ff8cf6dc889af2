"""One wording on every device type, read from what each screen shows: the mlx5 preview
and a cxl preview (sim:cxl-mem) say the same fact the same way (consequence.py's words),
and a cxl return code reads the same in the result and the history (records.py's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Static
from ui_support import (
    fact_shown,
    make_app,
    open_first_device,
    open_preview,
    screen_text,
    shown,
    wait_until,
)

from fwctl_tui.screens.driver_catalogue import DriverCatalogueScreen
from fwctl_tui.screens.driver_command import DriverCommandScreen
from fwctl_tui.screens.driver_preview import DriverPreviewScreen
from fwctl_tui.screens.driver_result import DriverResultScreen
from fwctl_tui.screens.help import HelpScreen
from fwctl_tui.screens.history import HistoryScreen
from fwctl_tui.sim.cxl.simdev import build_host as cxl_host

MOCK_FEATURE = "ffffffff-ffff-ffff-ffff-ffffffffffff"  # cxl_test's mock: COLD_RESET effects
VENDOR = "0b5e55ed-c0de-4a11-8000-000000000001"  # the simulator's vendor feature
SHARED = ("Kernel accepts", "Taint", "CAP_SYS_RAWIO", "Lockdown", "Changes device", "Effect")


async def _said(pilot: Pilot[Any], ack: str, cancel: str, hint: str) -> dict[str, str]:
    """The shared rows as shown, the acknowledgement, Cancel and hint as shown, and what
    f1 on the focused Cancel says."""
    app = pilot.app
    screen = app.screen
    said = {label: fact_shown(app, label) for label in SHARED}
    said["ack"] = str(screen.query_one(ack, Checkbox).label)
    said["cancel"] = str(screen.query_one(cancel, Button).label)
    said["hint"] = str(screen.query_one(hint, Static).content)
    text = shown(app)
    for key in ("ack", "cancel", "hint"):
        assert said[key] in text, f"the {key} is not on screen"
    assert app.focused is screen.query_one(cancel, Button)
    await pilot.press("f1")
    await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "Cancel's help")
    line = next(line for line in screen_text(app) if "Closes the preview" in line)
    said["f1 on Cancel"] = line[line.index("Closes"):].split("   ")[0]
    await pilot.press("escape")
    return said


async def _cxl_set_feature_preview(pilot: Pilot[Any]) -> None:
    await open_first_device(pilot)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DriverCatalogueScreen)
                     and pilot.app.screen.context_ready, "the cxl catalogue")
    await pilot.press("slash", *"set_feature", "enter", "enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DriverCommandScreen),
                     "the SET_FEATURE form")
    form = pilot.app.screen
    form.query_one("#driver-field-feature", Input).value = MOCK_FEATURE
    form.query_one("#driver-field-data", Input).value = "01020304"
    await pilot.press("ctrl+j")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DriverPreviewScreen),
                     "the SET_FEATURE preview")


async def test_mlx5_and_cxl_previews_word_a_debug_write_send_identically(
        tmp_path: Path) -> None:
    mlx5_app = make_app(tmp_path / "mlx5")
    async with mlx5_app.run_test(size=(120, 40)) as pilot:
        await open_preview(pilot, "set_diagnostic", "SET_DIAGNOSTIC_PARAMS")
        assert "DEBUG_WRITE" in fact_shown(mlx5_app, "Scope")
        mlx5 = await _said(pilot, "#preview-ack", "#preview-cancel", "#preview-default")

    cxl_app = make_app(tmp_path / "cxl", host=cxl_host(persistent=False))  # type: ignore[arg-type]
    async with cxl_app.run_test(size=(120, 40)) as pilot:
        await _cxl_set_feature_preview(pilot)
        assert "DEBUG_WRITE" in fact_shown(cxl_app, "Scope")
        cxl = await _said(pilot, "#driver-preview-ack", "#driver-preview-cancel",
                          "#driver-preview-hint")

    assert cxl == mlx5
    assert mlx5["Taint"] == (
        "YES (simulated): the simulated kernel would be tainted (TAINT_FWCTL 'J', bit 19) "
        "as a real one would, permanently until reboot; this machine is untouched")
    assert mlx5["ack"] == "I understand this would taint the kernel (simulated here)"
    assert mlx5["cancel"] == "Cancel (default)"
    assert mlx5["hint"].startswith("Enter cancels (the default) · tick the acknowledgement")
    assert mlx5["f1 on Cancel"].startswith("Closes the preview; nothing is sent.")


async def test_a_cxl_return_code_reads_the_same_in_the_result_and_the_history(
        tmp_path: Path) -> None:
    """records.reply_outcome's words: the result's title and head, and the history row."""
    said = "FEATURESELVALUE (retval 26)"
    app = make_app(tmp_path, host=cxl_host(persistent=False))  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_device(pilot)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DriverCatalogueScreen)
                         and pilot.app.screen.context_ready, "the cxl catalogue")
        await pilot.press("slash", *"get_feature", "enter", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DriverCommandScreen),
                         "the GET_FEATURE form")
        app.screen.query_one("#driver-field-feature", Input).value = VENDOR
        app.screen.query_one("#driver-field-selection", Input).value = "saved"
        await pilot.press("ctrl+j")
        await wait_until(pilot, lambda: isinstance(app.screen, DriverPreviewScreen),
                         "the GET_FEATURE preview")
        await pilot.press("enter")  # a read the kernel accepts: Send has the focus
        await wait_until(pilot, lambda: isinstance(app.screen, DriverResultScreen),
                         "the result")
        text = shown(app)
        assert f" ms · {said}" in text  # the border title
        assert f"The firmware answered {said}: the command did not succeed." in text
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history")
        row = next(line for line in screen_text(app) if "GET_FEATURE" in line)
        assert said in row and "CONFIGURATION" in row

"""A simulator profile that does not exist: a usage error before the TUI starts, and a
clear "could not be opened" (naming the profiles) when given as a device."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_support import (
    make_app,
    screen_text,
    settle,
)

from fwctl_tui.screens.error import ErrorScreen


def test_simulate_unknown_profile_is_a_usage_error_before_the_tui(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fwctl_tui.__main__ import main
    from fwctl_tui.app import FwctlApp

    def never(self: Any) -> None:
        raise AssertionError("the TUI must not start")

    monkeypatch.setattr(FwctlApp, "run", never)
    assert main(["--simulate", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown simulation profile 'nope'" in err and "cx7" in err


async def test_unknown_sim_device_is_could_not_be_opened_with_the_profiles(
    tmp_path: Path
) -> None:
    app = make_app(tmp_path, device="sim:nope")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        error = app.screen
        assert isinstance(error, ErrorScreen)
        assert error.title_text == "The device could not be opened"
        assert "bf3, cx6dx, cx7" in error.happened
        shown = "\n".join(screen_text(app))
        assert "Something failed" not in shown and "report it" not in shown

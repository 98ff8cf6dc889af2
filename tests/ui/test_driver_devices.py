"""cxl and pds devices in the TUI: their own catalogue, form, preview, send and result.

Each test drives one whole flow on a simulated device (sim:cxl-mem, sim:pds) through the
driver plug-in screens and asserts on what the screen shows.
"""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input
from ui_support import (
    fact_shown,
    make_app,
    messages,
    open_first_device,
    pinned_clock,
    settle,
    shown,
    wait_until,
)

from fwctl_tui.app import FwctlApp, run_tui
from fwctl_tui.capture_analysis.decoding import outcome
from fwctl_tui.capture_analysis.listing import summary
from fwctl_tui.captures.loader import load_capture
from fwctl_tui.connect import SimHosts
from fwctl_tui.exchange import Exchange
from fwctl_tui.screens import driver_result
from fwctl_tui.screens.confirm import ConfirmScreen
from fwctl_tui.screens.driver_catalogue import DriverCatalogueScreen
from fwctl_tui.screens.driver_command import DriverCommandScreen
from fwctl_tui.screens.driver_preview import DriverPreviewScreen
from fwctl_tui.screens.driver_result import DriverResultScreen
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.history import HistoryScreen
from fwctl_tui.screens.messages import ShowExchange
from fwctl_tui.screens.result import ResultScreen
from fwctl_tui.sim.cxl.simdev import build_host as cxl_host
from fwctl_tui.sim.pds.simdev import build_host as pds_host
from fwctl_tui.uapi import Scope

MOCK_FEATURE = "ffffffff-ffff-ffff-ffff-ffffffffffff"  # cxl_test's mock: COLD_RESET effects


async def _catalogue(pilot: Pilot[Any], *, opened: bool = False) -> DriverCatalogueScreen:
    """The catalogue, once the device's context is read; `opened`: --device opened it."""
    if not opened:
        await open_first_device(pilot)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DriverCatalogueScreen)
                     and pilot.app.screen.context_ready, "the device's own catalogue")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DriverCatalogueScreen)
    return screen


async def _open_form(pilot: Pilot[Any], query: str) -> DriverCommandScreen:
    await pilot.press("slash", *query, "enter", "enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DriverCommandScreen),
                     f"the form of {query}")
    screen = pilot.app.screen
    assert isinstance(screen, DriverCommandScreen)
    return screen


async def _preview(pilot: Pilot[Any]) -> DriverPreviewScreen:
    await pilot.press("ctrl+j")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DriverPreviewScreen),
                     "the preview")
    screen = pilot.app.screen
    assert isinstance(screen, DriverPreviewScreen)
    return screen


async def test_cxl_catalogue_send_and_set_feature_preview(tmp_path: Path) -> None:
    capture = tmp_path / "cxl-session.jsonl"
    app = make_app(tmp_path, host=cxl_host(persistent=False),  # type: ignore[arg-type]
                   capture=capture)
    async with app.run_test(size=(120, 40)) as pilot:
        await _catalogue(pilot)
        text = shown(app)
        for name in ("GET_SUPPORTED_FEATURES", "GET_FEATURE", "SET_FEATURE"):
            assert name in text
        assert "QUERY_HCA_CAP" not in text and "ACCESS_REG" not in text
        assert "6 features read from the device" in text

        await _open_form(pilot, "supported")
        await _preview(pilot)
        assert fact_shown(app, "Kernel accepts") == "yes"
        assert fact_shown(app, "Taint") == ("no: this scope does not taint; the simulated "
                                            "kernel is not tainted")
        await pilot.press("enter")  # a read: Send has the focus
        await wait_until(pilot, lambda: isinstance(app.screen, DriverResultScreen),
                         "the Get Supported Features result")
        result = shown(app)
        assert "Patrol Scrub Control" in result and "GET_SUPPORTED_FEATURES" in result
        assert "GET_SUPPORTED_FEATURES · " in result and " ms · OK" in result
        assert "did not succeed" not in result
        assert app.workspace.session is not None
        assert app.workspace.session.history[-1].meta["driver"] == "cxl"

        await pilot.press("escape", "escape")  # result -> form -> catalogue
        await wait_until(pilot, lambda: isinstance(app.screen, DriverCatalogueScreen),
                         "back on the catalogue")
        form = await _open_form(pilot, "set_feature")
        form.query_one("#driver-field-feature", Input).value = MOCK_FEATURE
        form.query_one("#driver-field-data", Input).value = "01020304"
        preview = await _preview(pilot)
        said = shown(app)
        assert "DEBUG_WRITE" in said
        assert fact_shown(app, "Taint").startswith("YES (simulated): the simulated kernel "
                                                   "would be tainted (TAINT_FWCTL 'J'")
        assert fact_shown(app, "Changes device") == "yes: this command writes device state"
        assert "CONFIG_CHANGE_COLD_RESET" in said  # the feature's effects, from the device
        send = preview.query_one("#driver-preview-send", Button)
        assert send.disabled  # until the acknowledgement is ticked
        preview.query_one("#driver-preview-ack", Checkbox).value = True
        await wait_until(pilot, lambda: not send.disabled, "Send enabled by the tick")
        send.press()
        await wait_until(pilot, lambda: isinstance(app.screen, DriverResultScreen),
                         "the Set Feature result")
        assert "SET_FEATURE · 16 B · 0.4 ms · OK" in shown(app)
        assert app.workspace.kernel_state().tainted  # the simulated kernel, J set
    with load_capture(capture) as recorded:  # recorded as `send` records them
        listed = [(ex.command, outcome(ex), summary(ex)) for ex in recorded.exchanges()]
    assert [row[:2] for row in listed] == [("GET_SUPPORTED_FEATURES", "OK"),
                                           ("SET_FEATURE", "OK")]
    assert listed[0][2].startswith("6 features: Patrol Scrub Control")


async def test_pds_entries_catalogue_and_eperm_explained(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--device sim:pds opens the pds catalogue (the ConnectX host stays for the rest);
    a saved entry whose scope is below its operation's is refused with EPERM, explained."""
    monkeypatch.setenv("FWCTL_TUI_PDS_ENTRIES_DIR", str(tmp_path / "entries"))
    (tmp_path / "entries").mkdir()
    (tmp_path / "entries" / "sim_pds.json").write_text(json.dumps({"entries": [
        {"name": "counters-low", "endpoint": 1, "operation": 2, "scope": "CONFIGURATION",
         "response_len": 16, "summary": "debug counters, asked at too low a scope"}]}))
    app = make_app(tmp_path, device="sim:pds")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _catalogue(pilot, opened=True)
        text = shown(app)
        assert "pds device" in text and "RPC" in text and "counters-low" in text
        assert "QUERY_HCA_CAP" not in text
        assert "1 saved entries" in text

        form = await _open_form(pilot, "counters")
        assert form.query_one("#driver-field-op", Input).value == "0x2"  # the entry's
        await _preview(pilot)
        said = shown(app)
        assert "endpoint" in said and "0x1" in said
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorScreen), "the refusal")
        said = shown(app)
        assert "failed with EPERM at scope CONFIGURATION" in said
        assert "needs a higher scope" in said and "not EBADMSG" in said

        await pilot.press("escape", "f2")  # the history re-opens it, explained the same way
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen), "the history")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorScreen), "the re-opened")
        assert "needs a higher scope" in shown(app)
        await pilot.press("escape", "ctrl+j")  # re-sent through the pds preview
        await wait_until(pilot, lambda: isinstance(app.screen, DriverPreviewScreen),
                         "the re-send's preview")
        assert "CONFIGURATION" in shown(app) and "0x2" in shown(app)
        await pilot.press("escape", "f6")  # cancelled; the mlx5 dashboard: refused
        await wait_until(pilot, lambda: len(messages(app)) >= 2, "the refusal said")
        assert any("cancelled: nothing was sent" in m for m in messages(app))
        assert any("sim:pds is a pds fwctl device" in m for m in messages(app))
        assert isinstance(app.screen, HistoryScreen)  # no dashboard


async def test_replay_of_a_cxl_capture_opens_the_cxl_catalogue(tmp_path: Path) -> None:
    capture = Path(__file__).parents[2] / "captures" / "07-cxl-features.jsonl"
    app = make_app(tmp_path, device=f"replay:{capture}")
    async with app.run_test(size=(120, 40)) as pilot:
        await _catalogue(pilot, opened=True)  # its features read from the recorded answer
        text = shown(app)
        assert "REPLAY" in text and "SET_FEATURE" in text and "QUERY_HCA_CAP" not in text
        assert "6 features read from the device" in text


def test_simulate_pds_starts_the_tui_on_the_pds_simulator(
        monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[FwctlApp] = []
    monkeypatch.setattr(FwctlApp, "run", lambda self: started.append(self))
    for profile, kind in (("pds", "pds"), ("cxl-mem", "cxl")):
        hosts = SimHosts({"pds": pds_host(persistent=False),
                          "cxl-mem": cxl_host(persistent=False)})
        args = argparse.Namespace(simulate=profile, root=None, capture=None,
                                  start_device=None, scenario=None, open_lessons=False,
                                  sim_hosts=hosts, clock=pinned_clock())
        assert run_tui(args) == 0
        entries = started[-1].workspace.source.entries()
        assert [(e.name, e.kind, e.device_type) for e in entries] == [
            (f"sim:{profile}", "simulated", kind)]


async def test_the_quit_question_goes_away_when_a_cxl_command_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As for mlx5 (test_quit.py): a cxl send held in flight, ctrl+q asks, the answer
    withdraws the question and the result shows."""
    release = threading.Event()
    send = driver_result.send_built

    def held(*args: Any) -> Any:
        release.wait(30)
        return send(*args)

    monkeypatch.setattr(driver_result, "send_built", held)
    app = make_app(tmp_path, host=cxl_host(persistent=False))  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _catalogue(pilot)
        await _open_form(pilot, "supported")
        await _preview(pilot)
        await pilot.press("enter")  # a read: Send has the focus
        await wait_until(pilot, lambda: bool(app.rpc_in_flight), "the RPC to start")
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        release.set()
        await settle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, DriverResultScreen),
                         "the result")
        assert not any(isinstance(s, ConfirmScreen) for s in app.screen_stack)
        assert any("nothing is in flight now" in m for m in messages(app))


async def test_a_pds_record_its_plugin_cannot_rebuild_is_said_so_not_shown_as_mlx5(
        tmp_path: Path) -> None:
    """A capture cut by hand: a pds record without the payloads prepare_record kept."""
    cut = Exchange("RPC", Scope.DEBUG_READ_ONLY, bytes(48), 48, reply=bytes(48), out_len=48,
                   device="sim:pds", meta={"driver": "pds"})
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.post_message(ShowExchange(cut))
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorScreen), "the refusal")
        assert "RPC cannot be shown" in shown(app)
        assert "pds record lacks what its plug-in needs" in shown(app)
        assert not any(isinstance(s, ResultScreen) for s in app.screen_stack)

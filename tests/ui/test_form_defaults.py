"""Pilot tests: forms start at values that work on the open device.

QUERY_QP on sim:cx7 succeeds from the form's offered default (an object that exists,
with a pick list of the others); PTYS asks for Ethernet on an Ethernet port; the port
used last in the session is the next form's default.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select
from ui_support import (
    make_app,
    open_command,
    open_first_device,
    pick,
    select_prompts,
    send_from_form,
    settle,
)

from fwctl_tui.screens.command import CommandScreen
from fwctl_tui.screens.result import ResultScreen

PHY_LAYER = 0x12  # PPCNT grp Physical_Layer_Counters


async def test_query_qp_succeeds_from_the_offered_default(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "query_qp", "QUERY_QP")
        form = app.screen
        assert isinstance(form, CommandScreen)
        assert form.query_one("#f-qpn", Input).value == "1"
        picks = form.query_one("#pick-f-qpn", Select)
        labels = await select_prompts(pilot, picks)
        assert any("GSI QP" in label for label in labels)
        assert any("UMR QP" in label for label in labels)
        result = await send_from_form(pilot)
        assert isinstance(result, ResultScreen)
        assert app.workspace.session.history[-1].status == 0
        await pilot.press("escape")
        await settle(pilot)
        await pick(pilot, picks, "UMR")  # picking an object fills the field
        umr = picks.value
        assert isinstance(umr, int) and umr != 1
        assert form.query_one("#f-qpn", Input).value == f"0x{umr:x}"
        result = await send_from_form(pilot)
        assert isinstance(result, ResultScreen)
        assert app.workspace.session.history[-1].status == 0


async def test_ptys_defaults_fit_the_port_and_index_fields_carry_over(
    tmp_path: Path
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "ptys", "ACCESS_REG:PTYS")
        form = app.screen
        assert isinstance(form, CommandScreen)
        assert form.query_one("#f-register_data_proto_mask", Select).value == 4  # Ethernet
        assert form.query_one("#f-register_data_local_port", Input).value == "1"
        result = await send_from_form(pilot)
        assert isinstance(result, ResultScreen)
        assert app.workspace.session.history[-1].status == 0, "the default works"
        await pilot.press("escape", "escape")
        await settle(pilot)
        await open_command(pilot, "ppcnt", "ACCESS_REG:PPCNT")
        ppcnt = app.screen
        assert isinstance(ppcnt, CommandScreen)
        ppcnt.query_one("#f-register_data_grp", Select).value = PHY_LAYER
        await settle(pilot)
        result = await send_from_form(pilot)
        assert isinstance(result, ResultScreen)
        await pilot.press("escape", "escape")
        await settle(pilot)
        await open_command(pilot, "ppcnt", "ACCESS_REG:PPCNT")
        again = app.screen
        assert isinstance(again, CommandScreen) and again is not ppcnt
        assert again.query_one("#f-register_data_grp", Select).value == PHY_LAYER
        assert any("the value last used in this session" in str(doc.content)
                   for doc in again.query(".form-doc"))


async def test_replayed_device_says_how_to_find_object_numbers(tmp_path: Path) -> None:
    """Without an inventory (a capture acting as the device, as for a live one) the form
    offers what earlier replies named, and says where object numbers come from."""
    app = make_app(tmp_path, device="replay:captures/01-bring-up.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_command(pilot, "query_qp", "QUERY_QP")
        form = app.screen
        assert isinstance(form, CommandScreen)
        note = str(form.query_one("#form-note").content)
        assert "rdma resource show" in note and "QUERY_TIR" in note

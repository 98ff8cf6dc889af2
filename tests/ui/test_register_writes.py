"""Pilot tests: register read-modify-write that tells the truth.

A failed read-back never refills the form; a field firmware applies only with its
update-enable bit gets that bit (and says so); the diff names enum values; raw hex is
previewed as the command its bytes name.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.widgets import OptionList, Select, Static
from ui_support import (
    make_app,
    make_host,
    messages,
    open_command,
    open_first_device,
    paos_write_form,
    read_current,
    settle,
)

from fwctl_tui.screens.command import CommandScreen
from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.messages import RpcFinished
from fwctl_tui.screens.preview import PreviewScreen
from fwctl_tui.screens.result import ResultScreen
from fwctl_tui.workbench import catalogue_model

ADMIN_UP, ADMIN_DOWN = 1, 2


async def test_failed_read_back_leaves_the_form_alone(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        form = await paos_write_form(pilot, "9")  # no port 9: firmware says BAD_PARAM
        form.query_one("#f-register_data_admin_status", Select).value = ADMIN_DOWN
        await settle(pilot)
        typed = dict(form.values)
        await read_current(pilot)

        error = app.screen
        assert isinstance(error, ErrorScreen), "a failed read is an error, not a refill"
        assert "Read current failed" in error.title_text
        assert "BAD_PARAM_ERR" in error.title_text and "BAD_PARAM_ERR" in error.happened
        assert "syndrome 0x" in error.happened
        assert "left exactly as you typed it" in error.happened
        assert not any("Read " in m and "field(s)" in m for m in messages(app))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form
        assert form.read_back is None
        assert form.values == typed
        assert form.query_one("#f-register_data_local_port").value == "9"


async def test_read_back_never_overwrites_index_fields(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        form = await paos_write_form(pilot, "0x1")
        await read_current(pilot)
        assert app.screen is form and form.read_back is not None
        assert "register_data.local_port" not in form.read_back
        assert form.query_one("#f-register_data_local_port").value == "0x1"


async def test_read_back_after_the_form_closed_is_not_applied(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        form = await paos_write_form(pilot, "1")
        await read_current(pilot)
        assert app.workspace.session is not None
        exchange = app.workspace.session.history[-1]
        plan = catalogue_model.plan_from_exchange(exchange)
        applied: list[object] = []
        form.apply_read_back = applied.append  # type: ignore[method-assign]
        await pilot.press("escape")  # the form goes away while a read is in flight ...
        await settle(pilot)
        read = replace(plan, purpose="read-current")
        app.post_message(RpcFinished(read, exchange, origin=form))  # ... and it lands
        await settle(pilot)
        assert applied == []
        assert any("after its form was closed" in m for m in messages(app))


async def test_bringing_a_port_down_sets_ase_and_really_changes_the_port(
    tmp_path: Path
) -> None:
    host = make_host()
    app = make_app(tmp_path, host=host)
    async with app.run_test(size=(120, 36)) as pilot:
        form = await paos_write_form(pilot, "1")
        await read_current(pilot)
        assert form.read_back is not None
        assert form.read_back["register_data.admin_status"] == ADMIN_UP
        assert form.read_back["register_data.ase"] == 0
        form.query_one("#f-register_data_admin_status", Select).value = ADMIN_DOWN
        await settle(pilot)
        status = str(form.query_one("#command-status", Static).content)
        assert "ase set to 1 for you" in status, "the form warns while editing"

        await pilot.press("ctrl+j")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert preview.plan.values["register_data.ase"] == 1
        assert "register_data.ase" in preview.plan.auto_set
        shown = _table_text(preview)
        assert "down_by_configuration (2)" in shown and "up (1)" in shown
        assert "set for you" in shown
        note = str(preview.query_one("#preview-auto", Static).content)
        assert "firmware applies admin_status only when ase" in note
        await pilot.click("#preview-send")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert app.workspace.session is not None
        assert app.workspace.session.history[-1].status == 0

        # read PAOS again, as a person would: the port is really down now
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form
        await read_current(pilot)
        assert form.read_back is not None
        assert form.read_back["register_data.admin_status"] == ADMIN_DOWN
        assert form.read_back["register_data.oper_status"] == 2  # down


def _table_text(screen: PreviewScreen) -> str:
    """The diff table as plain text (a rich Table renders through the console)."""
    from rich.console import Console

    console = Console(width=120, record=True)
    console.print(screen.query_one("#preview-diff", Static).content)
    return console.export_text()


async def test_raw_hex_is_previewed_as_the_command_its_bytes_name(
    tmp_path: Path
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
        form = app.screen
        assert isinstance(form, CommandScreen)
        await pilot.press("ctrl+t")
        await pilot.pause()
        raw = form.query_one("#command-raw")
        raw.value = "08 05 00 00 00 00 00 00 00 00 50 06"  # ACCESS_REG write of PAOS
        await pilot.pause()
        status = str(form.query_one("#command-status", Static).content)
        assert "ready" in status
        await pilot.press("ctrl+j")
        await pilot.pause()
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert preview.plan.label == "ACCESS_REG:PAOS", "not the form's QUERY_HCA_CAP"
        assert not preview.query("#preview-unread"), "raw bytes are not 'fields left empty'"
        await pilot.press("escape")
        await settle(pilot)
        raw.value = "08 05 zz"
        await pilot.pause()
        status = str(form.query_one("#command-status", Static).content)
        assert "at position 7" in status and "character" not in status


async def test_op_mod_select_fits_its_longest_label(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
        select = app.screen.query_one("#command-opmod", Select)
        width, height = select.size.width, select.size.height
        select.focus()
        await pilot.press("enter")  # open the list: the labels as the user reads them
        await pilot.pause()
        options = select.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt)
                   for i in range(options.option_count)]
        assert any(prompt.startswith("GENERAL/current") for prompt in prompts), prompts
        assert width >= max(len(prompt) for prompt in prompts) + 6
        assert height == 3, "one line: the label does not wrap"

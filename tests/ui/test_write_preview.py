"""Pilot tests: the write preview is never stale, Cancel says so, same bytes as `send`.

Read PAOS, write admin down, then prepare admin up: the preview must compare with the
device now (admin_status down->up), not with the first read.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from textual.widgets import Button, Select, Static
from ui_support import (
    FIXED_WALL,
    make_app,
    make_host,
    messages,
    paos_write_form,
    read_current,
    settle,
)

from fwctl_tui.screens.preview import PreviewScreen
from fwctl_tui.screens.result import ResultScreen

ADMIN_UP, ADMIN_DOWN = 1, 2


def rendered(widget: Static) -> str:
    console = Console(width=160, record=True)
    console.print(widget.content)
    return console.export_text()


async def preview_admin(pilot, form, value: int) -> PreviewScreen:
    form.query_one("#f-register_data_admin_status", Select).value = value
    await settle(pilot)
    await pilot.press("ctrl+j")
    await settle(pilot)  # the register is read again in the worker, then the preview opens
    preview = pilot.app.screen
    assert isinstance(preview, PreviewScreen)
    return preview


async def test_second_write_is_compared_with_the_device_now(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await paos_write_form(pilot, "1")
        await read_current(pilot)
        preview = await preview_admin(pilot, form, ADMIN_DOWN)
        await pilot.click("#preview-send")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form

        preview = await preview_admin(pilot, form, ADMIN_UP)
        diff = rendered(preview.query_one("#preview-diff", Static))
        assert "read just now" in diff and "STALE" not in diff
        row = next(line for line in diff.splitlines() if line.strip().startswith("admin_status"))
        assert "down_by_configuration (2)" in row and "up (1)" in row
        assert row.index("down_by_configuration") < row.index("up (1)"), "down -> up"
        assert preview.plan.before is not None
        assert preview.plan.before["register_data.admin_status"] == ADMIN_DOWN
        assert preview.plan.values["register_data.ase"] == 1
        await pilot.click("#preview-send")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await read_current(pilot)
        assert form.read_back is not None
        assert form.read_back["register_data.admin_status"] == ADMIN_UP


async def test_a_failed_re_read_marks_the_comparison_stale(tmp_path: Path) -> None:
    host = make_host()
    app = make_app(tmp_path, host=host)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await paos_write_form(pilot, "1")
        await read_current(pilot)
        form.read_at = FIXED_WALL - 42  # the read was 42 s before the (pinned) clock
        host.functions[0].firmware.faults.fail(0x805, "BAD_PARAM_ERR", op_mod=1, times=1)
        preview = await preview_admin(pilot, form, ADMIN_DOWN)
        diff = rendered(preview.query_one("#preview-diff", Static))
        assert "STALE: compared with the value read 42 s ago" in diff
        assert "BAD_PARAM" in diff
        assert preview.active_bindings["ctrl+r"].binding.description == "Read again"
        await pilot.press("ctrl+r")  # read again: this time the read succeeds
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, PreviewScreen)
        assert "read just now" in rendered(preview.query_one("#preview-diff", Static))


async def test_cancel_is_the_default_and_says_nothing_was_sent(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        form = await paos_write_form(pilot, "1")
        preview = await preview_admin(pilot, form, ADMIN_DOWN)
        cancel = preview.query_one("#preview-cancel", Button)
        assert app.focused is cancel and str(cancel.label) == "Cancel (default)"
        hint = str(preview.query_one("#preview-default", Static).content)
        assert hint.startswith("Enter cancels: Cancel is the default")
        sent_before = len(app.workspace.session.history)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert any("cancelled: nothing was sent" in text for text in messages(app))
        assert len(app.workspace.session.history) == sent_before, "nothing was sent"

"""The command form: the op_mod select in the tab order, and the request hex dimmed
with the field named while a value is invalid."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static
from ui_support import (
    make_app,
    open_command,
    open_first_device,
    screen_text,
    settle,
    wait_until,
)

from fwctl_tui.screens.command import CommandScreen
from fwctl_tui.widgets.command_form import CommandForm
from fwctl_tui.widgets.hex_view import HexView


async def test_op_mod_select_is_reached_with_tab_and_shift_tab(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        assert app.focused is not None and app.focused.id == "f-register_data_swid"
        await pilot.press("shift+tab")
        assert isinstance(app.focused, Select) and app.focused.id == "command-opmod"
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "f-register_data_swid"
        await pilot.press("shift+tab", "enter", "up", "enter")  # keyboard only: write
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CommandScreen) and screen.op_mod == 0
        assert "write" in str(screen.query_one("#command-scope", Static).render())


async def test_invalid_field_dims_the_hex_and_names_the_field(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        form = app.screen
        hex_view = form.query_one("#request-hex", HexView)
        form.query_one("#f-register_data_local_port").value = "1999"
        await settle(pilot)
        assert hex_view.dimmed
        shown = "\n".join(screen_text(app))
        assert "NOT VALID: local_port" in shown
        assert "local_port: out of range 0..255" in shown
        form.query_one("#f-register_data_local_port").value = "1"
        await settle(pilot)
        assert not hex_view.dimmed
        shown = "\n".join(screen_text(app))
        assert "input · 32 B" in shown and "NOT VALID" not in shown


async def test_long_form_at_80x24_has_every_field_in_tab_order(tmp_path: Path) -> None:
    """A long form shows its first screenful first and mounts the rest after that paint:
    every field is there, Tab walks across the seam, and a value typed below the first
    screenful survives rebuilding the form for another op_mod."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        screen = app.screen
        assert isinstance(screen, CommandScreen) and len(screen.specs) == 24
        editors = [screen.query_one("#f-" + spec.path.replace(".", "_"))
                   for spec in screen.specs]
        for before, after in pairwise(editors[2:14]):
            screen.set_focus(before)
            await pilot.press("tab")
            assert app.focused is after, f"Tab from {before.id} went to {app.focused}"
        ase = screen.query_one("#f-register_data_ase", Input)
        screen.set_focus(ase)
        await pilot.press("1")
        await settle(pilot)
        screen.query_one("#command-opmod", Select).value = 0  # write: the form is rebuilt
        await settle(pilot)
        assert screen.query_one("#f-register_data_ase", Input).value == "1"
        assert screen.values["register_data.ase"] == 1


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_fields_built_first_fill_the_form_in_view(tmp_path: Path,
                                                            size: tuple[int, int]) -> None:
    """The form builds only the fields that can be in view with its screen and mounts
    the rest after the first paint: the estimate must never fall short, or the first
    paint shows an empty band where fields belong. Checked against the real layout:
    the first field not built first starts at or below the bottom of the form's view."""
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await open_first_device(pilot)
        # enum dropdowns and docs (PAOS), and a pick list of existing objects (QUERY_CQ)
        for query, name in (("paos", "ACCESS_REG:PAOS"), ("query_cq", "QUERY_CQ")):
            await open_command(pilot, query, name)
            screen = app.screen
            assert isinstance(screen, CommandScreen)
            form = screen.query_one(CommandForm)
            await wait_until(pilot, lambda f=form, s=screen: len(f.query(".form-field"))
                             == len(s.specs), f"every field of {name} mounted")
            fields = list(form.query(".form-field"))
            first = form.built_first
            assert 1 <= first <= len(fields)
            if first < len(fields):
                assert fields[first].virtual_region.y >= form.scrollable_content_region.height, (
                    f"{name} at {size}: {first} fields built first, but field {first + 1} "
                    f"starts at row {fields[first].virtual_region.y} of "
                    f"{form.scrollable_content_region.height} in view")
            await pilot.press("escape")
            await settle(pilot)

"""Pilot: KeyFooter says what the keys do at each moment (a dropdown's `esc` relabelled
in place), in the user's keys, disabled keys dimmed, and a click on a key presses it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Select, Static
from ui_support import make_app, open_command, open_first_device, screen_text, wait_until

from fwctl_tui.widgets.key_footer import KeyFooter


async def test_dropdown_relabels_escape_and_back(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_device(pilot)
        await open_command(pilot, "paos", "ACCESS_REG:PAOS")
        footer_before = screen_text(app)[-1]
        assert "esc Back" in footer_before and "Dismiss menu" not in footer_before
        select = app.screen.query(Select).first()
        select.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: select.expanded, "the dropdown open")
        await wait_until(pilot, lambda: "esc Dismiss menu" in screen_text(app)[-1],
                         "the footer saying esc closes the dropdown")
        assert "esc Back" not in screen_text(app)[-1]
        assert "^j Preview & send" in screen_text(app)[-1]
        await pilot.press("escape")
        await wait_until(pilot, lambda: not select.expanded, "the dropdown closed")
        await wait_until(pilot, lambda: screen_text(app)[-1] == footer_before,
                         "the footer as before")


class FooterApp(App[None]):
    """A minimal app with a KeyFooter: one key that works, one that is disabled, one hidden."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "ring", "Ring", id="ring"),
        Binding("b", "broken", "Broken", id="broken", tooltip="Not now"),
        Binding("c", "hidden", "Hidden", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rung = 0
        self.broken_ran = False

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "broken" else True

    def action_ring(self) -> None:
        self.rung += 1

    def action_broken(self) -> None:
        self.broken_ran = True


def footer_row(app: App[None]) -> str:
    return screen_text(app)[-1]


async def test_keys_keymap_dimming_and_clicks() -> None:
    app = FooterApp()
    async with app.run_test(size=(60, 5)) as pilot:
        await wait_until(pilot, lambda: "a Ring" in footer_row(app), "the footer drawn")
        row = footer_row(app)
        assert " a Ring  b Broken " in row and "Hidden" not in row
        assert row.endswith("\u258f^p palette "), "the palette key at the right"
        line = app.query_one(KeyFooter).render()
        start = line.plain.index(" b ")
        dimmed = [span for span in line.spans if span.start <= start < span.end]
        assert dimmed and all(Style.parse(str(span.style)).dim for span in dimmed)
        ring = line.plain.index(" a ")
        assert not any(Style.parse(str(span.style)).dim
                       for span in line.spans if span.start <= ring < span.end)

        footer = app.query_one(KeyFooter)
        await pilot.hover(KeyFooter, offset=(row.index("Broken"), 0))
        await wait_until(pilot, lambda: footer.tooltip == "Not now", "the key's tooltip")
        await pilot.click(KeyFooter, offset=(row.index("Ring"), 0))
        await wait_until(pilot, lambda: app.rung == 1, "the click on `a Ring` running it")
        await pilot.click(KeyFooter, offset=(row.index("Broken"), 0))
        await pilot.click(KeyFooter, offset=(row.index("Ring"), 0))
        await wait_until(pilot, lambda: app.rung == 2, "the second click on `a Ring`")
        assert not app.broken_ran, "a disabled key does nothing when clicked"

        app.set_keymap({"ring": "f9"})
        await wait_until(pilot, lambda: " f9 Ring " in footer_row(app), "the user's key shown")
        assert " a Ring" not in footer_row(app)
        await pilot.click(KeyFooter, offset=(footer_row(app).index("Ring"), 0))
        await wait_until(pilot, lambda: app.rung == 3, "the click pressing the user's key")


async def test_the_wheel_shows_keys_cut_off() -> None:
    app = FooterApp()
    async with app.run_test(size=(26, 5)) as pilot:
        await wait_until(pilot, lambda: " a Ring" in footer_row(app), "the footer drawn")
        assert "Broken" not in footer_row(app) and footer_row(app).endswith("^p palette ")
        footer = app.query_one(KeyFooter)
        wheel = (footer, 2, 0, 0, 1, 0, False, False, False)
        footer.post_message(events.MouseScrollDown(*wheel))
        await wait_until(pilot, lambda: " b Broken" in footer_row(app), "the next key shown")
        assert "Ring" not in footer_row(app)
        footer.post_message(events.MouseScrollDown(*wheel))  # nothing more to show
        footer.post_message(events.MouseScrollUp(*wheel))
        await wait_until(pilot, lambda: " a Ring" in footer_row(app), "the first key back")

"""A typo in the user's keymap is reported and never leaves an action without a key."""

from __future__ import annotations

from pathlib import Path

from ui_support import make_app, messages, open_command, open_first_device, settle

from fwctl_tui.app import every_binding
from fwctl_tui.screens.keys import checked_keymap
from fwctl_tui.screens.preview import PreviewScreen


def test_unknown_key_names_are_reported_and_not_bound() -> None:
    usable, problems = checked_keymap(
        {"preview_send": "ctrl+shift+banana", "quit": "ctrl+q,f10", "help": "hyperr+f1"},
        every_binding(),
    )
    assert usable == {"quit": "ctrl+q,f10"}
    assert problems == [
        "keymap: preview_send = 'ctrl+shift+banana': 'banana' is not a key name; "
        "preview_send keeps its default key ctrl+j",
        "keymap: help = 'hyperr+f1': 'hyperr' is not a key name; help keeps its default key f1",
    ]


def test_punctuation_and_named_keys_are_key_names() -> None:
    keys = "slash,question_mark,ctrl+j,pageup,?,enter,space,shift+tab,f24,escape"
    assert checked_keymap({"quit": keys}, every_binding()) == ({"quit": keys}, [])


async def test_a_typo_keeps_the_default_key_working(tmp_path: Path) -> None:
    app = make_app(tmp_path, keymap={"preview_send": "ctrl+shift+banana"})
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert any("'banana' is not a key name" in text for text in messages(app))
        await open_first_device(pilot)
        await open_command(pilot, "query_hca", "QUERY_HCA_CAP")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert isinstance(app.screen, PreviewScreen)

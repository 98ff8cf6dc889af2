"""Lessons end to end: the trainee works in the real screens and the side panel checks.

Each test drives a whole lesson with keys, the way a trainee would, and reads what the
lesson panel and the Lessons screen show. Progress lives in tmp_path, and a second app
on the same folder must see it (a restart).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static
from ui_support import make_host, open_command, pinned_clock, send_from_form, settle

from fwctl_tui.app import FwctlApp
from fwctl_tui.config import Config
from fwctl_tui.learn.checks import samples_dir
from fwctl_tui.learn.progress import FILE_NAME
from fwctl_tui.screens.catalogue import CatalogueScreen
from fwctl_tui.screens.command import CommandScreen
from fwctl_tui.screens.lessons import LessonsScreen
from fwctl_tui.screens.preview import PreviewScreen
from fwctl_tui.widgets.lesson_panel import LessonPanel

SIZE = (160, 44)


def learning_app(tmp_path: Path, **kwargs: Any) -> FwctlApp:
    return FwctlApp(host=make_host(), config=Config(theme="textual-dark"), recording=False,
                    clock=pinned_clock(), data_dir=tmp_path / "exports",
                    learn_dir=tmp_path / "learn", **kwargs)


def panel_text(app: FwctlApp) -> tuple[str, str]:
    """(border title, everything the lesson panel on the current screen says)."""
    panel = app.screen.query_one(LessonPanel)
    texts = [str(s.render()) for s in panel.query(Static)]
    return str(panel.border_title), "\n".join(texts)


async def start_lesson(pilot: Pilot[Any], lesson_id: str) -> None:
    """From the device list: `l`, highlight the lesson, Enter; the coach opens sim:cx7."""
    await settle(pilot)
    await pilot.press("l")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LessonsScreen)
    course = screen.query_one(OptionList)
    course.highlighted = course.get_option_index(lesson_id)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CatalogueScreen)
    assert pilot.app.device_kind == "simulated"


async def set_field(pilot: Pilot[Any], path: str, value: Any) -> None:
    widget = pilot.app.screen.query_one("#f-" + path.replace(".", "_"))
    widget.value = value if isinstance(widget, Select) else str(value)
    await settle(pilot)


async def send(pilot: Pilot[Any], query: str, name: str, **fields: Any) -> Any:
    """Open `name` from the catalogue, fill `fields` (register_data.* for registers),
    send it through the preview, and come back to the catalogue."""
    await open_command(pilot, query, name)
    assert isinstance(pilot.app.screen, CommandScreen)
    prefix = "register_data." if name.startswith("ACCESS_REG:") else ""
    for field_name, value in fields.items():
        await set_field(pilot, prefix + field_name, value)
    answered = await send_from_form(pilot)
    return answered


async def back_to_catalogue(pilot: Pilot[Any]) -> None:
    while not isinstance(pilot.app.screen, CatalogueScreen):
        await pilot.press("escape")
        await settle(pilot)


async def answer(pilot: Pilot[Any], text: str) -> None:
    await pilot.press("f7")
    await pilot.pause()
    box = pilot.app.screen.query_one("#lesson-answer", Input)
    assert box.has_focus
    box.value = ""
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_link_lesson_catches_a_wrong_port_and_resumes_after_a_restart(
        tmp_path: Path) -> None:
    app = learning_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_lesson(pilot, "link")
        assert panel_text(app)[0] == "lesson 3 · step 1/4"
        # the wrong port first: the checker says which field and what it wants
        await send(pilot, "paos", "ACCESS_REG:PAOS", local_port=2)
        title, said = panel_text(app)
        assert title == "lesson 3 · step 1/4"
        assert "✗ local_port was 2; this step asks for 1." in said
        assert "Open ACCESS_REG:PAOS, local_port=1" in said  # and how to do it
        await back_to_catalogue(pilot)
        await send(pilot, "paos", "ACCESS_REG:PAOS", local_port=1)
        title, said = panel_text(app)
        assert title == "lesson 3 · step 2/4" and "✓ admin says what was wanted" in said
        await back_to_catalogue(pilot)
        await answer(pilot, "7")
        assert "✗ '7' is not it." in panel_text(app)[1]
        await answer(pilot, "up")  # oper_status's own name, as the reply shows it
        assert panel_text(app)[0] == "lesson 3 · step 3/4"

    again = learning_app(tmp_path)  # a restart: same data directory, new app
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
        course = again.screen.query_one(OptionList)
        assert str(course.get_option("link").prompt).endswith("step 3 of 4")
        await pilot.press("escape")
        await start_lesson(pilot, "link")  # resumes where the first app stopped
        assert panel_text(again)[0] == "lesson 3 · step 3/4"
        await send(pilot, "ptys", "ACCESS_REG:PTYS", local_port=1, proto_mask=4)
        assert panel_text(again)[0] == "lesson 3 · step 4/4"
        await back_to_catalogue(pilot)
        await send(pilot, "pddr", "ACCESS_REG:PDDR", local_port=1, page_select=0)
        title, said = panel_text(again)
        assert title == "lesson 3 · done" and "Lesson complete." in said
        await back_to_catalogue(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
        shown = str(again.screen.query_one(OptionList).get_option("link").prompt)
        assert shown.startswith("✓ 3. Link basics") and shown.endswith("done")
    saved = json.loads((tmp_path / "learn" / FILE_NAME).read_text())
    assert saved["lessons"]["link"] == {"step": 4, "done": True}


async def test_scopes_lesson_previews_and_declines_a_tainting_command(
        tmp_path: Path) -> None:
    app = learning_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_lesson(pilot, "scopes")
        await send(pilot, "query_hca_cap", "QUERY_HCA_CAP")
        assert panel_text(app)[0] == "lesson 1 · step 2/5"
        await back_to_catalogue(pilot)
        await send(pilot, "paos", "ACCESS_REG:PAOS", local_port=1)
        assert panel_text(app)[0] == "lesson 1 · step 3/5"
        await back_to_catalogue(pilot)
        await open_command(pilot, "set_diagnostic", "SET_DIAGNOSTIC_PARAMS")
        await pilot.press("ctrl+j")
        await pilot.pause()
        assert isinstance(app.screen, PreviewScreen)
        await pilot.press("escape")  # read, then declined
        await settle(pilot)
        title, said = panel_text(app)
        assert title == "lesson 1 · step 4/5" and "✓ Declined" in said
        assert app.workspace.session is not None
        assert "SET_DIAGNOSTIC_PARAMS" not in [ex.command for ex in
                                               app.workspace.session.history]
        await answer(pilot, "debug_write")
        assert panel_text(app)[0] == "lesson 1 · step 5/5"
        await answer(pilot, "CAP_SYS_RAWIO")
        assert panel_text(app)[0] == "lesson 1 · done"


async def test_support_case_lesson_replays_and_reads_captures(tmp_path: Path) -> None:
    app = learning_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start_lesson(pilot, "support")
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press(*f"replay:{samples_dir() / '02-link-down.jsonl'}", "enter")
        await settle(pilot)
        assert app.device_kind == "replay"
        title, said = panel_text(app)
        assert title == "lesson 8 · step 2/4" and "✓ A replayed device" in said
        await answer(pilot, "4")  # a firmware refusal, not the kernel's
        assert "✗ '4' is not it." in panel_text(app)[1]
        await answer(pilot, "5")
        await answer(pilot, "remote_phy")
        await answer(pilot, "oper_status")
        assert panel_text(app)[0] == "lesson 8 · done"

"""The capture controller without a screen: what F4 / ctrl+s / ctrl+o say, ask and do.

A recording UI stands in for the App (it records every notice, question and error and
answers questions as told), and a real Workspace runs on a seeded simulated cx7.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers.clocks import TickingClock

from fwctl_tui.sim.host import SimHost
from fwctl_tui.uapi import Scope
from fwctl_tui.workbench import catalogue_model
from fwctl_tui.workbench.capture_controller import CaptureController, Severity
from fwctl_tui.workbench.workspace import DeviceSource, Workspace


@dataclass
class FakeUi:
    """Says yes/no and types paths as the test sets them; keeps what the user was shown."""

    path_answer: str | None = None
    yes_answer: bool | None = None
    notices: list[tuple[str, Severity]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    browsed: list[Path] = field(default_factory=list)
    label: str = ""

    def notify(self, message: str, *, title: str = "", severity: Severity = "information",
               timeout: float | None = None) -> None:
        self.notices.append((message, severity))

    def key_for(self, action: str) -> str:
        return {"toggle_recording": "f4"}[action]

    def show_recording(self, label: str) -> None:
        self.label = label

    def ask_path(self, title: str, placeholder: str, hint: str,
                 then: Callable[[str | None], None]) -> None:
        self.questions.append(title)
        then(self.path_answer)

    def ask_yes(self, title: str, body: str, yes_label: str,
                then: Callable[[bool | None], None]) -> None:
        self.questions.append(f"{title} {body} [{yes_label}]")
        then(self.yes_answer)

    def show_error(self, title: str, what: str, todo: str) -> None:
        self.errors.append(f"{title}: {what}")

    def browse_capture(self, path: Path) -> None:
        self.browsed.append(path)


@pytest.fixture
def recording(tmp_path: Path) -> Iterator[tuple[CaptureController, FakeUi, Path]]:
    capture = tmp_path / "session.jsonl"
    source = DeviceSource(host=SimHost("cx7", seed=5, clock=lambda: 0.0),
                          clock=TickingClock(1_000, wall=1_700_000_000.0))
    workspace = Workspace(source, capture_path=capture)
    ui = FakeUi()
    controller = CaptureController(workspace, ui)
    workspace.open("sim:cx7")
    row = catalogue_model.find("QUERY_ADAPTER")
    assert row is not None
    op_mod = row.command.default_op_mod
    request = catalogue_model.encode(row.command, {}, op_mod)
    workspace.send(catalogue_model.plan(row.command, op_mod, {}, request), Scope.CONFIGURATION)
    yield controller, ui, capture
    workspace.close()


def test_recording_label_and_toggle_say_what_happens(
        recording: tuple[CaptureController, FakeUi, Path]) -> None:
    controller, ui, capture = recording
    controller.update_label()
    assert ui.label == f"● REC {capture}"
    controller.toggle_recording()
    assert ui.label == "not recording"
    assert ui.notices[-1] == ("Recording stopped.", "information")
    controller.toggle_recording()
    assert ui.label == f"● REC {capture}"
    assert "again: new RPCs are added to the same capture" in ui.notices[-1][0]


def test_save_asks_before_replacing_and_creating_folders(
        recording: tuple[CaptureController, FakeUi, Path], tmp_path: Path) -> None:
    controller, ui, _capture = recording
    existing = tmp_path / "kept.jsonl"
    existing.write_text("mine\n")
    ui.path_answer, ui.yes_answer = str(existing), False
    controller.save_capture()
    assert ui.questions[-1].endswith("already exists; saving replaces its contents. [Replace]")
    assert existing.read_text() == "mine\n", "Cancel keeps the file"
    assert ui.notices[-1] == ("Capture not saved.", "information")

    nested = tmp_path / "new" / "dir" / "copy.jsonl"
    ui.path_answer, ui.yes_answer = str(nested), True
    controller.save_capture()
    assert f"The folder {nested.parent} does not exist" in ui.questions[-1]
    assert ui.notices[-1] == (f"Capture saved to {nested}: 1 record(s)", "information")
    assert len(nested.read_text().splitlines()) == 2  # header and the one RPC


def test_save_refuses_a_folder_and_the_file_being_recorded(
        recording: tuple[CaptureController, FakeUi, Path], tmp_path: Path) -> None:
    controller, ui, capture = recording
    controller.confirm_save(tmp_path)
    assert ui.errors == [f"The capture was not saved: {tmp_path} is a folder."]
    controller.confirm_save(capture)
    assert ui.notices[-1][0] == (f"{capture} is the file being recorded to: it is saved "
                                 "as you go.")
    assert not ui.questions


def test_nothing_to_save_without_recording_and_open_hands_over_the_path(
        recording: tuple[CaptureController, FakeUi, Path], tmp_path: Path) -> None:
    controller, ui, _capture = recording
    controller.toggle_recording()  # off
    controller.save_capture()
    assert ui.notices[-1] == ("Nothing is being recorded (f4 turns recording on).", "warning")
    assert not ui.questions
    ui.path_answer = "~/x.jsonl"
    controller.open_capture()
    assert ui.browsed == [Path("~/x.jsonl").expanduser()]
    ui.path_answer = None  # escape: nothing opens
    controller.open_capture()
    assert len(ui.browsed) == 1

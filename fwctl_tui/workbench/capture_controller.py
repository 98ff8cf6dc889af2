"""The App's recording and capture actions: F4, save (ctrl+s) and open (ctrl+o).

A controller the App owns and delegates to: it decides what to say, ask and do from
the Workspace's state, and reaches the user only through `CaptureUi`, the few things
it needs from the App (notify, a path prompt, a yes/no, an error, the capture browser).
Headless (no textual import), so the decisions are testable without a screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal, Protocol

from fwctl_tui.workbench.workspace import Workspace

Severity = Literal["information", "warning", "error"]


class CaptureUi(Protocol):
    """What the capture actions need from the App."""

    def notify(self, message: str, *, title: str = ..., severity: Severity = ...,
               timeout: float | None = ...) -> None: ...

    def key_for(self, action: str) -> str:
        """The key bound to `action`, as shown in hints."""
        ...

    def show_recording(self, label: str) -> None:
        """Show the REC label (the file recorded to, or why nothing is recorded)."""
        ...

    def ask_path(self, title: str, placeholder: str, hint: str,
                 then: Callable[[str | None], None]) -> None: ...

    def ask_yes(self, title: str, body: str, yes_label: str,
                then: Callable[[bool | None], None]) -> None: ...

    def show_error(self, title: str, what: str, todo: str) -> None: ...

    def browse_capture(self, path: Path) -> None: ...


class CaptureController:
    """Recording on/off, saving the capture, opening one to browse."""

    def __init__(self, workspace: Workspace, ui: CaptureUi) -> None:
        self.workspace = workspace
        self.ui = ui

    def recording_label(self) -> str:
        workspace = self.workspace
        if workspace.recorder_path is not None:
            return f"● REC {workspace.recorder_path}"
        return workspace.recording_problem or "not recording"

    def update_label(self) -> None:
        self.ui.show_recording(self.recording_label())

    def announce(self) -> None:
        """Say what recording did that nobody asked for, or why it is not running."""
        workspace = self.workspace
        if workspace.recording_problem:
            self.ui.notify(workspace.recording_problem, title="recording", severity="error",
                           timeout=10)
        elif workspace.recording_notice:
            self.ui.notify(workspace.recording_notice, title="recording", severity="warning",
                           timeout=10)

    def toggle_recording(self) -> None:
        if self.workspace.session is None:
            self.ui.notify("Recording starts when a device is opened.")
            return
        was_on = self.workspace.recorder is not None
        on = self.workspace.toggle_recording()
        self.update_label()
        if on:
            path = self.workspace.recorder_path
            again = path is not None and path == self.workspace.resume_path
            self.ui.notify(f"Recording to {path}" + (" again: new RPCs are added to the same "
                                                     "capture" if again else ""),
                           title="recording")
            self.announce()
        elif was_on:
            self.ui.notify("Recording stopped.", title="recording")
        else:
            self.announce()

    def save_capture(self) -> None:
        recording = self.workspace.recorder_path
        if recording is None:
            self.ui.notify(f"Nothing is being recorded ({self.ui.key_for('toggle_recording')} "
                           "turns recording on).", severity="warning")
            return

        def chosen(dest: str | None) -> None:
            if dest:
                self.confirm_save(Path(dest).expanduser())

        self.ui.ask_path(
            "Save the capture as", "path/to/file.jsonl",
            f"A copy of {recording.name}, the file being recorded: "
            "a path to a .jsonl file (~ is your home). Enter saves, escape cancels.",
            chosen)

    def confirm_save(self, dest: Path) -> None:
        """Ask before replacing a file or creating folders; Cancel is the default."""
        doubts: list[str] = []
        if dest.is_dir():
            self.ui.show_error("The capture was not saved", f"{dest} is a folder.",
                               "Give a file name, e.g. a path ending in .jsonl.")
            return
        recording = self.workspace.recorder_path
        if recording is not None and _same_path(dest, recording):
            self.ui.notify(f"{dest} is the file being recorded to: it is saved as you go.",
                           title="capture")
            return
        if dest.exists():
            doubts.append(f"{dest} already exists; saving replaces its contents.")
        missing = next((p for p in reversed(dest.parents) if not p.exists()), None)
        if missing is not None:
            doubts.append(f"The folder {dest.parent} does not exist; saving creates it "
                          f"(from {missing}).")
        if not doubts:
            self.save(dest)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.save(dest)
            else:
                self.ui.notify("Capture not saved.")

        self.ui.ask_yes("Save the capture?", "\n".join(doubts),
                        "Replace" if dest.exists() else "Create and save", answered)

    def save(self, dest: Path) -> None:
        """Save, and say how many records the file holds (and what it lacks, if anything)."""
        try:
            saved = self.workspace.save_capture(dest)
        except (OSError, ValueError) as err:
            self.ui.show_error("The capture was not saved", str(err),
                               "Choose another path and try again.")
            return
        self.ui.notify(saved.summary(), title="capture",
                       severity="warning" if saved.not_recorded or not saved.records
                       else "information")

    def open_capture(self) -> None:
        def open_path(path: str | None) -> None:
            if path:
                self.ui.browse_capture(Path(path).expanduser())

        self.ui.ask_path(
            "Open capture file", "captures/cx7-read.jsonl",
            "A .jsonl capture recorded by fwctl-tui (~ is your home). Enter opens it "
            "for browsing, escape cancels.", open_path)


def _same_path(a: Path, b: Path) -> bool:
    """Whether two paths name one file; one that cannot be resolved (a loop) names none."""
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop on 3.11
        return False

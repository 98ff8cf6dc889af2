"""The App's recording and capture actions: F4, save (ctrl+s) and open (ctrl+o).

FwctlApp inherits them (with the REC label they keep current) so the App module holds
the device and send flow; everything here works through the Workspace the App owns.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.reactive import reactive

from fwctl_tui.screens.error import ErrorScreen
from fwctl_tui.screens.keys import key_of
from fwctl_tui.screens.workspace import Workspace


class CaptureActions(App[int]):
    """Recording on/off, saving the capture, opening one to browse."""

    recording_label: reactive[str] = reactive("")
    workspace: Workspace  # set by FwctlApp

    def _update_recording_label(self) -> None:
        workspace = self.workspace
        if workspace.recorder_path is not None:
            self.recording_label = f"● REC {workspace.recorder_path}"
        else:
            self.recording_label = workspace.recording_problem or "not recording"

    def _announce_recording(self) -> None:
        """Say what recording did that nobody asked for, or why it is not running."""
        workspace = self.workspace
        if workspace.recording_problem:
            self.notify(workspace.recording_problem, title="recording", severity="error",
                        timeout=10)
        elif workspace.recording_notice:
            self.notify(workspace.recording_notice, title="recording", severity="warning",
                        timeout=10)

    def action_toggle_recording(self) -> None:
        if self.workspace.session is None:
            self.notify("Recording starts when a device is opened.")
            return
        was_on = self.workspace.recorder is not None
        on = self.workspace.toggle_recording()
        self._update_recording_label()
        if on:
            path = self.workspace.recorder_path
            again = path is not None and path == self.workspace.resume_path
            self.notify(f"Recording to {path}" + (" again: new RPCs are added to the same "
                                                  "capture" if again else ""),
                        title="recording")
            self._announce_recording()
        elif was_on:
            self.notify("Recording stopped.", title="recording")
        else:
            self._announce_recording()

    def action_save_capture(self) -> None:
        from fwctl_tui.screens.prompt import PathPrompt

        if self.workspace.recorder_path is None:
            self.notify(f"Nothing is being recorded ({key_of(self, 'toggle_recording')} turns "
                        "recording on).", severity="warning")
            return

        def chosen(dest: str | None) -> None:
            if dest:
                self._confirm_save(Path(dest).expanduser())

        self.push_screen(PathPrompt(
            "Save the capture as", "path/to/file.jsonl",
            hint=f"A copy of {self.workspace.recorder_path.name}, the file being recorded: "
                 "a path to a .jsonl file (~ is your home). Enter saves, escape cancels."),
            chosen)

    def _confirm_save(self, dest: Path) -> None:
        """Ask before replacing a file or creating folders; Cancel is the default."""
        from fwctl_tui.screens.confirm import ConfirmScreen

        doubts: list[str] = []
        if dest.is_dir():
            self.push_screen(ErrorScreen("The capture was not saved", f"{dest} is a folder.",
                                         "Give a file name, e.g. a path ending in .jsonl."))
            return
        recording = self.workspace.recorder_path
        if recording is not None and _same_path(dest, recording):
            self.notify(f"{dest} is the file being recorded to: it is saved as you go.",
                        title="capture")
            return
        if dest.exists():
            doubts.append(f"{dest} already exists; saving replaces its contents.")
        missing = next((p for p in reversed(dest.parents) if not p.exists()), None)
        if missing is not None:
            doubts.append(f"The folder {dest.parent} does not exist; saving creates it "
                          f"(from {missing}).")
        if not doubts:
            self._save_capture(dest)
            return
        self.push_screen(
            ConfirmScreen("Save the capture?", "\n".join(doubts), "Replace" if dest.exists()
                          else "Create and save"),
            lambda yes: self._save_capture(dest) if yes else self.notify("Capture not saved."),
        )

    def _save_capture(self, dest: Path) -> None:
        """Save, and say how many records the file holds (and what it lacks, if anything)."""
        try:
            saved = self.workspace.save_capture(dest)
        except (OSError, ValueError) as err:
            self.push_screen(ErrorScreen("The capture was not saved", str(err),
                                         "Choose another path and try again."))
            return
        self.notify(saved.summary(), title="capture",
                    severity="warning" if saved.not_recorded or not saved.records
                    else "information")

    def action_open_capture(self) -> None:
        from fwctl_tui.screens.prompt import PathPrompt

        def open_path(path: str | None) -> None:
            if not path:
                return
            from fwctl_tui.screens.capture_browser import CaptureBrowserScreen

            self.push_screen(CaptureBrowserScreen(Path(path).expanduser()))

        self.push_screen(PathPrompt(
            "Open capture file", "captures/cx7-read.jsonl",
            hint="A .jsonl capture recorded by fwctl-tui (~ is your home). Enter opens it "
                 "for browsing, escape cancels."), open_path)


def _same_path(a: Path, b: Path) -> bool:
    """Whether two paths name one file; one that cannot be resolved (a loop) names none."""
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop on 3.11
        return False

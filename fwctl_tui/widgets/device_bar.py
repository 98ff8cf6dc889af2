"""DeviceBar: the persistent LIVE / SIMULATED / REPLAY badge, device name and recording file.

Every screen docks one at the top, so nobody ever wonders whether a command will reach
real hardware. It only reads the App's reactive state (attributes down); it never
changes anything.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

KIND_BADGES = {
    "live": ("LIVE", "bold white on dark_red"),
    "simulated": ("SIMULATED", "bold black on dark_cyan"),
    "replay": ("REPLAY", "bold black on dark_goldenrod"),
}


def badge_text(kind: str, name: str, recording: str, busy: bool, width: int = 0) -> Text:
    """The bar's content; split out so it can be checked without an App.

    Given the bar's `width`, a recording path that would not fit loses directories from
    its left (`● REC …/captures/session.jsonl`): the file name is what a user needs.
    """
    text = Text(" fwctl-tui ", style="bold")
    if kind:
        label, style = KIND_BADGES.get(kind, (kind.upper(), "reverse"))
        text.append(f" {label} ", style=style)
        text.append(" ")
        text.append(name, style="bold")
    else:
        text.append(" no device open ", style="dim")
    if busy:
        text.append("  ⧗ RPC in flight", style="bold yellow")
    text.append("   ")
    if width and recording.startswith("● REC ") and text.cell_len + len(recording) > width:
        recording = "● REC " + _elide_left(recording.removeprefix("● REC "),
                                           width - text.cell_len - len("● REC "))
    text.append_text(recording_text(recording))
    return text


def _elide_left(path: str, room: int) -> str:
    """`path` in at most `room` cells by dropping leading directories, file name kept."""
    parts = path.split("/")
    for start in range(1, len(parts)):
        shorter = "…/" + "/".join(parts[start:])
        if len(shorter) <= room:
            return shorter
    return "…/" + parts[-1]


def recording_text(label: str) -> Text:
    """`● REC file` in red, a recording problem in bold yellow, "not recording" dimmed."""
    if label.startswith("● REC"):
        text = Text("● REC", style="bold red")
        text.append(label.removeprefix("● REC"), style="dim")
        return text
    if label and label != "not recording":
        return Text(label, style="bold yellow")
    return Text("not recording", style="dim")


class DeviceBar(Static):
    """One line, docked top: badge, device, RPC-in-flight marker, capture file."""

    DEFAULT_CSS = """
    DeviceBar { dock: top; height: 1; background: $panel; color: $text; }
    """

    def on_mount(self) -> None:
        for attribute in ("device_kind", "device_name", "recording_label", "busy"):
            if hasattr(type(self.app), attribute):  # any App can host the bar
                self.watch(self.app, attribute, self._refresh_bar, init=False)
        self._refresh_bar()

    def on_resize(self) -> None:
        self._refresh_bar()

    def _refresh_bar(self, _value: object = None) -> None:
        app = self.app  # FwctlApp's reactives; another host App may have some or none
        self.update(
            badge_text(
                getattr(app, "device_kind", ""),
                getattr(app, "device_name", ""),
                getattr(app, "recording_label", ""),
                bool(getattr(app, "busy", False)),
                self.size.width,
            )
        )

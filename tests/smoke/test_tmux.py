"""Real-terminal smoke test: `fwctl-tui --simulate` in tmux, keys sent, screen read back.

Device list -> catalogue search -> form -> ctrl+j preview -> Enter -> decoded result;
and a capture opened as a device (--device replay:FILE) on an 80x24 terminal.

It asserts on what a person would see (the SIMULATED badge, a device name, the
catalogue) rather than on widget state, so it catches what Pilot cannot: the entry
point, terminal setup, real key decoding and rendering. Skipped when tmux is missing.

It waits for screen states, never for time: tmux copies everything the app writes to the
terminal into a FIFO (pipe-pane), and each step blocks on that FIFO until the app draws,
then reads the pane, until the state it expects is drawn and settled (the app wrote
nothing more for QUIET_S); every step is bounded by a deadline. On a loaded machine Textual
can forward a burst of keys to the widget focused *before* an earlier key moved focus,
so a step whose keys were lost is repeated only after looking at the screen, and in a
form that is right whichever widget has focus.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ENTRY = Path(sys.executable).with_name("fwctl-tui")
TIMEOUT_S = 60.0  # the longest any one screen state may take to appear (a loaded machine)
RETRY_S = 10.0  # a step whose state has not appeared by then is looked at and repeated
QUIET_S = 0.3  # a screen is settled when the app has written nothing more for this long
# A private server with no config file: another tmux (or a user's .tmux.conf) cannot
# change the window size or the keys.
SERVER = ("-L", f"fwctl-smoke-{os.getpid()}", "-f", "/dev/null")


def tmux(*args: str) -> str:
    done = subprocess.run(["tmux", *SERVER, *args], capture_output=True, text=True,
                          check=False)
    return done.stdout


def screen_of(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


class PaneOutput:
    """What the app writes to its terminal, as events: `drawn(t)` blocks until it writes
    (True) or `t` seconds pass with no output (False). tmux's pipe-pane copies the pane's
    output into a FIFO; its read end is opened first, so the copy never blocks."""

    def __init__(self, session: str, folder: Path) -> None:
        fifo = folder / f"{session}.out"
        os.mkfifo(fifo)
        self.fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        tmux("pipe-pane", "-o", "-t", session, f"cat > {fifo}")

    def drawn(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0.0))
        if not ready:
            return False
        try:
            return bool(os.read(self.fd, 1 << 16))  # b"": the app (and its pane) ended
        except BlockingIOError:
            return False

    def close(self) -> None:
        os.close(self.fd)


OUTPUT: dict[str, PaneOutput] = {}


def start(session: str, folder: Path, command: str, width: int, height: int) -> None:
    """The app in a detached tmux session of exactly `width` x `height`, output watched."""
    subprocess.run(["tmux", *SERVER, "new-session", "-d", "-s", session, "-x", str(width),
                    "-y", str(height), command], check=True)
    OUTPUT[session] = PaneOutput(session, folder)
    tmux("resize-window", "-t", session, "-x", str(width), "-y", str(height))


def stop(session: str) -> None:
    tmux("kill-server")
    OUTPUT.pop(session).close()


def wait_for(session: str, *texts: str, timeout: float = TIMEOUT_S, gone: str = "") -> str:
    """Wait until all `texts` show (and `gone`, if given, does not) on a settled screen
    (drawn, then nothing more written for QUIET_S); fail at the deadline."""
    deadline = time.monotonic() + timeout
    output = OUTPUT[session]
    screen = screen_of(session)
    while True:
        shown = all(text in screen for text in texts) and not (gone and gone in screen)
        left = deadline - time.monotonic()
        if shown and not output.drawn(min(QUIET_S, left)):
            return screen_of(session)
        if left <= 0 or not (shown or output.drawn(left)):
            break
        screen = screen_of(session)
    pytest.fail(f"{texts!r} never all appeared on a settled screen within {timeout:.0f} s:"
                f"\n{screen}")


def step_timeout(deadline: float) -> float:
    """How long one try of a step may wait: RETRY_S, or what is left of its deadline."""
    return min(RETRY_S, max(deadline - time.monotonic(), 0.0))


def keys(session: str, *names: str, literal: bool = False) -> None:
    tmux("send-keys", "-t", session, *(("-l",) if literal else ()), *names)


def press_until(session: str, key: str, *expect: str, still: str, gone: str = "") -> str:
    """Press `key` until `expect` shows (and `gone` does not); it is pressed again only
    while the screen still shows `still` (the key was lost: the previous state is there)."""
    deadline = time.monotonic() + TIMEOUT_S
    keys(session, key)
    while True:
        try:
            return wait_for(session, *expect, timeout=step_timeout(deadline), gone=gone)
        except pytest.fail.Exception:
            if time.monotonic() >= deadline or still not in screen_of(session):
                raise
            keys(session, key)


def search_box(screen: str) -> str:
    """The text in the catalogue's search box (its placeholder when empty)."""
    for line in screen.splitlines():
        if line.startswith("▊") and "▎" in line and not {"▔", "▁"} & set(line):
            return line[1:line.index("▎")].strip()
    return ""


def search(session: str, query: str, *expect: str, slash: bool = True) -> str:
    """On the catalogue: `/` (or, with `slash=False`, ctrl+u in the already focused box)
    and the query; wait until the box holds the query and the list shows `expect`.

    A retry never types `/`: with focus already in the box it would join the query. It
    clears the box (ctrl+u) and types the query, which is right with focus on either
    side, since a printable key on the list starts a new search.
    """
    keys(session, "/" if slash else "C-u")
    keys(session, query, literal=True)
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        try:
            screen = wait_for(session, *expect, timeout=step_timeout(deadline))
            if search_box(screen) == query:
                return screen
        except pytest.fail.Exception:
            if time.monotonic() >= deadline:
                raise
        screen = screen_of(session)
        if time.monotonic() >= deadline:
            pytest.fail(f"the search box holds {search_box(screen)!r}, not {query!r}:\n{screen}")
        keys(session, "C-u")
        keys(session, query, literal=True)


def clean_env(tmp_path: Path) -> str:
    """`env -i ...`: nothing inherited from pytest (its COLUMNS/LINES would fake the size)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    return "env -i " + " ".join(f"{k}={v!r}" for k, v in env.items())


def quit_app(session: str) -> None:
    keys(session, "C-q")
    deadline = time.monotonic() + TIMEOUT_S
    output = OUTPUT[session]
    while session in tmux("list-sessions") and time.monotonic() < deadline:
        output.drawn(deadline - time.monotonic())  # the app's last output, then its end
    assert session not in tmux("list-sessions"), "ctrl+q did not quit"


def test_replay_device_at_80x24(tmp_path: Path) -> None:
    """`--device replay:FILE` opens a capture as the device: the bar says REPLAY."""
    session = f"fwctl-smoke-replay-{os.getpid()}"
    capture = Path(__file__).resolve().parents[2] / "captures" / "01-bring-up.jsonl"
    start(session, tmp_path, f"{clean_env(tmp_path)} {ENTRY} --device replay:{capture}",
          80, 24)
    try:
        screen = wait_for(session, "catalogue · 307")
        assert "REPLAY" in screen
        assert "01-bring-up.jsonl" in screen and "QUERY_HCA_CAP" in screen
        screen = press_until(session, "F3", "Open by name", still="catalogue · 307")
        assert "fwctl devices" in screen
        assert "Open by name" in screen and "Access" in screen
        quit_app(session)
    finally:
        stop(session)


def test_simulated_session_in_a_real_terminal(tmp_path: Path) -> None:
    session = f"fwctl-smoke-{os.getpid()}"
    start(session, tmp_path, f"{clean_env(tmp_path)} {ENTRY} --simulate", 120, 36)
    try:
        wait_for(session, "Welcome to fwctl-tui")  # the first start's tour
        screen = press_until(session, "Escape", "ready", still="Welcome to fwctl-tui",
                             gone="Welcome to fwctl-tui")
        assert "SIMULATED" in screen and "sim:cx7" in screen  # skipped, and remembered
        screen = press_until(session, "Enter", "catalogue · 307", still="fwctl devices")
        assert "QUERY_HCA_CAP" in screen
        # PAOS in the list, and its register id in the details pane
        screen = search(session, "paos", "ACCESS_REG:PAOS", "0x5006")
        assert "catalogue · 307" not in screen, "the list is filtered"

        # search, open the form, preview with ctrl+j, send with Enter, see the result
        search(session, "query_hca", "QUERY_HCA_VPORT", slash=False)
        keys(session, "Down")  # from the search box into the list (focus moves at once)
        press_until(session, "Enter", "input fields", still="catalogue ·")
        screen = press_until(session, "C-j", "Preview before sending", still="input fields")
        assert "no effect on the running kernel" in screen
        screen = press_until(session, "Enter", "QUERY_HCA_CAP · 4112 B",
                             still="Preview before sending")
        assert "· OK" in screen and "cmd_hca_cap" in screen
        assert "● REC" in screen  # recording is on by default
        quit_app(session)
    finally:
        stop(session)

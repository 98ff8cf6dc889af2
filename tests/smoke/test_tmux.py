"""Real-terminal smoke test: `fwctl-tui --simulate` in tmux, keys sent, screen read back.

Device list -> catalogue search -> form -> ctrl+j preview -> Enter -> decoded result;
and a capture opened as a device (--device replay:FILE) on an 80x24 terminal.

It asserts on what a person would see (the SIMULATED badge, a device name, the
catalogue) rather than on widget state, so it catches what Pilot cannot: the entry
point, terminal setup, real key decoding and rendering. Skipped when tmux is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

ENTRY = Path(sys.executable).with_name("fwctl-tui")
TIMEOUT_S = 30.0
# A private server with no config file: another tmux (or a user's .tmux.conf) cannot
# change the window size or the keys.
SERVER = ("-L", f"fwctl-smoke-{os.getpid()}", "-f", "/dev/null")


def tmux(*args: str) -> str:
    done = subprocess.run(["tmux", *SERVER, *args], capture_output=True, text=True,
                          check=False)
    return done.stdout


def search(session: str, query: str, expect: str, attempts: int = 3) -> str:
    """Type a catalogue search and wait for `expect`. On a loaded machine the first keys
    can reach the screen while it is still being pushed, so the search is retyped."""
    for attempt in range(attempts):
        if attempt:
            tmux("send-keys", "-t", session, "C-u")  # clear what the last try typed
            time.sleep(0.5)
        tmux("send-keys", "-t", session, "/")
        tmux("send-keys", "-t", session, "-l", query)
        try:
            return wait_for(session, expect, timeout=TIMEOUT_S / attempts)
        except pytest.fail.Exception:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def wait_for(session: str, text: str, timeout: float = TIMEOUT_S) -> str:
    """Poll the pane until `text` shows up (then let the app settle); fail otherwise."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            time.sleep(0.5)  # the screen is drawn; give focus and bindings a moment
            return tmux("capture-pane", "-p", "-t", session)
        time.sleep(0.2)
    pytest.fail(f"{text!r} never appeared on screen:\n{screen}")


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
    tmux("send-keys", "-t", session, "C-q")
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline and session in tmux("list-sessions"):
        time.sleep(0.2)
    assert session not in tmux("list-sessions"), "ctrl+q did not quit"


def test_replay_device_at_80x24(tmp_path: Path) -> None:
    """`--device replay:FILE` opens a capture as the device: the bar says REPLAY."""
    session = f"fwctl-smoke-replay-{os.getpid()}"
    capture = Path(__file__).resolve().parents[2] / "captures" / "01-bring-up.jsonl"
    command = f"{clean_env(tmp_path)} {ENTRY} --device replay:{capture}"
    subprocess.run(["tmux", *SERVER, "new-session", "-d", "-s", session, "-x", "80",
                    "-y", "24", command], check=True)
    tmux("resize-window", "-t", session, "-x", "80", "-y", "24")
    try:
        screen = wait_for(session, "REPLAY")
        assert "01-bring-up.jsonl" in screen and "QUERY_HCA_CAP" in screen
        tmux("send-keys", "-t", session, "F3")
        screen = wait_for(session, "fwctl devices")
        assert "Open by name" in screen and "Access" in screen
        quit_app(session)
    finally:
        tmux("kill-server")


def test_simulated_session_in_a_real_terminal(tmp_path: Path) -> None:
    session = f"fwctl-smoke-{os.getpid()}"
    command = f"{clean_env(tmp_path)} {ENTRY} --simulate"
    subprocess.run(["tmux", *SERVER, "new-session", "-d", "-s", session, "-x", "120",
                    "-y", "36", command], check=True)
    tmux("resize-window", "-t", session, "-x", "120", "-y", "36")
    try:
        screen = wait_for(session, "Welcome to fwctl-tui")  # the first start's tour
        tmux("send-keys", "-t", session, "Escape")  # skipped, and remembered
        screen = wait_for(session, "sim:cx7")
        assert "SIMULATED" in screen and "Welcome to fwctl-tui" not in screen
        assert "ready" in screen  # the device can be opened
        tmux("send-keys", "-t", session, "Enter")
        screen = wait_for(session, "QUERY_HCA_CAP")
        assert "catalogue" in screen
        screen = search(session, "paos", "ACCESS_REG:PAOS")
        assert "catalogue · 307" not in screen, "the list is filtered"
        assert "0x5006" in screen  # PAOS's register id, in the details pane

        # search, open the form, preview with ctrl+j, send with Enter, see the result
        tmux("send-keys", "-t", session, "C-u")
        tmux("send-keys", "-t", session, "-l", "query_hca")
        wait_for(session, "QUERY_HCA_VPORT")
        tmux("send-keys", "-t", session, "Enter")
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, "input fields")
        tmux("send-keys", "-t", session, "C-j")
        screen = wait_for(session, "Preview before sending")
        assert "no effect on the running kernel" in screen
        tmux("send-keys", "-t", session, "Enter")
        screen = wait_for(session, "QUERY_HCA_CAP · 4112 B")
        assert "· OK" in screen and "cmd_hca_cap" in screen
        assert "● REC" in screen  # recording is on by default
        quit_app(session)
    finally:
        tmux("kill-server")

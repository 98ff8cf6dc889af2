"""Keypress to repaint as a person sees it: the app in a real terminal (tmux), keys sent
to it, and the time until the terminal output that shows the key's effect has arrived.

tui_responsiveness.py measures the same actions in-process, to the app's write of the
repaint; this one adds what the terminal does with it. tmux copies everything the app
writes into a FIFO (pipe-pane). After each key the FIFO is read chunk by chunk, and after
each chunk the pane is read back: the key's latency is the time from just before
`tmux send-keys` (whose process start, ~2-4 ms, is counted against the app) to the chunk
after which the pane shows the expected state. Run: `.venv/bin/python -m bench
terminal_latency` (in `make bench`); needs tmux.
"""

from __future__ import annotations

import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ENTRY = Path(sys.executable).with_name("fwctl-tui")
SESSION = "latency"
TIMEOUT_S = 60.0
QUERIES = ("temperature", "module", "counters")  # typed a key at a time into the search
FORM_TEXT = "12345678"  # typed into the first field of the PAOS form
OPTION = "▊  sleep (6)"  # a PAOS admin_status option as the opened dropdown's list draws it
DROPDOWNS = 8
PALETTES = 5  # palette Enter to the form, each from a fresh palette


class Terminal:
    """The app in a detached tmux session of `width` x `height`, its output in a FIFO."""

    def __init__(self, folder: Path, width: int, height: int) -> None:
        # a private server per terminal, no config file: nothing else changes size or keys
        self.server = ("-L", f"fwctl-latency-{os.getpid()}-{width}", "-f", "/dev/null")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder),
               "XDG_CONFIG_HOME": str(folder / "config"), "XDG_DATA_HOME": str(folder / "data"),
               "XDG_STATE_HOME": str(folder / "state"), "TERM": "xterm-256color",
               "LANG": "C.UTF-8"}
        command = "env -i " + " ".join(f"{k}={v!r}" for k, v in env.items())
        subprocess.run(["tmux", *self.server, "new-session", "-d", "-s", SESSION, "-x", str(width),
                        "-y", str(height), f"{command} {ENTRY} --device sim:cx7"], check=True)
        fifo = folder / "pane.out"
        os.mkfifo(fifo)
        self.fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        self.tmux("pipe-pane", "-o", "-t", SESSION, f"cat > {fifo}")
        self.tmux("resize-window", "-t", SESSION, "-x", str(width), "-y", str(height))

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", *self.server, *args], capture_output=True, text=True,
                              check=False).stdout

    def pane(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", SESSION)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0.0))
        if not ready:
            return False
        try:
            return bool(os.read(self.fd, 1 << 20))
        except BlockingIOError:
            return False

    def settle(self, quiet: float = 0.3) -> None:
        """Wait until the app has written nothing for `quiet` seconds."""
        deadline = time.monotonic() + TIMEOUT_S
        while self._read(quiet) and time.monotonic() < deadline:
            pass

    def until(self, shown: Callable[[str], bool]) -> str:
        """Block on output until the pane satisfies `shown`; the pane then."""
        deadline = time.monotonic() + TIMEOUT_S
        screen = self.pane()
        while not shown(screen):
            if time.monotonic() > deadline:
                raise TimeoutError(f"never shown:\n{screen}")
            self._read(deadline - time.monotonic())
            screen = self.pane()
        return screen

    def key(self, key: str, shown: Callable[[str], bool], *, literal: bool = False) -> float:
        """Seconds from sending `key` to the output after which `shown(pane)` holds."""
        self.settle(0.15)
        start = time.perf_counter()
        self.tmux("send-keys", "-t", SESSION, *(("-l",) if literal else ()), key)
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            if not self._read(deadline - time.monotonic()):
                continue
            arrived = time.perf_counter()
            if shown(self.pane()):
                return arrived - start
        raise TimeoutError(f"never shown after {key!r}:\n{self.pane()}")

    def close(self) -> None:
        self.tmux("kill-server")
        os.close(self.fd)


def search_box(screen: str) -> str:
    """The catalogue search box's text (as tests/smoke reads it)."""
    for line in screen.splitlines():
        if line.startswith("▊") and "▎" in line and not {"▔", "▁"} & set(line):
            return line[1:line.index("▎")].strip()
    return ""


def more(term: Terminal, text: str) -> Callable[[str], bool]:
    """A state: `text` shows more often than it does on the pane now."""
    before = term.pane().count(text)
    return lambda screen: screen.count(text) > before


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1e3:.0f} ms, p95 {p95 * 1e3:.0f} ms"


def measure(width: int, height: int) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as folder:
        term = Terminal(Path(folder), width, height)
        try:
            term.until(lambda s: "catalogue · 307" in s)
            term.settle()
            catalogue = []
            term.key("/", lambda s: "catalogue · 307" in s)
            for query in QUERIES:
                for n in range(1, len(query) + 1):
                    typed = query[:n]
                    catalogue.append(term.key(query[n - 1],
                                              lambda s, t=typed: search_box(s) == t, literal=True))
                term.key("C-u", lambda s, q=query: search_box(s) != q)
            for char in "paos":
                term.key(char, lambda s: "ACCESS_REG:PAOS" in s, literal=True)
            term.key("Down", lambda s: True)  # from the search box into the list
            opened = term.key("Enter", lambda s: "input fields" in s and "swid  8b" in s)
            term.settle()
            form = []
            for n in range(1, len(FORM_TEXT) + 1):
                form.append(term.key(FORM_TEXT[n - 1], more(term, FORM_TEXT[:n]), literal=True))
            for _ in range(4):  # swid, local_port, lp_msb, plane_ind: then admin_status
                term.key("Tab", lambda s: True)
            term.until(lambda s: "admin_status ·" in s)
            dropdown = []
            for _ in range(DROPDOWNS):
                dropdown.append(term.key("Enter", lambda s: OPTION in s))
                term.key("Escape", lambda s: OPTION not in s)
            term.key("Escape", lambda s: "catalogue ·" in s)  # back to the catalogue
            palette = []
            for _ in range(PALETTES):
                term.key("C-p", lambda s: "Search for commands" in s or "catalogue ·" in s)
                term.settle()
                term.key("access_reg:paos", lambda s: "ACCESS_REG:PAOS" in s, literal=True)
                term.settle()
                palette.append(term.key("Enter",
                                        lambda s: "input fields" in s and "swid  8b" in s))
                term.key("Escape", lambda s: "catalogue ·" in s)
            term.key("F3", lambda s: "fwctl devices" in s)
            term.settle()
            device = term.key("Enter", lambda s: "catalogue · 307" in s)
            return {"catalogue_key": _ms(catalogue), "form_key": _ms(form),
                    "dropdown_open": _ms(dropdown),
                    "catalogue_enter_to_form": f"{opened * 1e3:.0f} ms",
                    "palette_enter_to_form": _ms(palette),
                    "device_enter_to_catalogue": f"{device * 1e3:.0f} ms"}
        finally:
            term.close()


def main() -> None:
    if shutil.which("tmux") is None:
        print("terminal_latency: tmux is not installed; skipped")
        return
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for width, height in ((120, 36), (80, 24)):
        for name, value in measure(width, height).items():
            print(f"{width}x{height} {name:<20} {value}")


if __name__ == "__main__":
    main()

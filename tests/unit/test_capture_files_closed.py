"""Capture storage leaves no file open: every path that opens a capture closes it.

recorder.py opens the existing capture to continue it (and to refuse another device's),
save_as opens the source to check it is a capture; a redacted copy reads it twice. Each
must close what it opened, on success and on refusal, without waiting for the garbage
collector (a long TUI session would otherwise pile up descriptors).
"""

from __future__ import annotations

import contextlib
import gc
import os
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.captures import entry, record_sample, session

from fwctl_tui.capture_analysis.redact import save_redacted
from fwctl_tui.captures import CaptureError, load_capture, open_recorder, save_as


def _open_files() -> set[str]:
    """What this process's descriptors point at (sockets and pipes of the runner too)."""
    out = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the descriptor listdir itself used, now closed
            out.add(f"{fd}->{os.readlink(f'/proc/self/fd/{fd}')}")
    return out


def _leaked(action: Callable[[], object], folder: Path) -> list[str]:
    """Files under `folder` that `action` left open, and those it left to the collector:
    a file object dropped unclosed warns (ResourceWarning) when it is freed."""
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        before = _open_files()
        action()
        still_open = sorted(f for f in _open_files() - before if str(folder) in f)
        gc.collect()
    dropped = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    return still_open + dropped


def _continue(path: Path) -> None:
    _sess, kernel = session()
    open_recorder(path, entry(), kernel.state()).close()


def _refuse_other_device(path: Path) -> None:
    _sess, kernel = session()
    with pytest.raises(CaptureError, match="already a capture of"):
        open_recorder(path, entry("sim:other"), kernel.state())


def _not_a_capture(path: Path) -> None:
    path.write_text("not json\n")
    with pytest.raises(CaptureError, match="not a capture"):
        save_as(path, path.with_name("copy.jsonl"))


@pytest.mark.parametrize("action", [
    _continue,
    _refuse_other_device,
    _not_a_capture,
    lambda path: save_as(path, path.with_name("copy.jsonl")),
    lambda path: save_redacted(path, path.with_name("redacted.jsonl")),
], ids=["continue", "refuse-other-device", "save-non-capture", "save-as", "save-redacted"])
def test_no_capture_file_is_left_open(tmp_path: Path, action: Callable[[Path], None]) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path)
    assert _leaked(lambda: action(path), tmp_path) == []


def test_a_capture_closes_its_file_on_close_and_on_a_bad_header(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path)

    def open_read_close() -> None:
        with load_capture(path) as capture:
            list(capture.iter_records())
            capture.record(0)

    def refuse_bad_header() -> None:
        with pytest.raises(CaptureError, match="empty file"):
            load_capture(bad)

    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n")
    assert _leaked(open_read_close, tmp_path) == []
    assert _leaked(refuse_bad_header, tmp_path) == []

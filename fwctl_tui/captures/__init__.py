"""Captures: record every RPC, save safely, load as a stream, replay, re-send and diff.

The file format lives in format.py (documented in docs/capture-format.md); this package
never imports textual, so the CLI, scripts and tests use it headless.
"""

from fwctl_tui.captures.format import SCHEMA, CaptureError
from fwctl_tui.captures.loader import Capture, RecordFilter, RecordItem, load_capture
from fwctl_tui.captures.recorder import (
    Recorder,
    captures_dir,
    default_capture_path,
    open_recorder,
    save_as,
    write_capture,
)

__all__ = [
    "SCHEMA",
    "Capture",
    "CaptureError",
    "RecordFilter",
    "RecordItem",
    "Recorder",
    "captures_dir",
    "default_capture_path",
    "load_capture",
    "open_recorder",
    "save_as",
    "write_capture",
]

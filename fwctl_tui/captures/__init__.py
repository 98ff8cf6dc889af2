"""Capture storage: record every RPC, save safely, load as a stream.

The file format lives in format.py (documented in docs/capture-format.md). Storage knows
nothing about decoders or the simulator: it hands records up, and capture_analysis/
decodes, checks, filters, diffs, redacts and replays them. Headless (no textual).
"""

from fwctl_tui.captures.format import SCHEMA, CaptureError
from fwctl_tui.captures.loader import Capture, RecordItem, load_capture
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
    "RecordItem",
    "Recorder",
    "captures_dir",
    "default_capture_path",
    "load_capture",
    "open_recorder",
    "save_as",
    "write_capture",
]

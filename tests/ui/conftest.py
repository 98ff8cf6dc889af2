"""Fixtures for the TUI tests (helpers live in ui_support.py)."""

from __future__ import annotations

import pytest
from ui_support import pin_time


@pytest.fixture
def pinned_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """RPC durations and wall times fixed, so titles and history never change."""
    pin_time(monkeypatch)

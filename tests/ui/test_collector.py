"""Pilot: while the app runs, full garbage collections are rare (they paused keystrokes);
the process gets Python's setting back when the app ends."""

from __future__ import annotations

import gc
from pathlib import Path

from ui_support import make_app, settle

from fwctl_tui.app import FULL_COLLECTION_EVERY


async def test_full_collections_rare_while_running(tmp_path: Path) -> None:
    before = gc.get_threshold()
    assert before[2] != FULL_COLLECTION_EVERY
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert gc.get_threshold() == (before[0], before[1], FULL_COLLECTION_EVERY)
    assert gc.get_threshold() == before

"""Where the shared reference facts live (../shared/reference beside the checkout)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def reference_dir() -> Path:
    """The reference folder: $FWCTL_TUI_REFERENCE, else ../shared/reference beside the repo."""
    env = os.environ.get("FWCTL_TUI_REFERENCE")
    path = Path(env) if env else REPO_ROOT.parent / "shared" / "reference"
    if not (path / "fwctl-facts.json").is_file():
        raise FileNotFoundError(
            f"reference facts not found in {path}; set FWCTL_TUI_REFERENCE to the folder "
            "holding fwctl-facts.json, mlx5_ifc.json and mlx5_registers.json"
        )
    return path

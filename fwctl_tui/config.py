"""The user's TUI preferences: key remapping and theme, from one small file.

The file lives in platformdirs' user config dir for "fwctl-tui" as `config.toml` (or
`config.json` when TOML is not wanted). It only ever *adjusts* the app: a missing,
unreadable or malformed file yields the defaults plus a list of problems the TUI shows
as a notification, because a typo in a config file must never stop someone reaching a
device. Headless on purpose (no textual import) so the CLI and tests can read it.

    theme = "textual-dark"
    recording = true

    [keymap]            # binding id = keys (comma-separated alternatives)
    preview_send = "ctrl+j,f5"
    quit = "ctrl+q"
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "fwctl-tui"
CONFIG_ENV = "FWCTL_TUI_CONFIG"
DEFAULT_THEME = "textual-dark"


@dataclass(frozen=True)
class Config:
    """What the TUI reads at start-up; `problems` explains anything that was ignored."""

    keymap: dict[str, str] = field(default_factory=dict)
    theme: str = DEFAULT_THEME
    recording: bool = True
    source: Path | None = None
    problems: tuple[str, ...] = ()


def config_paths() -> list[Path]:
    """Candidate files in priority order: $FWCTL_TUI_CONFIG, then config.toml, config.json."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return [Path(override)]
    base = Path(user_config_dir(APP_NAME))
    return [base / "config.toml", base / "config.json"]


def data_dir() -> Path:
    """Where exports (decoded results as JSON) go; created on demand by the caller."""
    return Path(user_data_dir(APP_NAME))


def load_config(path: Path | None = None) -> Config:
    """Read the first existing config file (or `path`); never raises."""
    candidates = [path] if path is not None else config_paths()
    for candidate in candidates:
        if candidate.is_file():
            return _parse(candidate)
    return Config()


def _parse(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as err:
        return Config(source=path, problems=(f"{path}: not read ({err}); using defaults",))
    problems: list[str] = []
    keymap: dict[str, str] = {}
    raw_keymap = raw.get("keymap", {})
    if not isinstance(raw_keymap, dict):
        problems.append(f"{path}: [keymap] must be a table of binding id = keys")
        raw_keymap = {}
    for binding_id, keys in raw_keymap.items():
        if isinstance(keys, list):
            keys = ",".join(str(k) for k in keys)
        if isinstance(keys, str) and keys.strip():
            keymap[str(binding_id)] = keys.strip()
        else:
            problems.append(f"{path}: keymap.{binding_id} must be a key string; ignored")
    theme = raw.get("theme", DEFAULT_THEME)
    if not isinstance(theme, str):
        problems.append(f"{path}: theme must be a string; using {DEFAULT_THEME}")
        theme = DEFAULT_THEME
    recording = raw.get("recording", True)
    if not isinstance(recording, bool):
        problems.append(f"{path}: recording must be true or false; recording stays on")
        recording = True
    return Config(
        keymap=keymap, theme=theme, recording=recording, source=path, problems=tuple(problems)
    )

"""The TUI's config file (config.py, headless): keymap and theme read from TOML or JSON,
never fatal."""

from __future__ import annotations

from pathlib import Path

import pytest

from fwctl_tui.config import DEFAULT_THEME, load_config


def test_toml_keymap_and_theme(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\nrecording = false\n[keymap]\npreview_send = "f5"\n'
                    'quit = ["ctrl+q", "f10"]\n')
    config = load_config(path)
    assert config.theme == "nord" and config.recording is False
    assert config.keymap == {"preview_send": "f5", "quit": "ctrl+q,f10"}
    assert config.problems == ()


def test_json_config(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{"keymap": {"help": "f2"}}')
    assert load_config(path).keymap == {"help": "f2"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("theme = [", "not read"),
        ('keymap = "ctrl+x"', "[keymap] must be a table"),
        ("[keymap]\nquit = 3", "keymap.quit must be a key string"),
        ("theme = 3", "theme must be a string"),
        ('recording = "yes"', "recording must be true or false"),
    ],
)
def test_bad_config_falls_back_and_says_why(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    config = load_config(path)
    assert any(problem in p for p in config.problems)
    assert config.theme == DEFAULT_THEME or config.theme == "nord"


def test_missing_file_is_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FWCTL_TUI_CONFIG", str(tmp_path / "absent.toml"))
    config = load_config()
    assert config.keymap == {} and config.problems == () and config.recording

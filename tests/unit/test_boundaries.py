"""Only app.py, screens/ and widgets/ may import textual: the rest must work headless.

The core modules are imported one after another in one fresh interpreter, and after
each the test looks whether `textual` reached sys.modules. That is the same verdict as
one interpreter per module (100 start-ups): textual absent before module X and present
after it means X's imports loaded it, and the modules X shares with earlier ones were
already shown clean. config.py is held to the same rule; the TUI's headless half
(fwctl_tui.workbench: workspace, catalogue facade, capture controller) is a core package.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from functools import cache

import pytest

import fwctl_tui

UI_PREFIXES = ("fwctl_tui.app", "fwctl_tui.screens.", "fwctl_tui.widgets.")
HEADLESS_UI_HELPERS = ("fwctl_tui.config",)


def core_modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(fwctl_tui.__path__, "fwctl_tui.")
        if not info.name.startswith(UI_PREFIXES) and info.name != "fwctl_tui.__main__"
    ]
    return sorted({*names, *HEADLESS_UI_HELPERS, "fwctl_tui.__main__"})


IMPORT_EACH = """
import importlib, json, sys
verdicts = {}
for name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(name)
    except Exception as exc:
        verdicts[name] = f"import failed: {exc!r}"
        continue
    leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    verdicts[name] = ",".join(leaked)
    if leaked:  # every later module would look guilty: start them afresh
        print(json.dumps(verdicts))
        sys.exit(3)
print(json.dumps(verdicts))
"""


@cache
def verdicts() -> dict[str, str]:
    """module -> "" (clean), the textual modules it loaded, or why it did not import."""
    found: dict[str, str] = {}
    todo = core_modules()
    while todo:
        done = subprocess.run([sys.executable, "-c", IMPORT_EACH, json.dumps(todo)],
                              capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode in (0, 3), done.stderr
        found.update(json.loads(done.stdout))
        todo = [name for name in todo if name not in found]
    return found


@pytest.mark.parametrize("module", core_modules())
def test_module_does_not_import_textual(module: str) -> None:
    leaked = verdicts()[module]
    assert leaked == "", f"{module} imports textual: {leaked}"

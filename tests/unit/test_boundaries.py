"""Only app.py, screens/ and widgets/ may import textual: the rest must work headless.

Each core module is imported in a fresh interpreter (so nothing else has loaded textual
first) and the test asserts `textual` never reached sys.modules. The screens' two
headless helpers (workspace, catalogue_model) and config.py are held to the same rule.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import fwctl_tui

UI_PREFIXES = ("fwctl_tui.app", "fwctl_tui.screens.", "fwctl_tui.widgets.")
HEADLESS_UI_HELPERS = (
    "fwctl_tui.config",
    "fwctl_tui.screens.workspace",
    "fwctl_tui.screens.catalogue_model",
)


def core_modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(fwctl_tui.__path__, "fwctl_tui.")
        if not info.name.startswith(UI_PREFIXES) and info.name != "fwctl_tui.__main__"
    ]
    return sorted({*names, *HEADLESS_UI_HELPERS, "fwctl_tui.__main__"})


@pytest.mark.parametrize("module", core_modules())
def test_module_does_not_import_textual(module: str) -> None:
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(leaked))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{module} imports textual: {done.stdout.strip()}"

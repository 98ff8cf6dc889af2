"""The in-VM kernel suite: runs only inside the test VM (tests/kernel/vm.py boots it).

On any other host every test here is skipped: these tests unbind drivers, taint the
kernel and need the cxl_test devices, so they must never touch a real machine. The
scenario record is taken once, first, on the freshly booted kernel (the taint is once
per boot), and written to $FWCTL_TUI_KERNEL_OUT for the host-side differential test.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

VM_ENV = "FWCTL_TUI_KERNEL_VM"
OUT_ENV = "FWCTL_TUI_KERNEL_OUT"
HERE = Path(__file__).parent


def in_vm() -> bool:
    return os.environ.get(VM_ENV) == "1" and os.path.isdir("/sys/class/fwctl")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if in_vm():
        return
    skip = pytest.mark.skip(reason="runs only inside the test VM: `make test-kernel` "
                                   "(tests/kernel/test_vm.py boots it)")
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def real_record() -> dict[str, Any]:
    """Every scenario step on the real kernel, before any other test touches a device."""
    from tests.kernel.runner import RealBackend, run_all

    record = run_all(RealBackend())
    if out := os.environ.get(OUT_ENV):
        Path(out).write_text(json.dumps(record, indent=1))
    return record

"""Differential test: the kernel emulator against the real kernel, observable for observable.

The real side is the record the in-VM suite took on Linux 7.2.13 with cxl_test
(real_kernel_record.json, kept current by test_vm.py); the emulator side runs the same
scenario list now, with a simulated cxl_test memdev. errno, out_len, the bytes copied
back, the struct written back and TAINT_FWCTL (and how often it was logged) must match.
Where they differ, the emulator is wrong.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.kernel import vm
from tests.kernel.runner import EmulatorBackend, run_all
from tests.kernel.scenarios import STEPS


@pytest.fixture(scope="module")
def emulated() -> dict[str, Any]:
    return run_all(EmulatorBackend())


@pytest.fixture(scope="module")
def real() -> dict[str, Any]:
    record: dict[str, Any] = json.loads(vm.RECORD_FILE.read_text())
    return record


@pytest.mark.parametrize("step", [s.id for s in STEPS])
def test_emulator_matches_real_kernel(step: str, real: dict[str, Any],
                                      emulated: dict[str, Any]) -> None:
    assert emulated["steps"][step] == real["steps"][step]


def test_record_covers_every_step_and_both_marshallings(real: dict[str, Any],
                                                        emulated: dict[str, Any]) -> None:
    assert list(real["steps"]) == [s.id for s in STEPS] == list(emulated["steps"])
    assert real["marshallings"] == ["compiled", "python"]

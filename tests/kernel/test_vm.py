"""Host side of the real-kernel suite: boot the VM once, run tests/kernel/inside there.

Skipped with the exact gap (no QEMU, no kmod, no fixture) when the host cannot boot it;
under `make test-kernel` (FWCTL_TUI_REQUIRE_VM=1) a gap is a failure instead.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.kernel import vm

# One boot for both tests: under xdist (make test's --dist loadgroup) they share a worker.
# The kernel folder is collected first, so the long VM run starts beside the rest.
pytestmark = pytest.mark.xdist_group("kernel-vm")

@pytest.fixture(scope="module")
def vm_run() -> vm.VmRun:
    if gaps := vm.missing():
        message = "kernel VM tests not run: " + "; ".join(gaps)
        if os.environ.get(vm.REQUIRE_ENV) == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return vm.boot_and_run()


def test_in_vm_kernel_suite_passes(vm_run: vm.VmRun) -> None:
    """Every rule of tests/kernel/inside, on the real kernel (per-rule lines with -rA)."""
    print(vm_run.output)
    print(f"VM boot + suite: {vm_run.wall_s:.1f} s")
    problem = vm_run.failure()
    assert problem is None, problem


def test_real_kernel_still_answers_as_recorded(vm_run: vm.VmRun) -> None:
    """The committed record the differential test uses is what this kernel answers now."""
    if vm_run.record is None:
        pytest.fail(vm_run.failure() or "no record", pytrace=False)
    committed = json.loads(vm.RECORD_FILE.read_text())
    for step_id, observed in vm_run.record["steps"].items():
        assert observed == committed["steps"].get(step_id), (
            f"{step_id}: the real kernel now answers {observed}; refresh the record with "
            "`python -m tests.kernel.vm --save` if the kernel fixture changed on purpose")
    assert vm_run.record["steps"].keys() == committed["steps"].keys()

"""Boot the real-kernel VM (../shared/realkernel/run-vm.sh) once and run the in-VM suite.

The kernel image and modules stay where they are: a test fixture shared by the team,
never copied into the project. What the harness needs is checked first, and every gap
is named with what to install, so a broken harness never looks like a kernel result.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
REALKERNEL_ENV = "FWCTL_TUI_REALKERNEL"
REQUIRE_ENV = "FWCTL_TUI_REQUIRE_VM"  # set by `make test-kernel`: a gap fails, never skips
QEMU = "qemu-system-x86_64"
MODPROBE = Path("/sbin/modprobe")
VM_TIMEOUT_S = 420  # run-vm.sh kills the VM after this; the suite takes 1-3 min under TCG
FIXTURE_FILES = ("run-vm.sh", "guest-init", "modprobe-wrapper", "bzImage", "modroot")
RECORD_MARK = "=== fwctl-tui kernel record ==="
INSIDE = "tests/kernel/inside"
# The root file system is read-only (no cache); plugins the suite does not use cost up to
# a minute of imports under software emulation (hypothesis alone ~40 s).
PYTEST_OPTIONS = ("-p no:cacheprovider -p no:hypothesispytest -p no:textual-snapshot "
                  "-p no:syrupy -q -rA --durations=5")


def realkernel() -> Path:
    return Path(os.environ.get(REALKERNEL_ENV) or REPO.parent / "shared" / "realkernel")


def missing() -> list[str]:
    """What the host lacks to boot the VM, each with how to get it (empty: ready)."""
    gaps = []
    rk = realkernel()
    absent = [name for name in FIXTURE_FILES if not (rk / name).exists()]
    if not rk.is_dir():
        gaps.append(f"the real-kernel fixture {rk} does not exist (set {REALKERNEL_ENV} to "
                    "the directory holding run-vm.sh and bzImage)")
    elif absent:
        gaps.append(f"the real-kernel fixture {rk} lacks {', '.join(absent)} (its build.sh "
                    "rebuilds bzImage and modroot)")
    if shutil.which(QEMU) is None:
        gaps.append(f"{QEMU} not found: apt-get install qemu-system-x86 (.ci/run does)")
    if not MODPROBE.exists():
        gaps.append(f"{MODPROBE} not found: apt-get install kmod (the VM runs the host's "
                    "modprobe to load cxl_test)")
    return gaps


@dataclass(frozen=True)
class VmRun:
    """One boot: the in-VM pytest's exit status and output, and the scenario record."""

    returncode: int
    output: str
    stderr: str
    record: dict[str, Any] | None
    wall_s: float

    def failure(self) -> str | None:
        """Why the run failed, in words: a boot failure says so, with the console tail."""
        if self.returncode == 0 and self.record is not None:
            return None
        if self.returncode == 125:
            return f"the VM failed before running the suite (run-vm.sh exit 125):\n{self.stderr}"
        if self.record is None:
            return (f"the in-VM suite left no scenario record (exit {self.returncode}):\n"
                    f"{self.output[-4000:]}\n{self.stderr[-2000:]}")
        failed = [line for line in self.output.splitlines() if line.startswith(("FAILED",
                                                                                 "ERROR"))]
        return (f"the in-VM suite failed (exit {self.returncode}):\n" + "\n".join(failed)
                + f"\n{self.output[-6000:]}")


def _command() -> list[str]:
    record = "/run/tmp/kernel-record.json"  # /run/tmp is the VM's writable TMPDIR
    script = (
        f"env FWCTL_TUI_KERNEL_VM=1 FWCTL_TUI_KERNEL_OUT={record} "
        f"{sys.executable} -m pytest {INSIDE} {PYTEST_OPTIONS}; rc=$?; "
        f"echo '{RECORD_MARK}'; cat {record} 2>/dev/null; exit $rc"
    )
    return [str(realkernel() / "run-vm.sh"), "sh", "-c", script]


@cache
def boot_and_run() -> VmRun:
    """Boot once per test session (cached) and run tests/kernel/inside as root in the VM."""
    start = time.monotonic()
    env = {**os.environ, "RUNVM_TIMEOUT": str(VM_TIMEOUT_S)}
    proc = subprocess.run(_command(), cwd=REPO, env=env, capture_output=True, text=True,
                          check=False)
    output, _, tail = proc.stdout.partition(RECORD_MARK)
    try:
        record = json.loads(tail) if tail.strip() else None
    except ValueError:
        record = None
    return VmRun(proc.returncode, output, proc.stderr, record, time.monotonic() - start)


RECORD_FILE = Path(__file__).with_name("real_kernel_record.json")
"""The last real-kernel record, committed: the differential test compares the emulator
with it on every host, and test_vm.py checks a fresh boot still produces it."""


def main(argv: list[str]) -> int:
    """`python -m tests.kernel.vm [--save]`: boot, print the in-VM suite, optionally save
    the scenario record as the committed reference."""
    if gaps := missing():
        print("cannot boot the kernel VM:\n  " + "\n  ".join(gaps), file=sys.stderr)
        return 2
    run = boot_and_run()
    print(run.output)
    print(run.stderr, file=sys.stderr)
    if problem := run.failure():
        print(problem, file=sys.stderr)
        return 1
    if "--save" in argv and run.record is not None:
        RECORD_FILE.write_text(json.dumps(run.record, indent=1) + "\n")
        print(f"wrote {RECORD_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Say at the end of every run whether the real-kernel VM ran, and if not, what is missing."""

from __future__ import annotations

from typing import Any

from tests.kernel import vm


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not any("tests/kernel/test_vm.py" in key for key in _reported(terminalreporter)):
        return
    if gaps := vm.missing():
        terminalreporter.write_line("real-kernel VM tests skipped: " + "; ".join(gaps),
                                    yellow=True)
    elif vm.boot_and_run.cache_info().currsize:
        run = vm.boot_and_run()
        terminalreporter.write_line(f"real-kernel VM: boot + in-VM suite {run.wall_s:.0f} s, "
                                    f"exit {run.returncode}")


def _reported(reporter: Any) -> list[str]:
    return [report.nodeid for reports in reporter.stats.values() for report in reports
            if hasattr(report, "nodeid")]

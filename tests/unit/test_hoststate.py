"""Live-host kernel state parsed from fake /proc and /sys files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fwctl_tui.hoststate import (
    parse_cap_sys_rawio,
    parse_lockdown,
    parse_tainted,
    read_host_state,
)
from fwctl_tui.uapi import TAINT_FWCTL_MASK

STATUS = """Name:\tfwctl-tui
Umask:\t0022
CapInh:\t0000000000000000
CapPrm:\t{cap}
CapEff:\t{cap}
CapBnd:\t000001ffffffffff
"""


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def fake_host(tmp_path: Path) -> Path:
    _write(tmp_path, "proc/sys/kernel/osrelease", "6.18.0-test\n")
    _write(tmp_path, "proc/sys/kernel/tainted", f"{TAINT_FWCTL_MASK | 1}\n")
    _write(tmp_path, "proc/self/status", STATUS.format(cap="000001ffffffffff"))
    _write(tmp_path, "proc/self/comm", "fwctl-tui\n")
    _write(tmp_path, "sys/kernel/security/lockdown", "none [integrity] confidentiality\n")
    return tmp_path


def test_reads_every_field(fake_host: Path) -> None:
    state = read_host_state(fake_host)
    assert state.release == "6.18.0-test"
    assert state.version == (6, 18)
    assert state.tainted == TAINT_FWCTL_MASK | 1
    assert state.fwctl_tainted is True
    assert state.has_cap_sys_rawio is True
    assert state.lockdown == "integrity"
    assert state.comm == "fwctl-tui"
    assert state.pid == os.getpid()
    assert state.simulated is False


def test_reads_fresh_each_call(fake_host: Path) -> None:
    _write(fake_host, "proc/sys/kernel/tainted", "0\n")
    assert read_host_state(fake_host).fwctl_tainted is False
    _write(fake_host, "proc/sys/kernel/tainted", f"{TAINT_FWCTL_MASK}\n")
    assert read_host_state(fake_host).fwctl_tainted is True


def test_cap_sys_rawio_bit_17(fake_host: Path) -> None:
    without_rawio = (1 << 41) - 1 & ~(1 << 17)
    _write(fake_host, "proc/self/status", STATUS.format(cap=f"{without_rawio:016x}"))
    assert read_host_state(fake_host).has_cap_sys_rawio is False
    _write(fake_host, "proc/self/status", STATUS.format(cap=f"{1 << 17:016x}"))
    assert read_host_state(fake_host).has_cap_sys_rawio is True


def test_unreadable_lockdown_is_unknown(fake_host: Path) -> None:
    lockdown = fake_host / "sys/kernel/security/lockdown"
    lockdown.unlink()
    lockdown.mkdir()  # present but unreadable (EISDIR)
    assert read_host_state(fake_host).lockdown == "unknown"


def test_missing_files_fall_back_to_the_real_host(tmp_path: Path) -> None:
    state = read_host_state(tmp_path)
    assert state.release == os.uname().release
    assert isinstance(state.tainted, int)
    assert state.pid == os.getpid()


def test_real_host() -> None:
    state = read_host_state()
    assert state.release == os.uname().release
    assert state.lockdown in {"none", "integrity", "confidentiality", "unknown"}
    assert state.comm


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("524288\n", 524288), ("garbage", 0), ("", 0), (None, 0)],
)
def test_parse_tainted(text: str | None, expected: int) -> None:
    assert parse_tainted(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CapEff:\t0000000000020000", True),
        ("CapEff:\t000001fffffdffff", False),
        ("CapPrm:\t0000000000020000", False),  # only the effective set counts
        ("CapEff:\tzz", False),
        (None, False),
    ],
)
def test_parse_cap_sys_rawio(text: str | None, expected: bool) -> None:
    assert parse_cap_sys_rawio(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[none] integrity confidentiality", "none"),
        ("none integrity [confidentiality]", "confidentiality"),
        ("none", "none"),
        ("none integrity", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_parse_lockdown(text: str | None, expected: str) -> None:
    assert parse_lockdown(text) == expected

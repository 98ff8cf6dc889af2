"""The real syscall path (libc ioctl through ctypes) and FwctlDevice's error reporting."""

from __future__ import annotations

import errno
import os

import pytest

from fwctl_tui.facts import struct_fields
from fwctl_tui.ioctl import FwctlDevice, FwctlError
from fwctl_tui.uapi import Scope


def test_rpc_on_dev_null_is_enotty_explained() -> None:
    with FwctlDevice.open("/dev/null") as dev:
        result = dev.rpc(Scope.DEBUG_READ_ONLY, bytes(16), 64)
    assert result.errno == errno.ENOTTY
    assert not result.ok and result.output.nbytes == 0
    assert result.explanation is not None
    assert "not a fwctl device" in result.explanation.meaning


def test_info_on_dev_null_raises_a_clear_error() -> None:
    with FwctlDevice.open("/dev/null") as dev, pytest.raises(FwctlError) as exc:
        dev.info()
    assert exc.value.errno == errno.ENOTTY
    assert "FWCTL_INFO /dev/null failed: ENOTTY" in str(exc.value)


def test_open_missing_path_is_enoent_explained(tmp_path) -> None:
    with pytest.raises(FwctlError) as exc:
        FwctlDevice.open(str(tmp_path / "fwctl9"))
    assert exc.value.errno == errno.ENOENT
    assert exc.value.explanation.action


def test_open_without_permission_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: str, flags: int) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", path)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(FwctlError) as exc:
        FwctlDevice.open("/dev/fwctl/fwctl0")
    assert exc.value.errno == errno.EACCES
    assert "udev rule" in exc.value.explanation.action


def test_packed_length_fields_follow_the_struct_layout() -> None:
    offsets = {f["name"]: f["offset"] for f in struct_fields("fwctl_rpc")}
    assert (offsets["scope"], offsets["in_len"], offsets["out_len"]) == (4, 8, 12)


def test_result_is_reused_and_data_copies() -> None:
    with FwctlDevice.open("/dev/null") as dev:
        first = dev.rpc(Scope.CONFIGURATION, bytes(16), 32)
        second = dev.rpc(Scope.CONFIGURATION, bytes(32), 64)
    assert first is second and second.in_len == 32 and second.out_cap == 64

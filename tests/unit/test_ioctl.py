"""The real syscall path (libc ioctl through ctypes) and FwctlDevice's error reporting."""

from __future__ import annotations

import errno
import os

import pytest

from fwctl_tui.facts import struct_fields
from fwctl_tui.ioctl import FwctlDevice, FwctlError, RpcCallType
from fwctl_tui.uapi import Scope

# every test with a device runs on the C RpcCall and on its Python twin: `both_marshallings`
# is the one its devices use this time (conftest.py)


def test_rpc_on_dev_null_is_enotty_explained(both_marshallings: RpcCallType) -> None:
    with FwctlDevice.open("/dev/null", rpc_call=both_marshallings) as dev:
        result = dev.rpc(Scope.DEBUG_READ_ONLY, bytes(16), 64)
    assert result.errno == errno.ENOTTY
    assert not result.ok and result.output.nbytes == 0
    assert result.explanation is not None
    assert "not a fwctl device" in result.explanation.meaning


def test_info_on_dev_null_raises_a_clear_error(both_marshallings: RpcCallType) -> None:
    with (FwctlDevice.open("/dev/null", rpc_call=both_marshallings) as dev,
          pytest.raises(FwctlError) as exc):
        dev.info()
    assert exc.value.errno == errno.ENOTTY
    assert "FWCTL_INFO /dev/null failed: ENOTTY" in str(exc.value)


def test_open_missing_path_is_enoent_explained(tmp_path, both_marshallings: RpcCallType) -> None:
    with pytest.raises(FwctlError) as exc:
        FwctlDevice.open(str(tmp_path / "fwctl9"), rpc_call=both_marshallings)
    assert exc.value.errno == errno.ENOENT
    assert exc.value.explanation.action


def test_open_without_permission_says_what_to_do(monkeypatch: pytest.MonkeyPatch,
                                                 both_marshallings: RpcCallType) -> None:
    def denied(path: str, flags: int) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", path)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(FwctlError) as exc:
        FwctlDevice.open("/dev/fwctl/fwctl0", rpc_call=both_marshallings)
    assert exc.value.errno == errno.EACCES
    assert "udev rule" in exc.value.explanation.action


def test_packed_length_fields_follow_the_struct_layout() -> None:
    offsets = {f["name"]: f["offset"] for f in struct_fields("fwctl_rpc")}
    assert (offsets["scope"], offsets["in_len"], offsets["out_len"]) == (4, 8, 12)


def test_result_is_reused_and_data_copies(both_marshallings: RpcCallType) -> None:
    with FwctlDevice.open("/dev/null", rpc_call=both_marshallings) as dev:
        first = dev.rpc(Scope.CONFIGURATION, bytes(16), 32)
        second = dev.rpc(Scope.CONFIGURATION, bytes(32), 64)
    assert first is second and second.in_len == 32 and second.out_cap == 64


class RecordingIoctl:
    """An ioctl_fn that keeps what the kernel would have read from struct fwctl_rpc."""

    def __init__(self, answer: int = 0) -> None:
        self.answer = answer
        self.seen: list[tuple[int, int, int, int]] = []  # scope, in_len, out_len, out pointer

    def __call__(self, fd: int, request: int, address: int) -> int:
        from fwctl_tui.uapi import FwctlRpc

        rpc = FwctlRpc.from_address(address)
        self.seen.append((rpc.scope, rpc.in_len, rpc.out_len, rpc.out or 0))
        return self.answer


def _device(ioctl: RecordingIoctl, rpc_call: RpcCallType) -> FwctlDevice:
    return FwctlDevice(-1, ioctl, close_fn=lambda fd: None, name="fake", rpc_call=rpc_call)


@pytest.mark.parametrize(
    ("scope", "out_cap", "fragment"),
    [
        (Scope.CONFIGURATION, -5, "out_cap -5"),
        (Scope.CONFIGURATION, 2**32, f"out_cap {2**32}"),
        (-1, 64, "scope -1"),
        (2**32, 64, f"scope {2**32}"),
        (Scope.CONFIGURATION, 64.0, "out_cap must be an integer"),
        (Scope.CONFIGURATION, "64", "out_cap must be an integer, not str"),
        ("1", 64, "scope must be an integer, not str"),
    ],
)
def test_rpc_arguments_outside_u32_are_a_value_error(scope, out_cap, fragment,
                                                     both_marshallings: RpcCallType) -> None:
    ioctl = RecordingIoctl()
    device = _device(ioctl, both_marshallings)
    with pytest.raises(ValueError, match=r"u32|integer") as info:
        device.rpc(scope, bytes(16), out_cap)
    assert fragment in str(info.value)
    assert ioctl.seen == []  # nothing reached the kernel
    assert device.rpc(Scope.CONFIGURATION, bytes(16), 64).errno == 0  # still usable
    assert ioctl.seen[-1][:3] == (0, 16, 64)


@pytest.mark.parametrize("out_cap", [2 * 1024 * 1024 + 1, 2**32 - 1])
def test_oversize_out_cap_reaches_the_kernel_without_a_buffer(
        out_cap: int, both_marshallings: RpcCallType) -> None:
    ioctl = RecordingIoctl(answer=errno.EMSGSIZE)
    device = _device(ioctl, both_marshallings)
    result = device.rpc(Scope.CONFIGURATION, bytes(16), out_cap)
    assert result.errno == errno.EMSGSIZE and result.out_cap == out_cap
    assert ioctl.seen[-1][2:] == (out_cap, 0)  # the kernel saw the length, and NULL for out
    ioctl.answer = 0
    device.rpc(Scope.CONFIGURATION, bytes(16), 64)
    assert ioctl.seen[-1][2] == 64 and ioctl.seen[-1][3] != 0  # the buffer is back


def test_zero_out_cap_is_passed_through(both_marshallings: RpcCallType) -> None:
    ioctl = RecordingIoctl(answer=errno.EMSGSIZE)
    device = _device(ioctl, both_marshallings)
    assert device.rpc(Scope.CONFIGURATION, bytes(16), 0).errno == errno.EMSGSIZE
    assert ioctl.seen[-1][2] == 0

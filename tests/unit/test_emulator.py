"""The kernel emulator's rule table, one test per errno row, driven through FwctlDevice.

Going through FwctlDevice means every rule also exercises the live marshalling: the
emulator only sees addresses and reads the structs out of this process's memory.
"""

from __future__ import annotations

import ctypes
import errno

import pytest

from fwctl_tui.ioctl import FwctlDevice, FwctlError
from fwctl_tui.sim.emulator import KernelEmulator
from fwctl_tui.sim.firmware import CommandLayerError
from fwctl_tui.sim.kernel import SimKernel
from fwctl_tui.sim.mlx5_driver import Mlx5Driver, RpcOutcome
from fwctl_tui.uapi import (
    FWCTL_INFO,
    FWCTL_RPC,
    MAX_RPC_LEN,
    TAINT_FWCTL_MASK,
    FwctlInfo,
    FwctlRpc,
    Scope,
)

QUERY_ADAPTER = 0x101
ACCESS_REG = 0x805
SET_DIAGNOSTIC_PARAMS = 0x820
NOT_ALLOWED = 0x900  # CREATE_TIR: never on the allow-list


class EchoFirmware:
    """A minimal firmware: status from `status`, the request echoed after the header."""

    uctx_caps = 0x4

    def __init__(self) -> None:
        self.status = 0
        self.syndrome = 0
        self.error: CommandLayerError | None = None
        self.seen: list[bytes] = []
        self.destroyed: list[int] = []

    def create_uctx(self, caps: int) -> int:
        assert caps == 0x4
        return 0x2A

    def destroy_uctx(self, uid: int) -> None:
        self.destroyed.append(uid)

    def execute(self, mbox_in: bytes, out_len: int) -> bytes:
        self.seen.append(mbox_in)
        if self.error:
            raise self.error
        head = bytes([self.status, 0, 0, 0]) + self.syndrome.to_bytes(4, "big") + bytes(8)
        return (head + mbox_in)[:out_len].ljust(out_len, b"\0")


def mbox(opcode: int, op_mod: int = 0, length: int = 16) -> bytes:
    head = opcode.to_bytes(2, "big") + b"\xff\xff" + bytes(2) + op_mod.to_bytes(2, "big")
    return head.ljust(length, b"\0")


@pytest.fixture
def kernel() -> SimKernel:
    return SimKernel()


@pytest.fixture
def firmware() -> EchoFirmware:
    return EchoFirmware()


@pytest.fixture
def emulator(kernel: SimKernel, firmware: EchoFirmware) -> KernelEmulator:
    return KernelEmulator(kernel, Mlx5Driver(firmware, kernel))


@pytest.fixture
def device(emulator: KernelEmulator) -> FwctlDevice:
    return emulator.open_device()


def raw_ioctl(emulator: KernelEmulator, device: FwctlDevice, request: int, struct: object) -> int:
    return emulator.ioctl(device.fd, request, ctypes.addressof(struct))  # type: ignore[arg-type]


# -- core rules, in the kernel's order -----------------------------------------------------
def test_unknown_request_number_is_enotty(emulator: KernelEmulator, device: FwctlDevice) -> None:
    rpc = FwctlRpc(size=32)
    assert raw_ioctl(emulator, device, FWCTL_RPC + 1, rpc) == errno.ENOTTY
    assert raw_ioctl(emulator, device, FWCTL_RPC | (1 << 30), rpc) == errno.ENOTTY


def test_null_argument_is_efault(emulator: KernelEmulator, device: FwctlDevice) -> None:
    assert emulator.ioctl(device.fd, FWCTL_RPC, 0) == errno.EFAULT


@pytest.mark.parametrize(("request_no", "struct"), [(FWCTL_INFO, FwctlInfo), (FWCTL_RPC, FwctlRpc)])
def test_short_size_is_einval(emulator, device, request_no, struct) -> None:
    arg = struct()
    arg.size = ctypes.sizeof(struct) - 8
    assert raw_ioctl(emulator, device, request_no, arg) == errno.EINVAL


def test_larger_struct_with_nonzero_tail_is_e2big(emulator, device) -> None:
    buf = (ctypes.c_uint8 * 40)()
    ctypes.c_uint32.from_buffer(buf, 0).value = 40
    buf[36] = 1
    assert emulator.ioctl(device.fd, FWCTL_RPC, ctypes.addressof(buf)) == errno.E2BIG


def test_larger_struct_with_zero_tail_is_accepted(emulator, device) -> None:
    buf = (ctypes.c_uint8 * 40)()
    info = FwctlInfo.from_buffer(buf)
    info.size = 40
    assert emulator.ioctl(device.fd, FWCTL_INFO, ctypes.addressof(buf)) == 0
    assert info.out_device_type == 1


def test_info_flags_must_be_zero(emulator, device) -> None:
    info = FwctlInfo(size=24, flags=1)
    assert raw_ioctl(emulator, device, FWCTL_INFO, info) == errno.EOPNOTSUPP


def test_info_reports_mlx5_uid_and_caps(device: FwctlDevice) -> None:
    info = device.info()
    assert info.type_name == "mlx5"
    assert info.fields == {"uid": 0x2A, "uctx_caps": 0x4}
    assert info.uctx_cap_names == ["MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES"]


def test_info_with_zero_length_does_not_call_driver(emulator, device) -> None:
    info = FwctlInfo(size=24, device_data_len=0)
    assert raw_ioctl(emulator, device, FWCTL_INFO, info) == 0
    assert info.device_data_len == 0 and info.out_device_type == 1


def test_info_zero_fills_the_rest_of_a_large_buffer(emulator, device) -> None:
    data = (ctypes.c_uint8 * 16)(*([0xEE] * 16))
    info = FwctlInfo(size=24, device_data_len=16, out_device_data=ctypes.addressof(data))
    assert raw_ioctl(emulator, device, FWCTL_INFO, info) == 0
    assert info.device_data_len == 8
    assert bytes(data)[8:] == bytes(8)


@pytest.mark.parametrize(("in_len", "out_cap"), [(MAX_RPC_LEN + 1, 64), (16, MAX_RPC_LEN + 1)])
def test_oversize_request_is_emsgsize(device: FwctlDevice, in_len: int, out_cap: int) -> None:
    result = device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER, length=in_len), out_cap)
    assert result.errno == errno.EMSGSIZE
    assert "2 MiB" in result.explanation.meaning


def test_write_full_without_cap_sys_rawio_is_eperm_and_does_not_taint(kernel, device) -> None:
    kernel.capabilities.discard("CAP_SYS_RAWIO")
    result = device.rpc(Scope.DEBUG_WRITE_FULL, mbox(SET_DIAGNOSTIC_PARAMS), 16)
    assert result.errno == errno.EPERM
    assert kernel.tainted == 0 and kernel.log == []


def test_scope_out_of_range_is_eopnotsupp(device: FwctlDevice) -> None:
    assert device.rpc(4, mbox(QUERY_ADAPTER), 64).errno == errno.EOPNOTSUPP


def test_debug_write_taints_once_and_logs_process(kernel, device) -> None:
    assert device.rpc(Scope.DEBUG_WRITE, mbox(SET_DIAGNOSTIC_PARAMS), 16).errno == 0
    assert device.rpc(Scope.DEBUG_WRITE, mbox(SET_DIAGNOSTIC_PARAMS), 16).errno == 0
    assert kernel.tainted == TAINT_FWCTL_MASK
    assert len(kernel.log) == 1
    assert f"({kernel.pid}): has requested full access" in kernel.log[0]


def test_taint_happens_before_the_driver_refuses(kernel, device) -> None:
    result = device.rpc(Scope.DEBUG_WRITE, mbox(NOT_ALLOWED), 16)
    assert result.errno == errno.EBADMSG
    assert kernel.tainted & TAINT_FWCTL_MASK


def test_read_only_scopes_never_taint(kernel, device) -> None:
    device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64)
    device.rpc(Scope.DEBUG_READ_ONLY, mbox(ACCESS_REG, op_mod=1), 64)
    assert kernel.tainted == 0


def test_unplug_gives_enodev_on_open_fd_and_destroys_uctx(emulator, firmware, device) -> None:
    emulator.unplug()
    assert device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64).errno == errno.ENODEV
    with pytest.raises(FwctlError) as exc:
        device.info()
    assert exc.value.errno == errno.ENODEV
    assert firmware.destroyed == [0x2A]
    with pytest.raises(FwctlError, match="ENODEV"):
        emulator.open()
    device.close()  # close() still works on an orphaned fd
    assert emulator.open_files == 0


def test_null_in_pointer_is_efault(emulator, device) -> None:
    rpc = FwctlRpc(size=32, scope=0, in_len=16, out_len=16)
    setattr(rpc, "in", 0)
    assert raw_ioctl(emulator, device, FWCTL_RPC, rpc) == errno.EFAULT


# -- mlx5 driver rules ----------------------------------------------------------------------
@pytest.mark.parametrize(("in_len", "out_cap"), [(15, 64), (16, 15)])
def test_mlx5_mailbox_minimum_is_emsgsize(device: FwctlDevice, in_len: int, out_cap: int) -> None:
    assert device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER)[:in_len], out_cap).errno == (
        errno.EMSGSIZE
    )


def test_opcode_not_on_allow_list_is_ebadmsg_at_every_scope(device: FwctlDevice) -> None:
    for scope in Scope:
        assert device.rpc(scope, mbox(NOT_ALLOWED), 64).errno == errno.EBADMSG


def test_access_reg_write_allowed_at_configuration_read_needs_debug_read_only(device) -> None:
    assert device.rpc(Scope.CONFIGURATION, mbox(ACCESS_REG, op_mod=0), 64).errno == 0
    assert device.rpc(Scope.CONFIGURATION, mbox(ACCESS_REG, op_mod=1), 64).errno == errno.EBADMSG
    assert device.rpc(Scope.DEBUG_READ_ONLY, mbox(ACCESS_REG, op_mod=1), 64).errno == 0


def test_allow_list_follows_kernel_release(kernel, device) -> None:
    modify_cong_status = 0x823  # first allowed in v6.18
    assert device.rpc(Scope.CONFIGURATION, mbox(modify_cong_status), 64).errno == 0
    kernel.release = "6.15.0"
    assert device.rpc(Scope.CONFIGURATION, mbox(modify_cong_status), 64).errno == errno.EBADMSG


def test_uid_is_stamped_into_bytes_2_and_3(firmware, device) -> None:
    device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64)
    assert firmware.seen[-1][2:4] == (0x2A).to_bytes(2, "big")


def test_firmware_failure_is_status_in_a_successful_ioctl(firmware, device) -> None:
    firmware.status, firmware.syndrome = 0x03, 0x1234ABCD
    result = device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64)
    assert result.errno == 0
    assert result.output[0] == 0x03
    assert int.from_bytes(result.output[4:8], "big") == 0x1234ABCD


def test_command_layer_failure_is_an_errno_with_detail(emulator, firmware, device) -> None:
    firmware.error = CommandLayerError(errno.ETIMEDOUT, "firmware did not answer")
    result = device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64)
    assert result.errno == errno.ETIMEDOUT
    assert emulator.last_detail == "firmware did not answer"


def test_mlx5_reports_out_len_equal_to_the_buffer(device: FwctlDevice) -> None:
    result = device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 4096)
    assert result.out_len == 4096 and not result.truncated
    assert len(result.output) == 4096


# -- marshalling: truncation and buffer growth ----------------------------------------------
class VerboseDriver(Mlx5Driver):
    """A driver that reports more output than the caller's buffer (as cxl's can)."""

    def rpc(self, uctx, scope, request, out_len):  # type: ignore[no-untyped-def]
        return RpcOutcome(0, bytes(range(256)) * 4, 1024)


def test_truncated_output_is_flagged(kernel, firmware) -> None:
    device = KernelEmulator(kernel, VerboseDriver(firmware, kernel)).open_device()
    result = device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 100)
    assert result.truncated and result.out_len == 1024
    assert result.data() == bytes(range(100))


def test_buffers_grow_and_keep_working(firmware, device) -> None:
    big = mbox(QUERY_ADAPTER, length=100_000)
    result = device.rpc(Scope.CONFIGURATION, big, 200_000)
    assert result.errno == 0 and len(result.output) == 200_000
    assert firmware.seen[-1][4:] == big[4:]
    small = device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64)
    assert small.errno == 0 and len(small.output) == 64

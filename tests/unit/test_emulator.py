"""The kernel emulator's rule table, one test per errno row, driven through FwctlDevice.

Going through FwctlDevice means every rule also exercises the live marshalling: the
emulator only sees addresses and reads the structs out of this process's memory.
"""

from __future__ import annotations

import ctypes
import errno

import pytest

from fwctl_tui.facts import facts
from fwctl_tui.ioctl import FwctlDevice, FwctlError, RpcCallType
from fwctl_tui.sim.cxl import layout as cxl
from fwctl_tui.sim.cxl.host import CxlTestHost
from fwctl_tui.sim.cxl.mock import KERNEL_EXCLUSIVE, Feature
from fwctl_tui.sim.emulator import NOT_EMULATED, KernelEmulator
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

# C and Python twin: every device a test opens is given `both_marshallings` as rpc_call
pytestmark = pytest.mark.usefixtures("both_marshallings")

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
        self.create_error: CommandLayerError | None = None
        self.created = 0

    def create_uctx(self, caps: int) -> int:
        assert caps == 0x4
        if self.create_error:
            raise self.create_error
        self.created += 1
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
def device(emulator: KernelEmulator, both_marshallings: RpcCallType) -> FwctlDevice:
    return emulator.open_device(rpc_call=both_marshallings)


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


def test_truncated_output_is_flagged(kernel, firmware, both_marshallings) -> None:
    emulator = KernelEmulator(kernel, VerboseDriver(firmware, kernel))
    device = emulator.open_device(rpc_call=both_marshallings)
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


# -- hand-built structs the kernel would fault on ---------------------------------------------
@pytest.mark.parametrize("size", [32 + 4097, 2**31, 2**32 - 1])
def test_absurd_struct_size_is_efault_not_a_crash(emulator, device, size: int) -> None:
    rpc = FwctlRpc(size=32)
    ctypes.c_uint32.from_buffer(rpc, 0).value = size
    assert raw_ioctl(emulator, device, FWCTL_RPC, rpc) == errno.EFAULT
    assert emulator.last_detail is not None and "beyond" in emulator.last_detail


def test_struct_a_page_larger_with_zero_tail_is_still_read(emulator, device) -> None:
    buf = (ctypes.c_uint8 * (24 + 4096))()
    FwctlInfo.from_buffer(buf).size = 24 + 4096
    assert emulator.ioctl(device.fd, FWCTL_INFO, ctypes.addressof(buf)) == 0


# -- every errno row of the facts maps to a scenario -------------------------------------------
class Env:
    """One simulated device and everything a scenario may poke at."""

    def __init__(self, kernel: SimKernel, firmware: EchoFirmware, emulator: KernelEmulator,
                 device: FwctlDevice, rpc_call: RpcCallType) -> None:
        self.kernel, self.firmware, self.emulator, self.device = (
            kernel, firmware, emulator, device)
        self.rpc_call = rpc_call  # for the other devices a scenario opens

    def ioctl(self, request: int, struct: object) -> int:
        return self.emulator.ioctl(self.device.fd, request, ctypes.addressof(struct))  # type: ignore[arg-type]


def _valid_rpc(env: Env, out: int | None = None, out_len: int = 64) -> tuple[FwctlRpc, object]:
    """A well-formed QUERY_ADAPTER FWCTL_RPC built by hand (request, 64-byte reply buffer)."""
    request = ctypes.create_string_buffer(mbox(QUERY_ADAPTER), 16)
    reply = ctypes.create_string_buffer(out_len)
    rpc = FwctlRpc(size=32, scope=int(Scope.CONFIGURATION), in_len=16, out_len=out_len)
    setattr(rpc, "in", ctypes.addressof(request))
    rpc.out = ctypes.addressof(reply) if out is None else out
    env.keep = (request, reply)  # type: ignore[attr-defined]
    return rpc, reply


def sc_bad_request_number(env: Env) -> int:
    rpc, info = FwctlRpc(size=32), FwctlInfo(size=24)
    codes = {env.ioctl(FWCTL_RPC + 1, rpc), env.ioctl(FWCTL_RPC + 2, rpc),
             env.ioctl(FWCTL_RPC | (32 << 16), rpc), env.ioctl(FWCTL_INFO | (1 << 30), info)}
    assert len(codes) == 1
    return codes.pop()


def sc_null_argument(env: Env) -> int:
    codes = {env.emulator.ioctl(env.device.fd, request, 0) for request in (FWCTL_INFO, FWCTL_RPC)}
    assert len(codes) == 1
    return codes.pop()


def sc_size_below_minimum(env: Env) -> int:
    codes = {env.ioctl(FWCTL_INFO, FwctlInfo(size=23)), env.ioctl(FWCTL_RPC, FwctlRpc(size=31))}
    assert len(codes) == 1
    return codes.pop()


def sc_nonzero_tail(env: Env) -> int:
    codes = set()
    for request, kernel_size in ((FWCTL_INFO, 24), (FWCTL_RPC, 32)):
        buf = (ctypes.c_uint8 * (kernel_size + 8))()
        ctypes.c_uint32.from_buffer(buf, 0).value = kernel_size + 8
        buf[kernel_size + 3] = 1
        codes.add(env.ioctl(request, buf))
    assert len(codes) == 1
    return codes.pop()


def sc_struct_unreadable(env: Env) -> int:
    codes = set()
    for request, struct in ((FWCTL_INFO, FwctlInfo()), (FWCTL_RPC, FwctlRpc())):
        ctypes.c_uint32.from_buffer(struct, 0).value = 2**31  # a tail no one mapped
        codes.add(env.ioctl(request, struct))
    assert len(codes) == 1
    return codes.pop()


def sc_unplugged(env: Env) -> int:
    env.emulator.unplug()
    with pytest.raises(FwctlError) as info:
        env.device.info()
    result = env.device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64)
    assert result.errno == info.value.errno
    return result.errno


def sc_info_flags(env: Env) -> int:
    return env.ioctl(FWCTL_INFO, FwctlInfo(size=24, flags=1))


def sc_info_device_data_fault(env: Env) -> int:
    assert env.ioctl(FWCTL_INFO, FwctlInfo(size=24, device_data_len=0, out_device_data=0)) == 0
    return env.ioctl(FWCTL_INFO, FwctlInfo(size=24, device_data_len=8, out_device_data=0))


def sc_info_allocation(env: Env) -> int:
    env.kernel.fail_allocations.add("info")
    assert env.ioctl(FWCTL_INFO, FwctlInfo(size=24, device_data_len=0)) == 0  # op not called
    with pytest.raises(FwctlError) as info:
        env.device.info()
    assert env.kernel.failed_allocations == ["info"]
    return info.value.errno


def sc_info_struct_copy_back(env: Env) -> int:
    data = (ctypes.c_uint8 * 8)()
    info = FwctlInfo(size=24, device_data_len=8, out_device_data=ctypes.addressof(data))
    env.emulator.protect(ctypes.addressof(info), ctypes.sizeof(info))
    code = env.ioctl(FWCTL_INFO, info)
    assert bytes(data) != bytes(8)  # the device data was written before the struct faulted
    assert info.out_device_type == 0  # ... and the struct was not
    return code


def sc_rpc_too_long(env: Env) -> int:
    big = env.device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER, length=MAX_RPC_LEN + 1), 64)
    wide = env.device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), MAX_RPC_LEN + 1)
    assert big.errno == wide.errno
    return big.errno


def sc_write_full_without_rawio(env: Env) -> int:
    env.kernel.capabilities.discard("CAP_SYS_RAWIO")
    result = env.device.rpc(Scope.DEBUG_WRITE_FULL, mbox(SET_DIAGNOSTIC_PARAMS), 16)
    assert env.kernel.tainted == 0
    return result.errno


def sc_scope_out_of_range(env: Env) -> int:
    return env.device.rpc(4, mbox(QUERY_ADAPTER), 64).errno


def sc_rpc_in_allocation(env: Env) -> int:
    env.kernel.fail_allocations.add("rpc_in")
    result = env.device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64)
    assert env.firmware.seen == [] and env.kernel.failed_allocations == ["rpc_in"]
    return result.errno


def sc_rpc_in_fault(env: Env) -> int:
    rpc, _ = _valid_rpc(env)
    setattr(rpc, "in", 0)
    code = env.ioctl(FWCTL_RPC, rpc)
    assert env.firmware.seen == []
    return code


def sc_driver_error(env: Env) -> int:
    env.firmware.error = CommandLayerError(errno.ETIMEDOUT, "no answer")
    return env.device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64).errno


def sc_rpc_out_fault(env: Env) -> int:
    rpc, _ = _valid_rpc(env, out=0)
    code = env.ioctl(FWCTL_RPC, rpc)
    assert len(env.firmware.seen) == 1  # the firmware command had already run
    return code


def sc_rpc_struct_copy_back(env: Env) -> int:
    rpc, reply = _valid_rpc(env)
    env.emulator.protect(ctypes.addressof(rpc), ctypes.sizeof(rpc))
    code = env.ioctl(FWCTL_RPC, rpc)
    assert bytes(reply)[16:18] == mbox(QUERY_ADAPTER)[:2]  # the reply was copied out
    return code


def sc_open_after_unplug(env: Env) -> int:
    env.emulator.unplug()
    with pytest.raises(FwctlError) as info:
        env.emulator.open_device()
    return info.value.errno


def sc_open_uctx_allocation(env: Env) -> int:
    env.kernel.fail_allocations.add("uctx")
    before = env.firmware.created
    with pytest.raises(FwctlError) as info:
        env.emulator.open_device()
    assert env.firmware.created == before  # CREATE_UCTX never ran
    return info.value.errno


def sc_open_create_uctx_fails(env: Env) -> int:
    env.firmware.create_error = CommandLayerError(errno.EIO, "CREATE_UCTX failed")
    with pytest.raises(FwctlError) as info:
        env.emulator.open_device()
    assert env.emulator.open_files == 1  # only the fixture's file
    return info.value.errno


def sc_mlx5_short_mailbox(env: Env) -> int:
    short_in = env.device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER)[:15], 64).errno
    short_out = env.device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 15).errno
    assert short_in == short_out
    return short_in


def sc_mlx5_not_allowed(env: Env) -> int:
    return env.device.rpc(Scope.DEBUG_WRITE_FULL, mbox(NOT_ALLOWED), 64).errno


def sc_mlx5_out_allocation(env: Env) -> int:
    env.kernel.fail_allocations.add("rpc_out")
    same = env.device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER, length=64), 64)
    assert same.errno == 0  # out_len <= in_len: the request buffer is reused, no allocation
    result = env.device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64)
    assert env.kernel.failed_allocations == ["rpc_out"]
    assert len(env.firmware.seen) == 1  # the failed one never reached the firmware
    return result.errno


def sc_mlx5_firmware_status(env: Env) -> int:
    env.firmware.status = 0x03
    result = env.device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64)
    assert result.output[0] == 0x03
    return result.errno


def sc_mlx5_command_layer(env: Env) -> int:
    codes = []
    for code in (errno.ETIMEDOUT, errno.ENOLINK, errno.EIO):
        env.firmware.error = CommandLayerError(code, "undeliverable")
        codes.append(env.device.rpc(Scope.CONFIGURATION, mbox(QUERY_ADAPTER), 64).errno)
    assert codes == [errno.ETIMEDOUT, errno.ENOLINK, errno.EIO]
    return codes[0]


# -- cxl driver rows: a simulated cxl_test memdev (fwctl_tui/sim/cxl) ----------------------


def _cxl_device(env: Env, host: CxlTestHost | None = None) -> FwctlDevice:
    return (host or CxlTestHost()).emulators[0].open_device(rpc_call=env.rpc_call)


def sc_cxl_refused_command(env: Env) -> int:
    """Set Feature below the scope the feature's effects need (and an unknown opcode)."""
    device = _cxl_device(env)
    unknown = device.rpc(Scope.CONFIGURATION, cxl.rpc_request(0x0001, bytes(8)), 64).errno
    assert unknown == errno.EINVAL
    write = cxl.rpc_request(cxl.SET_FEATURE, cxl.set_feature_in(b"\xff" * 16, b"\1" * 4))
    return device.rpc(Scope.DEBUG_READ_ONLY, write, 64).errno


def sc_cxl_bad_op_size(env: Env) -> int:
    gsf = cxl.rpc_request(cxl.GET_SUPPORTED_FEATURES, cxl.get_supported_features_in(256) + b"\0")
    return _cxl_device(env).rpc(Scope.CONFIGURATION, gsf, 4096).errno


def sc_cxl_kernel_exclusive(env: Env) -> int:
    """A changeable, reset-only feature whose UUID the kernel keeps: EPERM at DEBUG_WRITE."""
    host = CxlTestHost()
    owned = next(iter(KERNEL_EXCLUSIVE))
    template = host.memdevs[0].features[0]
    host.memdevs[0].features.append(Feature(
        uuid=owned, id=1, get_size=4, set_size=4, flags=template.flags, get_version=1,
        set_version=1, effects=template.effects, value=bytearray(4)))
    write = cxl.rpc_request(cxl.SET_FEATURE, cxl.set_feature_in(owned, b"\1" * 4))
    return _cxl_device(env, host).rpc(Scope.DEBUG_WRITE, write, 64).errno


# -- pds driver rows: a simulated DSC (fwctl_tui/sim/pds) ----------------------------------


def _pds_rpc(env: Env, values: dict, scope: Scope | None = None) -> int:
    from fwctl_tui.drivers import plugin_for
    from fwctl_tui.sim.pds.simdev import build_host

    plugin = plugin_for("pds")
    built = plugin.build("RPC", values)
    emulator = build_host(persistent=False).function("sim:pds").emulator
    with emulator.open_device("sim:pds", rpc_call=env.rpc_call) as device:
        return device.rpc(built.scope if scope is None else scope, built.request,
                          built.out_len).errno


def sc_pds_refused(env: Env) -> int:
    """Oversize request and response, unknown endpoint, unknown operation: all EINVAL."""
    codes = {_pds_rpc(env, {"ep": "2", "op": "1", "payload": "00" * 2049}),
             _pds_rpc(env, {"ep": "1", "op": "1", "response_len": "4097"}),
             _pds_rpc(env, {"ep": "9", "op": "1"}), _pds_rpc(env, {"ep": "1", "op": "9"})}
    assert len(codes) == 1
    return codes.pop()


def sc_pds_scope(env: Env) -> int:
    """Operation 2.3 is DEBUG_WRITE in the firmware: DEBUG_READ_ONLY is EPERM."""
    assert _pds_rpc(env, {"ep": "2", "op": "3", "payload": "01000000"}, Scope.DEBUG_WRITE) == 0
    return _pds_rpc(env, {"ep": "2", "op": "3", "payload": "01000000"}, Scope.DEBUG_READ_ONLY)


# scenario id -> (scenario, errno expected when the row gives no single value)
SCENARIOS = {
    "bad request number": (sc_bad_request_number, None),
    "NULL argument": (sc_null_argument, None),
    "size below minimum": (sc_size_below_minimum, None),
    "non-zero struct tail": (sc_nonzero_tail, None),
    "unreadable struct tail": (sc_struct_unreadable, None),
    "unplugged device": (sc_unplugged, None),
    "INFO flags": (sc_info_flags, None),
    "INFO out_device_data NULL": (sc_info_device_data_fault, None),
    "INFO driver allocation": (sc_info_allocation, None),
    "INFO struct read-only": (sc_info_struct_copy_back, None),
    "RPC above 2 MiB": (sc_rpc_too_long, None),
    "WRITE_FULL without CAP_SYS_RAWIO": (sc_write_full_without_rawio, None),
    "scope 4": (sc_scope_out_of_range, None),
    "RPC in allocation": (sc_rpc_in_allocation, None),
    "RPC in NULL": (sc_rpc_in_fault, None),
    "driver error passes through": (sc_driver_error, errno.ETIMEDOUT),
    "RPC out NULL": (sc_rpc_out_fault, None),
    "RPC struct read-only": (sc_rpc_struct_copy_back, None),
    "open after unplug": (sc_open_after_unplug, None),
    "open uctx allocation": (sc_open_uctx_allocation, None),
    "open CREATE_UCTX fails": (sc_open_create_uctx_fails, errno.EIO),
    "mlx5 short mailbox": (sc_mlx5_short_mailbox, None),
    "mlx5 not allow-listed": (sc_mlx5_not_allowed, None),
    "mlx5 out allocation": (sc_mlx5_out_allocation, None),
    "mlx5 firmware status": (sc_mlx5_firmware_status, None),
    "mlx5 command layer": (sc_mlx5_command_layer, errno.ETIMEDOUT),
    "cxl refused command": (sc_cxl_refused_command, None),
    "cxl bad op_size": (sc_cxl_bad_op_size, None),
    "cxl kernel-exclusive feature": (sc_cxl_kernel_exclusive, None),
    "pds refused request": (sc_pds_refused, None),
    "pds scope below the operation's": (sc_pds_scope, None),
}
NOT_EMULATED_MARK = "not emulated: "

# (ioctl, driver, stage, errno, start of condition) -> scenario id or "not emulated: DRIVER".
# A row added to the facts fails test_errno_row until it is mapped here.
ERRNO_ROWS = {
    ("any", "core", 1, "ENOTTY", "_IOC_NR(request) >= 2, or req"): "bad request number",
    ("any", "core", 2, "EFAULT", "argument pointer unreadable w"): "NULL argument",
    ("any", "core", 3, "EINVAL", "size field < minimum (24 for "): "size below minimum",
    ("any", "core", 4, "E2BIG", "size field > kernel struct si"): "non-zero struct tail",
    ("any", "core", 4, "EFAULT", "struct copy from user faults"): "unreadable struct tail",
    ("any", "core", 5, "ENODEV", "device unregistered (hot-unpl"): "unplugged device",
    ("FWCTL_INFO", "core", 6, "EOPNOTSUPP", "flags != 0"): "INFO flags",
    ("FWCTL_INFO", "core", 7, "EFAULT", "zeroing/copying out_device_da"): (
        "INFO out_device_data NULL"),
    ("FWCTL_INFO", "core", 7, "ENOMEM", "driver info op fails (e.g. al"): "INFO driver allocation",
    ("FWCTL_INFO", "core", 8, "EFAULT", "copying the struct back to us"): "INFO struct read-only",
    ("FWCTL_RPC", "core", 6, "EMSGSIZE", "in_len > 2 MiB or out_len > 2"): "RPC above 2 MiB",
    ("FWCTL_RPC", "core", 7, "EPERM", "scope == FWCTL_RPC_DEBUG_WRITE"): (
        "WRITE_FULL without CAP_SYS_RAWIO"),
    ("FWCTL_RPC", "core", 7, "EOPNOTSUPP", "scope not in 0..3"): "scope 4",
    ("FWCTL_RPC", "core", 8, "ENOMEM", "kernel cannot allocate in_len "): "RPC in allocation",
    ("FWCTL_RPC", "core", 9, "EFAULT", "copying the request from 'in' "): "RPC in NULL",
    ("FWCTL_RPC", "core", 10, "driver-specific", "driver fw_rpc returns an error"): (
        "driver error passes through"),
    ("FWCTL_RPC", "core", 11, "EFAULT", "copying the response to 'out' "): "RPC out NULL",
    ("FWCTL_RPC", "core", 12, "EFAULT", "copying the struct back to us"): "RPC struct read-only",
    ("open()", "core", 0, "ENODEV", "device already unregistered w"): "open after unplug",
    ("open()", "core", 0, "ENOMEM", "uctx allocation fails"): "open uctx allocation",
    ("open()", "core", 0, "driver-specific", "driver open_uctx fails (mlx5: "): (
        "open CREATE_UCTX fails"),
    ("FWCTL_RPC", "mlx5", 10, "EMSGSIZE", "in_len < 16 or out_len < 16 ("): "mlx5 short mailbox",
    ("FWCTL_RPC", "mlx5", 10, "EBADMSG", "opcode not in allow-list, or s"): "mlx5 not allow-listed",
    ("FWCTL_RPC", "mlx5", 10, "ENOMEM", "out_len > in_len and output bu"): "mlx5 out allocation",
    ("FWCTL_RPC", "mlx5", 10, "none (ioctl returns 0)", "firmware executed the command "): (
        "mlx5 firmware status"),
    ("FWCTL_RPC", "mlx5", 10, "mlx5 command-layer errno (e.g. ETIMEDOUT, ENOLINK, EIO)",
     "command could not be delivered"): "mlx5 command layer",
    ("FWCTL_RPC", "cxl", 10, "EINVAL", "unknown opcode, capability no"): "cxl refused command",
    ("FWCTL_RPC", "cxl", 10, "EINVAL", "op_size wrong for Get Support"): "cxl bad op_size",
    ("FWCTL_RPC", "cxl", 10, "EPERM", "Set Feature on a kernel-exclus"): (
        "cxl kernel-exclusive feature"),
    ("FWCTL_RPC", "pds", 10, "EINVAL", "in.len > max_req_sz, out.len >"): "pds refused request",
    ("FWCTL_RPC", "pds", 10, "EPERM", "scope below the operation's fi"): (
        "pds scope below the operation's"),
    ("FWCTL_RPC", "bnxt", 10, "EINVAL", "in_len < HWRM request header o"): "not emulated: bnxt",
    ("FWCTL_RPC", "bnxt", 10, "EPERM", "request type not allowed at sc"): "not emulated: bnxt",
}


def _matches(key: tuple, row: dict) -> bool:
    """A table key names a row by ioctl, driver, stage, errno and the start of its condition."""
    ioctl, driver, stage, name, condition = key
    return (ioctl, driver, stage, name) == (
        row["ioctl"], row.get("driver", "core"), row["stage"], row["errno"]
    ) and row["condition"].startswith(condition)


FACT_ROWS = facts()["errno"]


def test_every_table_key_names_exactly_one_facts_row() -> None:
    for key in ERRNO_ROWS:
        hits = [row for row in FACT_ROWS if _matches(key, row)]
        assert len(hits) == 1, f"ERRNO_ROWS key {key} matches {len(hits)} facts rows"
    marks = {f"{NOT_EMULATED_MARK}{driver}" for driver in NOT_EMULATED}
    assert set(ERRNO_ROWS.values()) <= set(SCENARIOS) | marks
    assert set(SCENARIOS) <= set(ERRNO_ROWS.values()), "a scenario no row uses"


def _row_id(row: dict) -> str:
    return f"{row['ioctl']} {row.get('driver', 'core')} {row['stage']} {row['errno'][:20]}"


@pytest.mark.parametrize("row", FACT_ROWS, ids=[_row_id(r) for r in FACT_ROWS])
def test_errno_row(row: dict, kernel, firmware, emulator, device, both_marshallings) -> None:
    """Every errno row of the facts: a real scenario through FwctlDevice, or a documented
    'not emulated' for drivers the simulator does not model. A new row fails here."""
    keys = [key for key in ERRNO_ROWS if _matches(key, row)]
    assert len(keys) == 1, (
        f"facts errno row {_row_id(row)} ({row['condition'][:60]}...) has "
        f"{len(keys)} entries in ERRNO_ROWS: map it to one scenario")
    target = ERRNO_ROWS[keys[0]]
    driver = row.get("driver", "core")
    if target.startswith(NOT_EMULATED_MARK):
        assert driver not in ("core", "mlx5"), "core and mlx5 rows need a real scenario"
        assert target.removeprefix(NOT_EMULATED_MARK) == driver
        assert NOT_EMULATED.get(driver), f"say why {driver} is not emulated in NOT_EMULATED"
        return
    scenario, expected = SCENARIOS[target]
    if row["value"] is not None:
        expected = row["value"]
    assert expected is not None, f"{target}: the row gives no errno value; name one"
    observed = scenario(Env(kernel, firmware, emulator, device, both_marshallings))
    assert observed == expected, (
        f"{target}: got {errno.errorcode.get(observed, observed)}, facts say {row['errno']}")

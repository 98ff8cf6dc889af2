"""The compiled RpcCall (_fastrpc.c), its pure-Python twin, and the hook that builds it.

Both twins must be indistinguishable to FwctlDevice: same struct bytes handed to the
kernel, same record of the call, same errors. test_ioctl and test_emulator run on both;
here they are compared directly, and the build is checked for being present and current.
"""

from __future__ import annotations

import ctypes
import errno
import importlib.util
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from helpers.clocks import TickingClock
from hypothesis import given, settings
from hypothesis import strategies as st

import hatch_build
from fwctl_tui import marshal
from fwctl_tui.facts import struct_fields
from fwctl_tui.ioctl import RPC_OFFSETS, FwctlDevice, RpcCallType
from fwctl_tui.uapi import FWCTL_RPC, MAX_RPC_LEN, FwctlRpc, Scope

ROOT = Path(__file__).resolve().parents[2]
try:
    from fwctl_tui import _fastrpc
except ImportError:
    if shutil.which("cc") or shutil.which("gcc"):
        pytest.fail("a C compiler is here, yet fwctl_tui._fastrpc was not built: "
                    "reinstall (make test does) and read the build hook's warning",
                    pytrace=False)
    pytest.skip("no C compiler here: only the Python twin exists", allow_module_level=True)

TWINS = pytest.mark.parametrize("impl", [_fastrpc.RpcCall, marshal.RpcCall],
                                ids=["compiled", "python"])


class FakeKernel:
    """Records the struct it is handed and answers like a driver: errno or an out_len."""

    def __init__(self, answer: int = 0, reported: int | None = None) -> None:
        self.answer, self.reported = answer, reported
        self.seen: list[tuple[int, int, int, bytes, bool]] = []

    def __call__(self, fd: int, request: int, address: int) -> int:
        assert request == FWCTL_RPC
        rpc = FwctlRpc.from_address(address)
        request_bytes = ctypes.string_at(getattr(rpc, "in"), rpc.in_len)
        self.seen.append((rpc.scope, rpc.in_len, rpc.out_len, request_bytes, bool(rpc.out)))
        if not self.answer and self.reported is not None:
            rpc.out_len = self.reported
        return self.answer


def test_a_machine_with_a_compiler_built_the_current_source() -> None:
    """make test / pip install -e rebuilt _fastrpc after the last edit of _fastrpc.c."""
    assert hatch_build.source_digest(ROOT / hatch_build.SOURCE) == _fastrpc.SOURCE_DIGEST


def test_both_twins_share_the_result_codes() -> None:
    assert (_fastrpc.GROW, _fastrpc.BAD_ARGUMENTS) == (marshal.GROW, marshal.BAD_ARGUMENTS)


def test_the_c_field_widths_match_the_uapi_facts() -> None:
    """_fastrpc.c writes u32 scope/in_len/out_len and u64 pointers at RPC_OFFSETS."""
    fields = {f["name"]: f for f in struct_fields("fwctl_rpc")}
    names = ("scope", "in_len", "out_len", "in", "out")
    assert [fields[n]["offset"] for n in names] == list(RPC_OFFSETS)
    assert [fields[n]["size"] for n in names] == [4, 4, 4, 8, 8]


@settings(max_examples=150, deadline=None)
@given(
    scope=st.integers(0, 2**32 - 1),
    request=st.binary(max_size=300),
    out_cap=st.one_of(st.integers(0, 9000), st.integers(MAX_RPC_LEN - 1, 2**32 - 1)),
    answer=st.sampled_from([0, 0, errno.EMSGSIZE, errno.EBADMSG, errno.ENODEV]),
    reported=st.integers(0, 2**32 - 1),
)
def test_twins_hand_the_kernel_the_same_struct_and_record_the_same(
    scope: int, request: bytes, out_cap: int, answer: int, reported: int
) -> None:
    outcomes = []
    for impl in (_fastrpc.RpcCall, marshal.RpcCall):
        kernel = FakeKernel(answer, reported)
        device = FwctlDevice(-1, kernel, close_fn=lambda fd: None, clock=TickingClock(7),
                             rpc_call=impl)
        result = device.rpc(scope, request, out_cap)
        record = (result.errno, result.scope, result.in_len, result.out_cap, result.out_len)
        outcomes.append((kernel.seen, record, result.elapsed_ns, result.data()))
    assert outcomes[0] == outcomes[1]
    seen, record, elapsed, _ = outcomes[0]
    assert seen == [(scope, len(request), out_cap, request, out_cap <= MAX_RPC_LEN)]
    assert record == (answer, scope, len(request), out_cap, 0 if answer else reported)
    assert elapsed == 7


@TWINS
def test_an_exception_in_the_injected_ioctl_propagates_unchanged(impl: type) -> None:
    def broken(fd: int, request: int, address: int) -> int:
        raise KeyError("emulator bug")

    call = impl(3, FWCTL_RPC, FwctlRpc(), RPC_OFFSETS, MAX_RPC_LEN, broken, None)
    call.set_buffers(ctypes.create_string_buffer(64), ctypes.create_string_buffer(64))
    with pytest.raises(KeyError, match="emulator bug"):
        call.call(Scope.CONFIGURATION, bytes(16), 64)


@TWINS
@pytest.mark.parametrize("returned", [-1, 2**31, 2**63, 5.0, None])
def test_an_injected_ioctl_must_return_an_errno(impl: type, returned: object) -> None:
    call = impl(3, FWCTL_RPC, FwctlRpc(), RPC_OFFSETS, MAX_RPC_LEN, lambda *a: returned, None)
    call.set_buffers(ctypes.create_string_buffer(64), ctypes.create_string_buffer(64))
    with pytest.raises(ValueError, match=f"returned {returned!r}: it must return 0 or an errno"):
        call.call(Scope.CONFIGURATION, bytes(16), 64)


@TWINS
def test_buffers_cannot_change_and_calls_cannot_nest_while_the_kernel_has_them(
    impl: type
) -> None:
    """An injected ioctl (or a clock) runs while the struct points at the buffers."""
    seen: list[str] = []
    buffers = ctypes.create_string_buffer(64), ctypes.create_string_buffer(64)

    def meddling(fd: int, request: int, address: int) -> int:
        for attempt in (lambda: call.set_buffers(*buffers),
                        lambda: call.call(Scope.CONFIGURATION, bytes(8), 64)):
            with pytest.raises(RuntimeError) as info:
                attempt()
            seen.append(str(info.value))
        return 0

    call = impl(3, FWCTL_RPC, FwctlRpc(), RPC_OFFSETS, MAX_RPC_LEN, meddling, None)
    call.set_buffers(*buffers)
    assert call.call(Scope.CONFIGURATION, bytes(16), 64) == 0
    assert "set_buffers() during call()" in seen[0] and "already running" in seen[1]
    call.set_buffers(*buffers)  # allowed again once the call is over


@TWINS
def test_a_falsy_injected_ioctl_is_still_the_one_called(impl: type) -> None:
    class Falsy(FakeKernel):
        def __bool__(self) -> bool:
            return False

    kernel = Falsy()
    call = impl(-1, FWCTL_RPC, FwctlRpc(), RPC_OFFSETS, MAX_RPC_LEN, kernel, None)
    call.set_buffers(ctypes.create_string_buffer(64), ctypes.create_string_buffer(64))
    assert call.call(Scope.CONFIGURATION, bytes(16), 64) == 0 and len(kernel.seen) == 1


@TWINS
def test_calling_before_set_buffers_is_refused(impl: type) -> None:
    call = impl(3, FWCTL_RPC, FwctlRpc(), RPC_OFFSETS, MAX_RPC_LEN, lambda *a: 0, None)
    with pytest.raises(RuntimeError, match="set_buffers"):
        call.call(Scope.CONFIGURATION, bytes(16), 64)


@TWINS
@pytest.mark.parametrize("last", [30, sys.maxsize - 1])
def test_offsets_outside_the_struct_are_refused(impl: type, last: int) -> None:
    with pytest.raises(ValueError, match=f"offset {last} of field 4 lies outside the 32-byte"):
        impl(3, FWCTL_RPC, FwctlRpc(), (4, 8, 12, 16, last), MAX_RPC_LEN, None, None)


@TWINS
@pytest.mark.parametrize(
    "request_", ["text", memoryview(bytes(32))[::2], 16], ids=["str", "strided", "int"]
)
def test_a_request_that_is_not_one_block_of_bytes_is_bad_arguments(
    impl: type, request_: object
) -> None:
    kernel = FakeKernel()
    call = impl(3, FWCTL_RPC, FwctlRpc(), RPC_OFFSETS, MAX_RPC_LEN, kernel, None)
    call.set_buffers(ctypes.create_string_buffer(64), ctypes.create_string_buffer(64))
    assert call.call(Scope.CONFIGURATION, request_, 64) == marshal.BAD_ARGUMENTS
    assert kernel.seen == []


def test_lengths_past_the_limit_go_to_the_kernel_without_a_buffer(
        both_marshallings: RpcCallType) -> None:
    """The kernel refuses them (EMSGSIZE) before touching memory: nothing is grown."""
    seen_pointers: list[tuple[int, int]] = []

    def record_pointers(fd: int, request: int, address: int) -> int:
        rpc = FwctlRpc.from_address(address)
        seen_pointers.append((getattr(rpc, "in") or 0, rpc.out or 0))
        return 0  # a kernel that wrongly accepted: still nothing to read back

    device = FwctlDevice(-1, record_pointers, close_fn=lambda fd: None,
                         rpc_call=both_marshallings)
    result = device.rpc(Scope.CONFIGURATION, bytes(MAX_RPC_LEN + 1), MAX_RPC_LEN + 1)
    assert result.in_len == MAX_RPC_LEN + 1 and result.out_cap == MAX_RPC_LEN + 1
    assert seen_pointers == [(0, 0)]
    assert result.output.nbytes == 0 and result.data() == b""
    assert device._in.capacity == device._out.capacity == 4096  # nothing grown


def test_device_explains_a_request_that_is_not_bytes(both_marshallings: RpcCallType) -> None:
    device = FwctlDevice(-1, FakeKernel(), close_fn=lambda fd: None, rpc_call=both_marshallings)
    with pytest.raises(ValueError, match="request must be bytes-like, not str"):
        device.rpc(Scope.CONFIGURATION, "text", 64)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one contiguous block of bytes"):
        device.rpc(Scope.CONFIGURATION, memoryview(bytes(32))[::2], 64)


def test_the_live_path_is_the_compiled_syscall() -> None:
    """ENOTTY from /dev/null proves ioctl(2) ran; the timing comes from the C clock."""
    with FwctlDevice.open("/dev/null") as dev:
        assert isinstance(dev._call, _fastrpc.RpcCall)
        result = dev.rpc(Scope.DEBUG_READ_ONLY, bytes(16), 64)
    assert result.errno == errno.ENOTTY and result.elapsed_ns > 0


# -- the build hook ---------------------------------------------------------------------
def _import_built(root: Path) -> object:
    path = hatch_build.extension_path(root)
    spec = importlib.util.spec_from_file_location("fwctl_tui._fastrpc", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compile_extension_builds_an_importable_module(tmp_path: Path) -> None:
    (tmp_path / "fwctl_tui").mkdir()
    shutil.copy(ROOT / hatch_build.SOURCE, tmp_path / hatch_build.SOURCE)
    assert hatch_build.compile_extension(tmp_path) is None
    module = _import_built(tmp_path)
    assert module.SOURCE_DIGEST == _fastrpc.SOURCE_DIGEST  # type: ignore[attr-defined]
    assert not list((tmp_path / "fwctl_tui").glob("*.tmp"))


def test_a_missing_compiler_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "fwctl_tui").mkdir()
    shutil.copy(ROOT / hatch_build.SOURCE, tmp_path / hatch_build.SOURCE)
    problem = hatch_build.compile_extension(tmp_path, compiler="no-such-cc")
    assert problem == "no usable C compiler: no-such-cc: No such file or directory"
    assert not hatch_build.extension_path(tmp_path).exists()


def test_python_s_recorded_compiler_is_tried_before_cc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CC", raising=False)
    monkeypatch.setattr(hatch_build.sysconfig, "get_config_var",
                        lambda name: "x86_64-linux-gnu-gcc -pthread")
    assert hatch_build.compilers() == [["x86_64-linux-gnu-gcc", "-pthread"], ["cc"]]
    monkeypatch.setenv("CC", "clang")
    assert hatch_build.compilers() == [["clang"]]


def test_a_failing_compile_says_what_failed_and_drops_the_old_build(tmp_path: Path) -> None:
    (tmp_path / "fwctl_tui").mkdir()
    shutil.copy(ROOT / hatch_build.SOURCE, tmp_path / hatch_build.SOURCE)
    assert hatch_build.compile_extension(tmp_path) is None
    (tmp_path / hatch_build.SOURCE).write_text("this is not C\n")
    problem = hatch_build.compile_extension(tmp_path)
    assert problem is not None and "failed:" in problem and "error" in problem
    assert not hatch_build.extension_path(tmp_path).exists(), "no stale build is left"
    assert [p.name for p in (tmp_path / "fwctl_tui").iterdir()] == ["_fastrpc.c"]


@pytest.mark.skipif(sys.platform != "linux", reason="fwctl is Linux-only")
def test_a_regular_wheel_carries_the_extension(tmp_path: Path) -> None:
    """pip install (not -e) gets the compiled module inside a platform wheel."""
    import subprocess

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("fwctl_tui-*.whl")
    assert "-cp3" in wheel.name and "linux" in wheel.name  # a platform wheel, not py3-none-any
    names = zipfile.ZipFile(wheel).namelist()
    for source in hatch_build.SOURCES:  # the ioctl layer's and the watch scan's
        assert hatch_build.extension_path(Path(), source).as_posix() in names

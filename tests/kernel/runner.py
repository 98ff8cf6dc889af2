"""Run the scenario list (scenarios.py) and record every observable as JSON.

Two backends, one code path: RealBackend opens /dev/fwctl/fwctlN and calls the kernel
through the project's own layer (marshal.libc_ioctl, FwctlDevice with the compiled
RpcCall and with marshal.RpcCall); EmulatorBackend opens a simulated cxl_test device
and injects KernelEmulator.ioctl. What is recorded (errno, out_len, bytes copied back,
the struct written back, TAINT_FWCTL and how often it was logged) never contains an
address, so the two records compare with ==.

    python -m tests.kernel.runner real OUT.json      # inside the VM (run-vm.sh), as root
    python -m tests.kernel.runner emulator OUT.json  # anywhere
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fwctl_tui import marshal
from fwctl_tui.ioctl import RPC_CALL, FwctlDevice, FwctlError, RpcCallType
from fwctl_tui.uapi import FWCTL_INFO, FWCTL_RPC, TAINT_FWCTL_MASK, FwctlInfo, FwctlRpc
from tests.kernel.scenarios import STEP_BY_ID, STEPS, Step

try:
    from fwctl_tui import _fastrpc
except ImportError:  # pragma: no cover - the build had no C compiler
    _fastrpc = None  # type: ignore[assignment]

SENTINEL = 0xAB  # fills caller buffers, so what the kernel wrote (or zeroed) shows
TAINT_LOG = "has requested full access to the physical device"
MARSHALLINGS: dict[str, Any] = {"compiled": _fastrpc.RpcCall if _fastrpc else None,
                                "python": marshal.RpcCall}
IoctlFn = Callable[[int, int, int], int]
NOBODY = 65534
CAP_SYS_RAWIO = 17  # include/uapi/linux/capability.h
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
_libc = ctypes.CDLL(None, use_errno=True)


def errno_name(err: int) -> str:
    """The facts' name for an errno (95 is EOPNOTSUPP there; Python calls it ENOTSUP)."""
    if err == 0:
        return "ok"
    return "EOPNOTSUPP" if err == errno.EOPNOTSUPP else errno.errorcode.get(err, str(err))


class RealBackend:
    """The running kernel: /dev/fwctl, /proc/sys/kernel/tainted, dmesg, sysfs unbind."""

    name = "real"

    def __init__(self) -> None:
        self._unbound: list[tuple[Path, str]] = []
        self._kmsg: int | None = None  # opened on first use: root only
        self._logged = 0

    def node(self, dev: int) -> str:
        return f"/dev/fwctl/fwctl{dev}"

    def open(self, dev: int, rpc_call: RpcCallType = RPC_CALL) -> FwctlDevice:
        return FwctlDevice.open(self.node(dev), rpc_call=rpc_call)

    def ioctl_for(self, dev: int) -> IoctlFn:
        return marshal.libc_ioctl  # FwctlDevice turns this one into ioctl(2) itself

    def tainted(self) -> bool:
        return bool(int(Path("/proc/sys/kernel/tainted").read_text()) & TAINT_FWCTL_MASK)

    def taint_logged(self) -> int:
        """How often the kernel log says so since boot (/dev/kmsg, read on as it grows)."""
        if self._kmsg is None:
            self._kmsg = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        while True:
            try:
                entry = os.read(self._kmsg, 8192)
            except BlockingIOError:
                return self._logged
            except BrokenPipeError:  # the ring overwrote records not read yet: read on
                continue
            self._logged += TAINT_LOG.encode() in entry

    def unbind(self, dev: int) -> None:
        """Unbind the platform driver above the memdev (cxl_mock_mem), as hot-unplug."""
        memdev = Path(f"/sys/class/fwctl/fwctl{dev}/device").resolve()
        platform = memdev.parent
        driver = (platform / "driver").resolve()
        (driver / "unbind").write_text(platform.name)
        self._unbound.append((driver, platform.name))

    def rebind(self) -> None:
        for driver, device in self._unbound:
            (driver / "bind").write_text(device)
        self._unbound.clear()

    @contextmanager
    def identity(self, who: str, dev: int) -> Iterator[None]:
        yield  # the step itself runs in a forked child: see _run_child


class EmulatorBackend:
    """The project's kernel emulator with two simulated cxl_test memdevs."""

    name = "emulator"

    def __init__(self) -> None:
        from fwctl_tui.sim.cxl.host import CxlTestHost

        self.host = CxlTestHost(devices=2)
        self.kernel = self.host.kernel

    def open(self, dev: int, rpc_call: RpcCallType = RPC_CALL) -> FwctlDevice:
        return self.host.emulators[dev].open_device(f"fwctl{dev}", rpc_call=rpc_call)

    def ioctl_for(self, dev: int) -> IoctlFn:
        return self.host.emulators[dev].ioctl

    def tainted(self) -> bool:
        return bool(self.kernel.tainted & TAINT_FWCTL_MASK)

    def taint_logged(self) -> int:
        return sum(TAINT_LOG in line for line in self.kernel.log)

    def unbind(self, dev: int) -> None:
        self.host.emulators[dev].unplug()

    def rebind(self) -> None:
        """Nothing to restore: each emulator run starts from a fresh simulated host."""

    @contextmanager
    def identity(self, who: str, dev: int) -> Iterator[None]:
        saved = set(self.kernel.capabilities)
        if who == "nobody":
            self.kernel.capabilities.clear()
        elif who == "no_rawio":
            self.kernel.capabilities.discard("CAP_SYS_RAWIO")
        try:
            yield
        finally:
            self.kernel.capabilities = saved


Backend = RealBackend | EmulatorBackend


# -- one step's observables ---------------------------------------------------------------


def _info_raw(fn: IoctlFn, fd: int, args: dict[str, Any], request: int = FWCTL_INFO) -> dict:
    data_len = args.get("data_len", 0)
    data = ctypes.create_string_buffer(bytes([SENTINEL]) * (data_len + 16))
    info = FwctlInfo(size=args.get("size", ctypes.sizeof(FwctlInfo)), flags=args.get("flags", 0),
                     out_device_type=0xFFFFFFFF, device_data_len=data_len,
                     out_device_data=ctypes.addressof(data))
    tail = args.get("tail", b"")
    raw = ctypes.create_string_buffer(bytes(info) + tail, ctypes.sizeof(FwctlInfo) + len(tail))
    err = fn(fd, request, ctypes.addressof(raw))
    after = FwctlInfo.from_buffer_copy(raw.raw[: ctypes.sizeof(FwctlInfo)])
    return {"errno": errno_name(err), "size": after.size, "flags": after.flags,
            "out_device_type": after.out_device_type, "device_data_len": after.device_data_len,
            "data_pointer_kept": after.out_device_data == ctypes.addressof(data),
            "tail": raw.raw[ctypes.sizeof(FwctlInfo):].hex(), "data_buffer": data.raw.hex()}


def _rpc_raw(fn: IoctlFn, fd: int, args: dict[str, Any]) -> dict:
    request: bytes = args["request"]
    inb = ctypes.create_string_buffer(request, len(request))
    out_len = args["out_len"]
    outb = ctypes.create_string_buffer(bytes([SENTINEL]) * args.get("out_buffer", out_len))
    rpc = FwctlRpc(size=args.get("size", ctypes.sizeof(FwctlRpc)), scope=args["scope"],
                   in_len=len(request), out_len=out_len, **{"in": ctypes.addressof(inb)},
                   out=ctypes.addressof(outb))
    tail = args.get("tail", b"")
    raw = ctypes.create_string_buffer(bytes(rpc) + tail, ctypes.sizeof(FwctlRpc) + len(tail))
    err = fn(fd, FWCTL_RPC, ctypes.addressof(raw))
    after = FwctlRpc.from_buffer_copy(raw.raw[: ctypes.sizeof(FwctlRpc)])
    return {"errno": errno_name(err), "size": after.size, "scope": after.scope,
            "in_len": after.in_len, "out_len": after.out_len,
            "pointers_kept": (getattr(after, "in"), after.out)
            == (ctypes.addressof(inb), ctypes.addressof(outb)),
            "tail": raw.raw[ctypes.sizeof(FwctlRpc):].hex(), "out_buffer": outb.raw.hex()}


def _layer_devices(backend: Backend, dev: int) -> list[tuple[str, FwctlDevice]]:
    """One open file, one FwctlDevice per marshalling on it; the first one owns the file
    (closing it closes the fd), the others share it."""
    devices: list[tuple[str, FwctlDevice]] = []
    for label, rpc_call in MARSHALLINGS.items():
        if rpc_call is None:
            continue
        if not devices:
            device = backend.open(dev, rpc_call)
        else:
            owner = devices[0][1]
            device = FwctlDevice(owner.fd, backend.ioctl_for(dev), close_fn=_shared,
                                 name=owner.name, rpc_call=rpc_call)
        devices.append((label, device))
    return devices


def _shared(fd: int) -> None:
    """close_fn of a second FwctlDevice on a file another one owns."""


def _rpc(devices: list[tuple[str, FwctlDevice]], args: dict[str, Any]) -> list[dict]:
    request: bytes = args["request"]
    if "pad_to" in args:
        request = request + bytes(args["pad_to"] - len(request))
    calls = []
    for label, device in devices:
        result = device.rpc(args["scope"], request, args["out_len"])
        calls.append({"marshalling": label, "errno": errno_name(result.errno),
                      "out_len": result.out_len, "truncated": result.truncated,
                      "reply": result.data().hex()})
    return calls


def _info(device: FwctlDevice) -> dict:
    try:
        info = device.info()
    except FwctlError as err:
        return {"errno": errno_name(err.errno)}
    return {"errno": "ok", "device_type": info.device_type, "type_name": info.type_name,
            "device_data": info.device_data.hex(), "fields": info.fields}


def _unbind(backend: Backend, dev: int) -> list[dict]:
    device = backend.open(dev)
    calls = [{"before_unbind": _info(device)}]
    backend.unbind(dev)
    calls.append({"info": _info(device)})
    calls.append({"rpc": _rpc([("compiled", device)], STEP_BY_ID["gsf_scope0"].args)[0]})
    device.close()
    calls.append({"close": "ok"})
    return calls


def step_calls(backend: Backend, step: Step, devices: dict[int, list]) -> list[dict]:
    """The observables of one step, on the backend's already open devices."""
    if step.op == "unbind":
        return _unbind(backend, step.dev)
    if step.dev not in devices:
        devices[step.dev] = _layer_devices(backend, step.dev)
    first = devices[step.dev][0][1]
    if step.op == "info_raw":
        return [_info_raw(backend.ioctl_for(step.dev), first.fd, step.args)]
    if step.op == "ioctl_raw":
        return [_info_raw(backend.ioctl_for(step.dev), first.fd, step.args,
                          step.args["request"])]
    if step.op == "info":
        return [_info(first)]
    if step.op == "rpc_raw":
        return [_rpc_raw(backend.ioctl_for(step.dev), first.fd, step.args)]
    if step.op == "rpc":
        return _rpc(devices[step.dev], step.args)
    raise ValueError(f"step {step.id}: unknown op {step.op!r}")


def run_step(backend: Backend, step: Step, devices: dict[int, list]) -> dict:
    record: dict[str, Any] = {"id": step.id, "taint_before": backend.tainted()}
    if step.identity != "root" and isinstance(backend, RealBackend):
        record["calls"] = _run_child(backend, step)
    else:
        with backend.identity(step.identity, step.dev):
            record["calls"] = step_calls(backend, step, devices)
    record["taint_after"] = backend.tainted()
    record["taint_logged"] = backend.taint_logged()
    return record


def _run_child(backend: RealBackend, step: Step) -> list[dict]:
    """Run one step in a forked child that has become `step.identity` (nobody, or root
    without CAP_SYS_RAWIO) and opens the node itself, made accessible meanwhile."""
    node = backend.node(step.dev)
    mode = os.stat(node).st_mode
    os.chmod(node, 0o666)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        code = 1
        try:
            _become(step.identity)
            devices: dict[int, list] = {}
            calls = step_calls(RealBackend(), step, devices)
            os.write(writer, json.dumps(calls).encode())
            code = 0
        except BaseException as exc:
            os.write(writer, json.dumps({"error": repr(exc)}).encode())
        finally:
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        answer = json.loads(pipe.read() or b"null")
    _, status = os.waitpid(pid, 0)
    os.chmod(node, mode & 0o7777)
    if os.waitstatus_to_exitcode(status) != 0 or not isinstance(answer, list):
        raise RuntimeError(f"step {step.id} as {step.identity} failed: {answer}")
    return answer


def _become(who: str) -> None:
    """Drop privileges like `setpriv`: nobody (uid/gid 65534, no groups, so no
    capabilities), or root whose effective and permitted sets lack CAP_SYS_RAWIO."""
    if who == "nobody":
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    elif who == "no_rawio":
        _drop_capability(CAP_SYS_RAWIO)
    else:
        raise ValueError(f"unknown identity {who!r}")
    if _has_capability(CAP_SYS_RAWIO):
        raise RuntimeError(f"{who}: CAP_SYS_RAWIO is still effective")


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32))


def _capabilities() -> tuple[_CapHeader, ctypes.Array[_CapData]]:
    header, data = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    if _libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    return header, data


def _has_capability(cap: int) -> bool:
    _, data = _capabilities()
    return bool(data[cap // 32].effective & (1 << cap % 32))


def _drop_capability(cap: int) -> None:
    header, data = _capabilities()
    bit = ~(1 << cap % 32) & 0xFFFFFFFF
    data[cap // 32].effective &= bit
    data[cap // 32].permitted &= bit
    data[cap // 32].inheritable &= bit
    if _libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


def run_all(backend: Backend) -> dict[str, Any]:
    """Every step in order; the real backend rebinds what it unbound, even on failure."""
    devices: dict[int, list] = {}
    steps = {}
    try:
        for step in STEPS:
            steps[step.id] = run_step(backend, step, devices)
    finally:
        backend.rebind()
        for layer in devices.values():
            layer[0][1].close()
    return {"backend": backend.name, "marshallings": [k for k, v in MARSHALLINGS.items() if v],
            "steps": steps}


def main(argv: list[str]) -> int:
    kind, out = argv
    result = run_all(RealBackend() if kind == "real" else EmulatorBackend())
    Path(out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

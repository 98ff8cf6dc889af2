"""Per-RPC overhead of FwctlDevice.rpc against a C loop doing the same ioctl on the same fd.

Both sides issue FWCTL_RPC with a 16-byte request and a 64-byte reply buffer on one
/dev/null descriptor (the kernel answers ENOTTY after the full syscall path), so the
difference is exactly what the Python layer adds. The C program is compiled here with
the system cc and receives the inherited fd number. FwctlDevice is measured as installed
(the compiled RpcCall when the build had a compiler) and, for reference, with the
pure-Python twin in marshal.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fwctl_tui import ioctl, marshal
from fwctl_tui.ioctl import FwctlDevice
from fwctl_tui.uapi import FWCTL_RPC, Scope

ITERATIONS = 1_000_000
C_SOURCE = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
struct fwctl_rpc { uint32_t size, scope, in_len, out_len; uint64_t in, out; };
int main(int argc, char **argv) {
    int fd = atoi(argv[1]); long n = atol(argv[2]); unsigned long req = strtoul(argv[3], 0, 0);
    static char in[16], out[64];
    struct fwctl_rpc rpc = {sizeof rpc, 1, 16, 64, (uintptr_t)in, (uintptr_t)out};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) { rpc.in_len = 16; rpc.out_len = 64; ioctl(fd, req, &rpc); }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%.2f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
    return 0;
}
"""


def _c_loop_ns(fd: int, iterations: int) -> float:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise RuntimeError("no C compiler (cc) on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = Path(tmp, "loop.c"), Path(tmp, "loop")
        src.write_text(C_SOURCE)
        subprocess.run([cc, "-O2", "-o", str(exe), str(src)], check=True)
        out = subprocess.run(
            [str(exe), str(fd), str(iterations), hex(FWCTL_RPC)],
            check=True, capture_output=True, text=True, pass_fds=(fd,),
        )
    return float(out.stdout)


def _python_ns(dev: FwctlDevice, iterations: int) -> float:
    request, rpc, scope = bytes(16), dev.rpc, Scope.DEBUG_READ_ONLY
    start = time.perf_counter_ns()
    for _ in range(iterations):
        rpc(scope, request, 64)
    return (time.perf_counter_ns() - start) / iterations


def _twin_ns(fd: int, iterations: int) -> float:
    """The same loop through marshal.RpcCall, the fallback without a compiled build."""
    twin = FwctlDevice(fd, close_fn=lambda fd: None, rpc_call=marshal.RpcCall)
    return min(_python_ns(twin, iterations) for _ in range(3))


def run(iterations: int = ITERATIONS) -> dict[str, float]:
    dev = FwctlDevice.open("/dev/null")
    try:
        _python_ns(dev, 10_000)  # warm up
        c_ns = min(_c_loop_ns(dev.fd, iterations) for _ in range(3))
        py_ns = min(_python_ns(dev, iterations) for _ in range(3))
        twin_ns = _twin_ns(dev.fd, iterations // 4)
    finally:
        dev.close()
    result = {"c_ns_per_rpc": c_ns, "python_ns_per_rpc": py_ns, "ratio": py_ns / c_ns,
              "python_twin_ns_per_rpc": twin_ns}
    print(f"   C ioctl loop            {c_ns:8.1f} ns/RPC")
    print(f"   FwctlDevice.rpc         {py_ns:8.1f} ns/RPC   ({ioctl.MARSHALLING} marshalling)")
    print(f"   ratio                   {result['ratio']:8.2f}x   (target <= 3x)")
    print(f"   pure-Python twin        {twin_ns:8.1f} ns/RPC   ({twin_ns / c_ns:.2f}x, the "
          "fallback without a C compiler)")
    return result


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else ITERATIONS)
    os._exit(0)

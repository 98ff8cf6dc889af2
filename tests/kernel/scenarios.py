"""The kernel scenario list: one ordered sequence of steps, run once per boot.

The same list runs against the real kernel (inside the VM, tests/kernel/inside) and
against the kernel emulator with a simulated cxl_test device (tests/kernel/runner.py),
and the two records must match observable for observable. Order matters: TAINT_FWCTL is
set once per boot, so the refused scope-3 requests come before the first scope >= 2
request, and the unbind comes last (it runs on a second device, fwctl1).

`expect` is what the fwctl facts (../shared/reference) say, independently of both the
emulator and the kernel: the in-VM suite checks the real kernel against it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from fwctl_tui.sim.cxl import layout
from fwctl_tui.uapi import MAX_RPC_LEN

MIB = 1024 * 1024
TEST_FEATURE = uuid.UUID(next(
    f["uuid"] for f in layout.cxl_facts()["known_features"] if not f["kernel_exclusive"]
)).bytes_le
"""The one feature the cxl_test mock exposes (not kernel-exclusive, so fwctl may use it)."""

GSF = layout.rpc_request(layout.GET_SUPPORTED_FEATURES,
                         layout.get_supported_features_in(count=256))
GET_TEST = layout.rpc_request(layout.GET_FEATURE, layout.get_feature_in(TEST_FEATURE, count=4))
REFUSED_OPCODE = layout.rpc_request(0x0001, bytes(8))  # not a Features opcode: EINVAL


def set_test(data: bytes) -> bytes:
    return layout.rpc_request(layout.SET_FEATURE, layout.set_feature_in(TEST_FEATURE, data))


@dataclass(frozen=True)
class Step:
    """One observable action. `op` is one of:

    info_raw   FWCTL_INFO with a hand-built struct through the layer's ioctl function
    ioctl_raw  an arbitrary request number with a fwctl_info struct
    info       FwctlDevice.info()
    rpc_raw    FWCTL_RPC with a hand-built struct (odd sizes, sentinel-filled out buffer)
    rpc        FwctlDevice.rpc(), once through each marshalling (compiled, then python)
    unbind     unbind the device's driver (emulator: unplug), then INFO, RPC and close
               on the file opened before; `rebind` afterwards on the real kernel
    """

    id: str
    rule: str
    op: str
    args: dict[str, Any] = field(default_factory=dict)
    expect: str = "ok"  # errno name, or "ok"
    dev: int = 0
    identity: str = "root"  # root | no_rawio (root minus CAP_SYS_RAWIO) | nobody
    taints: bool | None = None  # TAINT_FWCTL after the step (None: not checked)


STEPS: tuple[Step, ...] = (
    Step("info_no_buffer", "FWCTL_INFO without a data buffer: type CXL, buffer untouched",
         "info_raw", {"data_len": 0}),
    Step("info_buffer", "FWCTL_INFO with a 64-byte buffer: CXL has no info op, so the "
         "buffer is zero-filled and length 0", "info_raw", {"data_len": 64}),
    Step("info_layer", "FwctlDevice.info() on CXL: type 2, no driver data", "info"),
    Step("info_flags", "FWCTL_INFO flags != 0", "info_raw", {"flags": 1}, "EOPNOTSUPP"),
    Step("info_short", "FWCTL_INFO struct size 16 < 24", "info_raw", {"size": 16}, "EINVAL"),
    Step("info_long_zero", "FWCTL_INFO size 40, zero tail: accepted", "info_raw",
         {"size": 40, "tail": bytes(16)}),
    Step("info_long_nonzero", "FWCTL_INFO size 40, non-zero tail", "info_raw",
         {"size": 40, "tail": bytes(15) + b"\x01"}, "E2BIG"),
    Step("ioctl_unknown", "ioctl 0x9A02 (no such fwctl command)", "ioctl_raw",
         {"request": 0x9A02}, "ENOTTY"),
    Step("rpc_short", "FWCTL_RPC struct size 24 < 32", "rpc_raw",
         {"size": 24, "scope": 1, "request": GSF, "out_len": 128}, "EINVAL"),
    Step("rpc_long_zero", "FWCTL_RPC size 48, zero tail: accepted", "rpc_raw",
         {"size": 48, "tail": bytes(16), "scope": 1, "request": GSF, "out_len": 128}),
    Step("rpc_long_nonzero", "FWCTL_RPC size 48, non-zero tail", "rpc_raw",
         {"size": 48, "tail": b"\x01" + bytes(15), "scope": 1, "request": GSF,
          "out_len": 128}, "E2BIG"),
    Step("rpc_scope_unknown", "FWCTL_RPC scope 4 (no such scope)", "rpc",
         {"scope": 4, "request": GSF, "out_len": 4096}, "EOPNOTSUPP"),
    Step("rpc_in_over", "in_len 3 MiB > 2 MiB", "rpc",
         {"scope": 1, "request": GSF, "pad_to": 3 * MIB, "out_len": 4096}, "EMSGSIZE"),
    Step("rpc_out_over", "out_len 3 MiB > 2 MiB", "rpc",
         {"scope": 1, "request": GSF, "out_len": 3 * MIB}, "EMSGSIZE"),
    Step("rpc_in_max", "in_len exactly 2 MiB is accepted", "rpc",
         {"scope": 1, "request": GSF, "pad_to": MAX_RPC_LEN, "out_len": 4096}),
    Step("rpc_out_max", "out_len exactly 2 MiB is accepted", "rpc",
         {"scope": 1, "request": GSF, "out_len": MAX_RPC_LEN}),
    Step("gsf_scope0", "Get Supported Features at CONFIGURATION", "rpc",
         {"scope": 0, "request": GSF, "out_len": 4096}),
    Step("gsf_scope1", "Get Supported Features at DEBUG_READ_ONLY", "rpc",
         {"scope": 1, "request": GSF, "out_len": 4096}),
    Step("gsf_truncated", "a reply larger than out_len: 8 bytes copied, full length reported",
         "rpc", {"scope": 0, "request": GSF, "out_len": 8}),
    Step("gsf_truncated_raw", "truncation seen in the caller's buffer: bytes past out_len "
         "untouched", "rpc_raw", {"scope": 0, "request": GSF, "out_len": 8, "out_buffer": 96}),
    Step("get_feature", "Get Feature of the test feature at CONFIGURATION", "rpc",
         {"scope": 0, "request": GET_TEST, "out_len": 4096}),
    Step("set_feature_scope0", "Set Feature at CONFIGURATION: the driver needs DEBUG_WRITE",
         "rpc", {"scope": 0, "request": set_test(b"\x5a" * 4), "out_len": 4096}, "EINVAL",
         taints=False),
    Step("unknown_opcode", "an opcode the CXL driver does not know", "rpc",
         {"scope": 1, "request": REFUSED_OPCODE, "out_len": 4096}, "EINVAL", taints=False),
    Step("scope3_nobody", "DEBUG_WRITE_FULL as an unprivileged user (node made accessible): "
         "EPERM, no taint", "rpc", {"scope": 3, "request": set_test(b"\x13" * 4),
                                    "out_len": 4096}, "EPERM", identity="nobody", taints=False),
    Step("scope3_no_rawio", "DEBUG_WRITE_FULL as root without CAP_SYS_RAWIO: EPERM, no taint",
         "rpc", {"scope": 3, "request": set_test(b"\x13" * 4), "out_len": 4096}, "EPERM",
         identity="no_rawio", taints=False),
    Step("taint_refused", "the first DEBUG_WRITE request taints even though the driver "
         "refuses it", "rpc", {"scope": 2, "request": REFUSED_OPCODE, "out_len": 4096},
         "EINVAL", taints=True),
    Step("set_feature_scope2", "Set Feature at DEBUG_WRITE (a cold-reset feature)", "rpc",
         {"scope": 2, "request": set_test(b"\x5a" * 4), "out_len": 4096}, taints=True),
    Step("get_after_set", "Get Feature reads the value just set", "rpc",
         {"scope": 0, "request": GET_TEST, "out_len": 4096}),
    Step("set_feature_scope3", "Set Feature at DEBUG_WRITE_FULL as root: allowed, and the "
         "taint is not logged again (once per boot)", "rpc",
         {"scope": 3, "request": set_test(b"\x13" * 4), "out_len": 4096}, taints=True),
    Step("unbind", "driver unbound while a file is open: INFO and RPC give ENODEV, close "
         "works", "unbind", dev=1, expect="ENODEV", taints=True),
)

STEP_BY_ID = {step.id: step for step in STEPS}

"""The preview's verdict is what the kernel emulator then does, over the whole finite space.

For every mlx5 opcode of the allow-list facts and some outside it, both op_mod kinds,
every scope, with and without CAP_SYS_RAWIO, an untainted and an already tainted kernel,
every lockdown mode and two kernel releases (the list grew in v6.18); and for every cxl
and pds command the plug-ins build for the simulated devices (plus raw requests the
drivers refuse): the errno the preview predicts (0: accepted) and whether TAINT_FWCTL is
set afterwards equal what the RPC through FwctlDevice and the emulator did; for mlx5 also
with the request's length and out_len given, as `send` and the TUI give them (a request or
reply buffer below the 16-byte header, either above 2 MiB). The space is small, so it is
enumerated exhaustively (about 20 000 RPCs, a few seconds).
"""

from __future__ import annotations

import errno
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from fwctl_tui import allowlist, policy
from fwctl_tui.drivers.cxl import CxlPlugin
from fwctl_tui.drivers.pds import PdsPlugin
from fwctl_tui.drivers.pds_entries import read_entries
from fwctl_tui.facts import facts
from fwctl_tui.ioctl import FwctlDevice
from fwctl_tui.kernel_rules import core as rules
from fwctl_tui.kernel_rules import mlx5 as mlx5_rules
from fwctl_tui.sim.cxl import layout as cxl_layout
from fwctl_tui.sim.cxl.driver import CxlDriver
from fwctl_tui.sim.cxl.mock import CxlMockMemdev
from fwctl_tui.sim.emulator import KernelEmulator
from fwctl_tui.sim.kernel import SimKernel
from fwctl_tui.sim.mlx5_driver import Mlx5Driver
from fwctl_tui.sim.pds.driver import PdsDriver
from fwctl_tui.sim.pds.firmware import DscFirmware
from fwctl_tui.uapi import MAX_RPC_LEN, TAINT_FWCTL_MASK, Scope

RELEASES = ("6.15.0-sim", "6.18.0-sim")
LOCKDOWN = ("none", "integrity", "confidentiality")
OUT_LEN = 64
SAMPLE_ENTRIES = (Path(__file__).parents[2] / "fwctl_tui" / "sim" / "pds"
                  / "sample_entries.json")


@dataclass(frozen=True)
class Caller:
    """One point of the kernel-state space."""

    cap_sys_rawio: bool
    tainted: bool
    lockdown: str
    release: str = RELEASES[-1]


def callers(releases: tuple[str, ...] = RELEASES[-1:]) -> Iterator[Caller]:
    for cap, tainted, lockdown, release in itertools.product(
            (True, False), (False, True), LOCKDOWN, releases):
        yield Caller(cap, tainted, lockdown, release)


def set_state(kernel: SimKernel, caller: Caller) -> None:
    """Put the simulated kernel in this state (taint is sticky: reset it every time)."""
    kernel.capabilities = {"CAP_SYS_RAWIO"} if caller.cap_sys_rawio else set()
    kernel.tainted = TAINT_FWCTL_MASK if caller.tainted else 0
    kernel.fwctl_taint_logged = caller.tainted
    kernel.lockdown = caller.lockdown
    kernel.release = caller.release


class OkFirmware:
    """Firmware that answers every command with status OK: only the rules decide here."""

    uctx_caps = 0x4

    def create_uctx(self, caps: int) -> int:
        return 0x2A

    def destroy_uctx(self, uid: int) -> None:
        """Nothing to release."""

    def execute(self, mbox_in: bytes, out_len: int) -> bytes:
        return bytes(out_len)


def mailbox(opcode: int, op_mod: int) -> bytes:
    """A 16-byte mlx5 input mailbox, its header placed from the facts' mbox_in_hdr."""
    buf = bytearray(facts()["mlx5"]["mbox_hdr_size_bytes"]["mbox_in_hdr"])
    for field in facts()["mlx5"]["mbox_in_hdr"]:
        value = {"opcode": opcode, "op_mod": op_mod}.get(field["name"])
        if value is not None:
            start, size = field["byte_offset"], field["byte_size"]
            buf[start:start + size] = value.to_bytes(size, "big")
    return bytes(buf)


def outside_opcodes() -> list[int]:
    """Opcodes the mlx5 interface defines but the allow-list never allows, and 0xffff."""
    allowed = set(allowlist.entries())
    defined = sorted(set(facts()["mlx5"]["opcodes"].values()) - allowed)
    return [*defined[:4], *defined[-2:], 0xFFFF]


def open_mlx5(kernel: SimKernel) -> FwctlDevice:
    return KernelEmulator(kernel, Mlx5Driver(OkFirmware(), kernel)).open_device()


def test_outside_opcodes_really_are_outside() -> None:
    assert all(allowlist.lookup(opcode) is None for opcode in outside_opcodes())
    assert len(outside_opcodes()) >= 5


def test_mlx5_preview_equals_emulator_over_the_whole_space() -> None:
    kernel = SimKernel()
    device = open_mlx5(kernel)
    opcodes = [*sorted(allowlist.entries()), *outside_opcodes()]
    wrong: list[str] = []
    checked = 0
    for caller in callers(RELEASES):
        for opcode, op_mod, scope in itertools.product(opcodes, (0, 1), Scope):
            set_state(kernel, caller)
            predicted = policy.preview(opcode, op_mod, scope, kernel.state())
            result = device.rpc(scope, mailbox(opcode, op_mod), OUT_LEN)
            got = (result.errno, kernel.state().fwctl_tainted)
            want = (predicted.refusal_errno or 0, predicted.already_tainted or predicted.taints)
            checked += 1
            if got != want:
                wrong.append(f"{opcode:#06x} op_mod {op_mod} {scope.name} {caller}: "
                             f"preview {want}, emulator {got}")
    assert checked == len(list(callers(RELEASES))) * len(opcodes) * 2 * len(Scope)
    assert not wrong, f"{len(wrong)} of {checked} disagree:\n" + "\n".join(wrong[:10])


def test_the_space_holds_every_kind_of_answer() -> None:
    """The enumeration above is not vacuous: accepted, EBADMSG, EPERM, taint all occur."""
    seen = set()
    for caller in callers(RELEASES):
        kernel = SimKernel()
        set_state(kernel, caller)
        for opcode, op_mod, scope in itertools.product(
                [*sorted(allowlist.entries()), *outside_opcodes()], (0, 1), Scope):
            p = policy.preview(opcode, op_mod, scope, kernel.state())
            seen.add((p.refusal_errno, p.taints))
    assert {(None, False), (None, True), (errno.EBADMSG, False), (errno.EBADMSG, True),
            (errno.EPERM, False)} <= seen


LENGTHS = (  # (in_len, out_len): fits, each side short by one byte, each side over 2 MiB
    (16, OUT_LEN), (15, OUT_LEN), (8, OUT_LEN), (16, 15), (16, 8), (16, 0), (8, 8),
    (16, MAX_RPC_LEN), (MAX_RPC_LEN + 1, OUT_LEN), (16, MAX_RPC_LEN + 1),
    (MAX_RPC_LEN + 1, 8),
)


def test_mlx5_preview_with_lengths_equals_emulator() -> None:
    """policy.preview given the request's length and out_len (as `send` and the TUI give
    them) predicts what the emulator then does, lengths included: too short a request,
    an out_len below the mailbox header, either above 2 MiB, with every scope and caller,
    allowed and refused opcodes."""
    kernel = SimKernel()
    device = open_mlx5(kernel)
    opcodes = [0x100, 0x805, *outside_opcodes()[:1]]  # any scope, a register, refused
    wrong: list[str] = []
    answers: set[tuple[int, bool]] = set()
    for caller in callers():
        for (in_len, out_len), opcode, op_mod, scope in itertools.product(
                LENGTHS, opcodes, (0, 1), Scope):
            set_state(kernel, caller)
            request = mailbox(opcode, op_mod).ljust(in_len, b"\0")[:in_len]
            predicted = policy.preview(opcode, op_mod, scope, kernel.state(),
                                       in_len=len(request), out_len=out_len)
            result = device.rpc(scope, request, out_len)
            got = (result.errno, kernel.state().fwctl_tainted)
            want = (predicted.refusal_errno or 0, predicted.already_tainted or predicted.taints)
            answers.add((want[0], predicted.taints))
            if got != want:
                wrong.append(f"{opcode:#06x}/{op_mod} {scope.name} in {in_len} out {out_len} "
                             f"{caller}: preview {want}, emulator {got}")
    assert not wrong, f"{len(wrong)} disagree:\n" + "\n".join(wrong[:10])
    # not vacuous: lengths refused before the scope (no taint) and after the taint
    assert {(errno.EMSGSIZE, False), (errno.EMSGSIZE, True), (0, False), (0, True),
            (errno.EBADMSG, False), (errno.EPERM, False)} <= answers


def test_a_length_refusal_says_which_length() -> None:
    """The preview row names the length and the limit, not just the errno."""
    state = SimKernel().state()
    short = policy.preview(0x100, 1, Scope.CONFIGURATION, state, in_len=16, out_len=8)
    assert not short.accepted and short.refusal_errno == errno.EMSGSIZE
    assert "out_len 8" in dict(short.facts())["Kernel accepts"]
    assert "16-byte mailbox header" in dict(short.facts())["Kernel accepts"]
    big = policy.preview(0x100, 1, Scope.CONFIGURATION, state, in_len=16,
                         out_len=MAX_RPC_LEN + 1)
    assert f"out_len {MAX_RPC_LEN + 1}" in dict(big.facts())["Kernel accepts"]
    assert policy.preview(0x100, 1, Scope.CONFIGURATION, state, in_len=16,
                          out_len=MAX_RPC_LEN).accepted


@pytest.mark.parametrize(
    ("scope", "in_len", "out_len"),
    [(4, 16, 64), (0xFFFFFFFF, 16, 64), (0, 8, 64), (0, 16, 8), (2, 8, 64),
     (3, 16, 15), (0, MAX_RPC_LEN + 1, 64), (2, 16, MAX_RPC_LEN + 1), (1, 16, MAX_RPC_LEN)],
)
def test_core_and_length_rules_agree_with_the_emulator(scope: int, in_len: int,
                                                       out_len: int) -> None:
    """What policy.preview cannot be asked (a scope outside 0..3, the lengths) through
    the same evaluation the preview uses."""
    for caller in callers():
        kernel = SimKernel()
        set_state(kernel, caller)
        device = open_mlx5(kernel)
        request = mailbox(0x100, 1).ljust(in_len, b"\0")[:in_len]  # QUERY_HCA_CAP: any scope
        state = kernel.state()
        check = partial(mlx5_rules.check, 0x100, 1, kernel=state.version, in_len=in_len,
                        out_len=out_len)
        verdict = rules.evaluate(scope, state, check, in_len, out_len)
        result = device.rpc(scope, request, out_len)
        assert (result.errno, kernel.state().fwctl_tainted) == (
            verdict.errno, verdict.tainted_after(state)), (scope, in_len, out_len, caller)


# --- cxl and pds ---------------------------------------------------------------------------

def cxl_requests(plugin: CxlPlugin, memdev: CxlMockMemdev) -> Iterator[tuple[str, bytes, int]]:
    """(label, request, out_len): what the plug-in builds for every feature, and raw
    requests the driver refuses (short header, op_size too big, a non-Features opcode)."""
    count = len(memdev.features)
    for start in (0, count - 1, count, count + 1):
        built = plugin.build("GET_SUPPORTED_FEATURES", {"start": str(start)})
        yield f"GSF start {start}", built.request, built.out_len
    unknown = uuid.UUID("12345678-0000-4000-8000-000000000000")
    names = [str(uuid.UUID(bytes_le=f.uuid)) for f in memdev.features] + [str(unknown)]
    for name in names:
        built = plugin.build("GET_FEATURE", {"feature": name, "count": "4"})
        yield f"GET {name}", built.request, built.out_len
        built = plugin.build("SET_FEATURE", {"feature": name, "data": "01020304"})
        yield f"SET {name}", built.request, built.out_len
    set_one = plugin.build("SET_FEATURE", {"feature": names[2], "data": "01"})
    yield "SET, reply buffer too short", set_one.request, 4
    yield "short header", cxl_layout.rpc_request(cxl_layout.GET_FEATURE)[:8], OUT_LEN
    yield "op_size past the payload", cxl_layout.rpc_request(
        cxl_layout.GET_FEATURE, bytes(4), op_size=64), OUT_LEN
    yield "not a Features opcode", cxl_layout.rpc_request(0x0001, bytes(8)), OUT_LEN


def cxl_context(plugin: CxlPlugin, device: FwctlDevice) -> dict[str, Any]:
    """What `send` learns before a cxl command: the supported-features list."""
    listing = plugin.build("GET_SUPPORTED_FEATURES", {})
    result = device.rpc(Scope.CONFIGURATION, listing.request, listing.out_len)
    decoded = plugin.decode(listing, result.data())
    return {"features": decoded["features"], "supported_feats": decoded["supported_feats"]}


def test_cxl_preview_equals_emulator_for_every_command() -> None:
    kernel, plugin = SimKernel(), CxlPlugin()
    memdev = CxlMockMemdev("cxl_mem")
    device = KernelEmulator(kernel, CxlDriver(memdev)).open_device()
    context = cxl_context(plugin, device)
    wrong: list[str] = []
    answers = set()
    for caller in callers():
        for (label, request, out_len), scope in itertools.product(
                list(cxl_requests(plugin, memdev)), Scope):
            set_state(kernel, caller)
            verdict = policy.driver_verdict("cxl", request, out_len, scope, kernel.state(),
                                            context)
            assert verdict.unknown is None, (label, verdict)
            want = (verdict.errno, verdict.tainted_after(kernel.state()))
            result = device.rpc(scope, request, out_len)
            got = (result.errno, kernel.state().fwctl_tainted)
            answers.add(verdict.errno)
            if got != want:
                wrong.append(f"{label} {scope.name} {caller}: preview {want}, emulator {got}")
    assert not wrong, f"{len(wrong)} disagree:\n" + "\n".join(wrong[:10])
    assert answers == {0, errno.EINVAL, errno.EPERM}


def test_pds_preview_equals_emulator_for_every_saved_entry() -> None:
    kernel, plugin = SimKernel(), PdsPlugin()
    device = KernelEmulator(kernel, PdsDriver(DscFirmware())).open_device()
    entries = read_entries(SAMPLE_ENTRIES)
    context = {"entries": entries}
    wrong: list[str] = []
    answers = set()
    for caller in callers():
        for entry, scope in itertools.product(entries, Scope):
            set_state(kernel, caller)
            built = plugin.build(entry.name, {}, context)
            verdict = policy.driver_verdict("pds", built.request, built.out_len, scope,
                                            kernel.state(), context)
            want = (verdict.errno, verdict.tainted_after(kernel.state()))
            result = device.rpc(scope, built.request, built.out_len)
            got = (result.errno, kernel.state().fwctl_tainted)
            answers.add(verdict.errno)
            if got != want:
                wrong.append(f"{entry.name} {scope.name} {caller}: preview {want}, "
                             f"emulator {got}")
    assert not wrong, f"{len(wrong)} disagree:\n" + "\n".join(wrong[:10])
    assert answers == {0, errno.EPERM}


@pytest.mark.parametrize(("ep", "op"), [(9, 1), (1, 9)])
def test_pds_preview_never_guesses_an_operation_it_was_not_told(ep: int, op: int) -> None:
    """An operation outside the saved entries: the preview says it cannot tell (the
    emulator's firmware refuses it with EINVAL), rather than claiming either answer."""
    kernel, plugin = SimKernel(), PdsPlugin()
    device = KernelEmulator(kernel, PdsDriver(DscFirmware())).open_device()
    context = {"entries": read_entries(SAMPLE_ENTRIES)}
    built = plugin.build("RPC", {"ep": str(ep), "op": str(op)}, context)
    verdict = policy.driver_verdict("pds", built.request, built.out_len, Scope.CONFIGURATION,
                                    kernel.state(), context)
    assert verdict.refusal is None and verdict.unknown is not None
    assert "not in the saved entries" in verdict.unknown.reason
    assert device.rpc(Scope.CONFIGURATION, built.request, built.out_len).errno == errno.EINVAL

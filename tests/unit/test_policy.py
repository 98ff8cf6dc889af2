"""Truth tables for the consequence preview: the kernel's order of checks, as data."""

from __future__ import annotations

import errno
from dataclasses import replace

import pytest

from fwctl_tui.consequence import Confirm
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.policy import preview
from fwctl_tui.uapi import TAINT_FWCTL_MASK, Scope

QUERY_HCA_CAP, ACCESS_REG, SET_DIAG, CREATE_TIR, MODIFY_CONG = 0x100, 0x805, 0x820, 0x900, 0x823

ROOT = KernelState("6.18.0", 0, True, "none", "fwctl-tui", 42)
USER = replace(ROOT, has_cap_sys_rawio=False)


@pytest.mark.parametrize(
    ("opcode", "op_mod", "scope", "state", "accepted", "refusal", "taints", "confirm"),
    [
        (QUERY_HCA_CAP, 1, Scope.CONFIGURATION, USER, True, None, False, Confirm.SEND),
        (ACCESS_REG, 1, Scope.CONFIGURATION, USER, False, errno.EBADMSG, False,
         Confirm.CANCEL_FOCUSED),
        (ACCESS_REG, 1, Scope.DEBUG_READ_ONLY, USER, True, None, False, Confirm.SEND),
        (ACCESS_REG, 0, Scope.CONFIGURATION, USER, True, None, False,
         Confirm.CANCEL_FOCUSED),
        (SET_DIAG, 0, Scope.DEBUG_READ_ONLY, ROOT, False, errno.EBADMSG, False,
         Confirm.CANCEL_FOCUSED),
        (SET_DIAG, 0, Scope.DEBUG_WRITE, USER, True, None, True, Confirm.ACKNOWLEDGE),
        (SET_DIAG, 0, Scope.DEBUG_WRITE_FULL, USER, False, errno.EPERM, False,
         Confirm.CANCEL_FOCUSED),
        (SET_DIAG, 0, Scope.DEBUG_WRITE_FULL, ROOT, True, None, True, Confirm.ACKNOWLEDGE),
        (CREATE_TIR, 0, Scope.DEBUG_WRITE, ROOT, False, errno.EBADMSG, True, Confirm.ACKNOWLEDGE),
    ],
)
def test_preview_truth_table(opcode, op_mod, scope, state, accepted, refusal, taints, confirm):
    is_write = opcode in (SET_DIAG, CREATE_TIR) or (opcode == ACCESS_REG and op_mod == 0)
    p = preview(opcode, op_mod, scope, state, is_write=is_write)
    got = (p.accepted, p.refusal_errno, p.taints, p.confirm)
    assert got == (accepted, refusal, taints, confirm)


def test_taint_even_when_driver_refuses_is_spelled_out() -> None:
    p = preview(CREATE_TIR, 0, Scope.DEBUG_WRITE, ROOT)
    taint = dict(p.facts())["Taint"]
    assert "even though the driver will refuse" in taint
    assert p.least_scope is None
    assert "refuses it at every scope" in dict(p.facts())["Least accepted"]


def test_eperm_checked_before_taint() -> None:
    p = preview(SET_DIAG, 0, Scope.DEBUG_WRITE_FULL, USER)
    assert not p.taints and "capability check fails first" in dict(p.facts())["Taint"]
    assert "LACKS" in dict(p.facts())["CAP_SYS_RAWIO"]


def test_already_tainted_kernel() -> None:
    p = preview(SET_DIAG, 0, Scope.DEBUG_WRITE, replace(ROOT, tainted=TAINT_FWCTL_MASK))
    assert p.taints and not p.will_taint
    assert "already tainted" in dict(p.facts())["Taint"]


def test_taint_text_names_letter_bit_permanence_and_log() -> None:
    text = dict(preview(SET_DIAG, 0, Scope.DEBUG_WRITE, ROOT).facts())["Taint"]
    for words in ("'J'", "bit 19", "until reboot", "fwctl-tui(<pid>)"):
        assert words in text


def test_kernel_version_decides_acceptance() -> None:
    old = replace(ROOT, release="6.15.7")
    assert not preview(MODIFY_CONG, 0, Scope.CONFIGURATION, old).accepted
    assert preview(MODIFY_CONG, 0, Scope.CONFIGURATION, ROOT).accepted


def test_simulated_state_says_no_effect() -> None:
    state = replace(ROOT, simulated=True)
    rows = dict(preview(QUERY_HCA_CAP, 1, Scope.CONFIGURATION, state).facts())
    assert "no effect on the running kernel" in rows["Effect"]


def test_lockdown_rows() -> None:
    locked = replace(ROOT, lockdown="confidentiality")
    assert "lockdown-compatible" in dict(preview(QUERY_HCA_CAP, 1, 0, locked).facts())["Lockdown"]
    full = dict(preview(SET_DIAG, 0, Scope.DEBUG_WRITE_FULL, locked).facts())["Lockdown"]
    assert "CAP_SYS_RAWIO" in full


def test_simulated_taint_never_claims_the_running_kernel() -> None:
    p = preview(SET_DIAG, 0, Scope.DEBUG_WRITE, replace(ROOT, simulated=True))
    rows = dict(p.facts())
    assert "the simulated kernel would be tainted" in rows["Taint"]
    assert "'J', bit 19" in rows["Taint"] and "until reboot" in rows["Taint"]
    assert "this machine is untouched" in rows["Taint"]
    assert "running kernel" not in rows["Taint"]
    assert "no effect on the running kernel" in rows["Effect"]
    assert p.ack_label == "I understand this would taint the kernel (simulated here)"


def test_live_taint_acknowledgement_names_the_running_kernel() -> None:
    p = preview(SET_DIAG, 0, Scope.DEBUG_WRITE, ROOT)
    assert p.ack_label == "I understand this taints the running kernel"
    assert "on the running kernel" in dict(p.facts())["Taint"]


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (ROOT, "the running kernel is not tainted"),
        (replace(ROOT, tainted=TAINT_FWCTL_MASK), "already tainted with TAINT_FWCTL"),
        (replace(ROOT, tainted=1), "not tainted by fwctl (other taint flags set: 0x1)"),
        (replace(ROOT, simulated=True, tainted=TAINT_FWCTL_MASK),
         "the simulated kernel is already tainted with TAINT_FWCTL"),
    ],
)
def test_non_tainting_scope_says_whether_the_kernel_is_tainted(state, words) -> None:
    taint = dict(preview(QUERY_HCA_CAP, 1, Scope.CONFIGURATION, state).facts())["Taint"]
    assert taint.startswith("no: this scope does not taint; ")
    assert words in taint

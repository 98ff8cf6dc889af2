"""consequence.py: one wording for a preview whichever driver the RPC goes to. The same
facts (scope, kernel state, verdict) read the same from policy.preview (mlx5) and
policy.driver_consequence (cxl, pds, bnxt); a driver's own refusal says its rule."""

from __future__ import annotations

import errno
from dataclasses import replace

import pytest

from fwctl_tui.consequence import Confirm
from fwctl_tui.drivers import plugin_for
from fwctl_tui.drivers.flow import device_context
from fwctl_tui.kernelstate import KernelState
from fwctl_tui.policy import driver_consequence, preview
from fwctl_tui.sim.cxl.simdev import build_host as cxl_host
from fwctl_tui.uapi import TAINT_FWCTL_MASK, Scope

PATROL_SCRUB = "96dad7d6-fde8-482b-a733-75774e06db8a"  # kept by the kernel: EPERM
SET_DIAG = 0x820  # mlx5 SET_DIAGNOSTIC_PARAMS: accepted from DEBUG_WRITE
ROOT = KernelState("6.18.0", 0, True, "none", "fwctl-tui", 42)
STATES = {
    "root": ROOT,
    "user": replace(ROOT, has_cap_sys_rawio=False),
    "tainted": replace(ROOT, tainted=TAINT_FWCTL_MASK),
    "other taint": replace(ROOT, tainted=1),
    "simulated": replace(ROOT, simulated=True),
    "locked": replace(ROOT, lockdown="integrity"),
}
GSF = plugin_for("cxl").build("GET_SUPPORTED_FEATURES", {})  # accepted at every scope
LISTED = {"features": [], "supported_feats": 6}  # what a listing told of the device


@pytest.mark.parametrize("state", STATES.values(), ids=STATES.keys())
@pytest.mark.parametrize("scope", [Scope.DEBUG_WRITE, Scope.DEBUG_WRITE_FULL])
def test_mlx5_and_cxl_word_the_same_facts_identically(state: KernelState,
                                                      scope: Scope) -> None:
    mlx5 = preview(SET_DIAG, 0, scope, state, is_write=True)
    cxl = driver_consequence("cxl", GSF.request, GSF.out_len, scope, state, LISTED,
                             is_write=True)
    assert cxl.rows() == mlx5.rows()
    assert (cxl.confirm, cxl.ack_label, cxl.cancel_label, cxl.hint) == (
        mlx5.confirm, mlx5.ack_label, mlx5.cancel_label, mlx5.hint)


def test_the_cost_of_a_scope_names_taint_and_capability() -> None:
    """What scope_cost said, now in the rows every preview shows."""
    def rows(scope: Scope) -> dict[str, str]:
        return dict(driver_consequence("cxl", GSF.request, GSF.out_len, scope, ROOT, LISTED,
                                       is_write=False).rows())

    assert rows(Scope.CONFIGURATION)["Taint"].startswith("no: this scope does not taint")
    assert "TAINT_FWCTL" in rows(Scope.DEBUG_WRITE)["Taint"]
    assert rows(Scope.DEBUG_WRITE)["CAP_SYS_RAWIO"] == "not required"
    assert rows(Scope.DEBUG_WRITE_FULL)["CAP_SYS_RAWIO"] == "required; this process has it"


def test_a_driver_refusal_says_its_rule_and_focuses_cancel() -> None:
    cxl = plugin_for("cxl")
    with cxl_host(persistent=False).function("sim:cxl-mem").open() as device:
        features = device_context(cxl, "sim:cxl-mem", device)
    built = cxl.build("SET_FEATURE", {"feature": PATROL_SCRUB, "data": "00"}, features)
    said = driver_consequence("cxl", built.request, built.out_len, Scope.DEBUG_WRITE_FULL,
                              ROOT, features, is_write=True)
    assert said.accepted is False and said.refusal_errno == errno.EPERM
    answer = dict(said.rows())["Kernel accepts"]
    assert answer.startswith("no: the ioctl will fail with EPERM. ")
    assert answer.endswith(" Here: the kernel owns this feature.")
    assert said.confirm is Confirm.ACKNOWLEDGE  # tainting first, as for mlx5
    read = driver_consequence("cxl", built.request, built.out_len, Scope.CONFIGURATION,
                              ROOT, features, is_write=False)
    assert read.accepted is False and read.confirm is Confirm.CANCEL_FOCUSED


def test_a_core_refusal_reads_as_mlx5s_on_every_driver() -> None:
    user = STATES["user"]
    mlx5 = preview(SET_DIAG, 0, Scope.DEBUG_WRITE_FULL, user, is_write=True)
    cxl = driver_consequence("cxl", GSF.request, GSF.out_len, Scope.DEBUG_WRITE_FULL, user,
                             LISTED, is_write=True)
    assert dict(cxl.rows())["Kernel accepts"] == dict(mlx5.rows())["Kernel accepts"]
    assert "Here:" not in dict(cxl.rows())["Kernel accepts"]


def test_bnxt_rules_are_not_predicted_and_send_from_a_read() -> None:
    built = plugin_for("bnxt").build("RAW", {"hex": "18000000"})
    said = driver_consequence("bnxt", built.request, built.out_len, Scope.CONFIGURATION,
                              ROOT, None, is_write=False)
    assert said.accepted is None
    assert dict(said.rows())["Kernel accepts"] == (
        "not predicted: the fwctl core accepts it; the bnxt driver's own rules are not "
        "modelled")
    assert said.confirm is Confirm.SEND and said.cancel_label == "Cancel"

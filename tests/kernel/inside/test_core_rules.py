"""The fwctl core and cxl driver rules, measured on the real kernel (inside the VM).

Each step of scenarios.py ran once through the project's layer (both marshallings for
RPCs); here every step's real errno is checked against what the facts say, plus the
rule-specific observables: zero-fill, untouched buffers, truncation, the taint order.
"""

from __future__ import annotations

from typing import Any

import pytest

from fwctl_tui.sim.cxl import layout
from tests.kernel.runner import SENTINEL
from tests.kernel.scenarios import STEP_BY_ID, STEPS, Step

UNTOUCHED = f"{SENTINEL:02x}"


def _errnos(record: dict[str, Any]) -> list[str]:
    calls = record["calls"]
    if "before_unbind" in calls[0]:
        return [calls[1]["info"]["errno"], calls[2]["rpc"]["errno"]]
    return [call["errno"] for call in calls]


@pytest.mark.parametrize("step", STEPS, ids=[f"{s.id}-{s.expect}" for s in STEPS])
def test_rule(step: Step, real_record: dict[str, Any]) -> None:
    """The real errno (every marshalling) is the one the facts give; taint as stated."""
    record = real_record["steps"][step.id]
    errnos = _errnos(record)
    print(f"{step.id}: {step.rule}: real {'/'.join(sorted(set(errnos)))}")
    assert set(errnos) == {step.expect}, f"{step.rule}: real kernel said {errnos}"
    if step.taints is not None:
        assert record["taint_after"] is step.taints, f"{step.rule}: taint {record}"


def test_both_marshallings_ran_and_agree(real_record: dict[str, Any]) -> None:
    assert real_record["marshallings"] == ["compiled", "python"]
    for step in STEPS:
        if step.op == "rpc":
            compiled, python = real_record["steps"][step.id]["calls"]
            assert {**compiled, "marshalling": ""} == {**python, "marshalling": ""}, step.id


def test_info_buffers(real_record: dict[str, Any]) -> None:
    """No buffer: untouched, length 0. A buffer: zero-filled (CXL has no info op)."""
    steps = real_record["steps"]
    bare = steps["info_no_buffer"]["calls"][0]
    assert bare["out_device_type"] == layout.cxl_facts()["device_type"]
    assert bare["device_data_len"] == 0 and set(_bytes(bare["data_buffer"][:32])) == {UNTOUCHED}
    filled = steps["info_buffer"]["calls"][0]
    assert filled["device_data_len"] == 0
    assert filled["data_buffer"][:128] == "00" * 64
    assert set(_bytes(filled["data_buffer"][128:160])) == {UNTOUCHED}
    assert steps["info_layer"]["calls"][0]["type_name"] == "cxl"
    long = steps["info_long_zero"]["calls"][0]
    assert long["size"] == 40 and long["tail"] == "00" * 16 and long["out_device_type"] == 2


def test_truncation_reports_full_length_and_copies_out_len(real_record: dict[str, Any]) -> None:
    full = real_record["steps"]["gsf_scope0"]["calls"][0]
    reply = bytes.fromhex(full["reply"])
    entries = layout.get(reply, layout.GSF_OUT["num_entries"], base=layout.RPC_OUT_HEADER)
    assert entries == 1  # cxl_test's one test feature
    size = layout.GSF_OUT_SIZE + layout.ENTRY_SIZE * entries
    assert full["out_len"] == layout.RPC_OUT_SIZE + size  # facts: out_len_reported 0x0500
    for call in real_record["steps"]["gsf_truncated"]["calls"]:
        assert call["out_len"] == full["out_len"] and call["truncated"]
        assert call["reply"] == full["reply"][:16]
    raw = real_record["steps"]["gsf_truncated_raw"]["calls"][0]
    assert raw["out_len"] == full["out_len"]
    assert raw["out_buffer"][:16] == full["reply"][:16]
    assert set(_bytes(raw["out_buffer"][16:192])) == {UNTOUCHED}


def test_taint_order_once_per_boot(real_record: dict[str, Any]) -> None:
    """Refused scope-3 requests never taint; the first scope-2 request does even though the
    driver refuses it; later ones do not log again."""
    steps = real_record["steps"]
    order = [step.id for step in STEPS]
    first = order.index("taint_refused")
    assert not any(steps[s]["taint_after"] for s in order[:first])
    assert steps["taint_refused"]["taint_before"] is False
    assert steps["taint_refused"]["taint_after"] is True
    assert steps["taint_refused"]["taint_logged"] == 1
    assert {steps[s]["taint_logged"] for s in order[first:]} == {1}


def test_set_feature_changes_what_get_feature_reads(real_record: dict[str, Any]) -> None:
    steps = real_record["steps"]
    before = steps["get_feature"]["calls"][0]["reply"]
    after = steps["get_after_set"]["calls"][0]["reply"]
    data = STEP_BY_ID["set_feature_scope2"].args["request"][-4:]
    assert after[16:24] == data.hex() and before[16:24] != data.hex()


def test_unbind_keeps_close_working(real_record: dict[str, Any]) -> None:
    calls = real_record["steps"]["unbind"]["calls"]
    assert calls[0]["before_unbind"]["errno"] == "ok"
    assert calls[3] == {"close": "ok"}


def _bytes(hex_text: str) -> list[str]:
    return [hex_text[i:i + 2] for i in range(0, len(hex_text), 2)]

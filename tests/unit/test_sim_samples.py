"""The trainee samples in captures/ are what the simulator answers today, and each one tells
the story captures/README.md tells about it."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

from fwctl_tui.captures import load_capture
from fwctl_tui.decoders import catalogue, decode_output, iter_leaves
from fwctl_tui.exchange import Exchange
from tools.make_driver_samples import STORIES as DRIVER_STORIES
from tools.make_samples import STORIES, make

SAMPLES = Path(__file__).parents[2] / "captures"
WRAP = 1 << 32


def exchanges(path: Path) -> list[Exchange]:
    with load_capture(path) as capture:
        return [item.exchange for item in capture.iter_records() if item.exchange is not None]


def fields(exchange: Exchange) -> dict[str, Any]:
    """Decoded reply leaves by path, `register_data.` and register page prefixes dropped."""
    assert exchange.reply is not None
    tree = decode_output(catalogue.find(exchange.command), exchange.reply, in_=exchange.request)
    out: dict[str, Any] = {}
    for leaf in iter_leaves(tree):
        out[leaf.path.removeprefix("register_data.")] = leaf.value
        out[leaf.path.rsplit(".", 1)[-1]] = leaf.value  # the last name alone, for brevity
    return out


def wide(got: dict[str, Any], name: str) -> int:
    return int(got[name + "_high"]) << 32 | int(got[name + "_low"])


def test_samples_are_up_to_date_with_the_simulator(tmp_path: Path) -> None:
    make(tmp_path)
    for name in STORIES:
        fresh, shipped = exchanges(tmp_path / name), exchanges(SAMPLES / name)
        assert [(e.command, e.request, e.reply, e.errno) for e in fresh] == [
            (e.command, e.request, e.reply, e.errno) for e in shipped], (
            f"{name} is stale: run .venv/bin/python -m tools.make_samples")


def test_link_down_sample_admin_up_oper_down_unintentional_remote() -> None:
    records = exchanges(SAMPLES / "02-link-down.jsonl")
    paos_up, ppcnt_before, paos_down, _ptys, operation, link_down, _, module, ppcnt_after = (
        fields(e) for e in records)
    assert (paos_up["admin_status"], paos_up["oper_status"]) == (1, 1)
    assert (paos_down["admin_status"], paos_down["oper_status"]) == (1, 2)
    assert paos_down["physical_state_status"] == 2  # Polling: the PHY keeps trying
    assert operation["phy_mngr_fsm_state"] == 2
    assert (link_down["down_intent"], link_down["down_blame"]) == (2, 2)  # unintentional, remote
    assert all(module[f"rx_power_lane{i}"] <= 1 for i in range(4))  # no light from the peer
    assert all(module[f"tx_power_lane{i}"] > 1000 for i in range(4))
    downs = ("link_down_events", "unintentional_link_down_events",
             "intentional_link_down_events")
    assert [ppcnt_before[k] for k in downs] == [0, 0, 0]
    assert [ppcnt_after[k] for k in downs] == [1, 1, 0]
    assert wide(ppcnt_before, "rs_fec_corrected_blocks") > 0  # a month of traffic already


def test_counter_sampling_sample_starts_from_accumulated_values_and_grows() -> None:
    records = [e for e in exchanges(SAMPLES / "04-counter-sampling.jsonl")
               if e.command == "ACCESS_REG:PPCNT" and fields(e)["grp"] == 0]
    frames = [wide(fields(e), "a_frames_received_ok") for e in records]
    assert frames[0] > 10**12  # not zero: the link has been up for days
    rates = [b - a for a, b in pairwise(frames)]
    assert all(10**6 < rate < 10**8 for rate in rates)  # about a second apart each


def test_diagnostic_sample_timestamps_do_not_wrap_and_rates_are_positive() -> None:
    samples: list[tuple[int, int, int]] = []  # (sample_id, time_stamp, rx_packets)
    for exchange in exchanges(SAMPLES / "06-diagnostic-session.jsonl"):
        if exchange.command != "QUERY_DIAGNOSTIC_COUNTERS":
            continue
        got = fields(exchange)
        for i in range(8):
            entry = f"diag_counter[{i}]."
            if got[entry + "counter_id"] == 1:
                value = got[entry + "counter_value_h"] << 32 | got[entry + "counter_value_l"]
                samples.append((got[entry + "sample_id"], got[entry + "time_stamp_31_0"], value))
    assert [s[0] for s in samples] == list(range(6))
    stamps = [s[1] for s in samples]
    assert stamps == sorted(stamps) and stamps[-1] - stamps[0] < WRAP  # the README recipe works
    for (_, t0, v0), (_, t1, v1) in pairwise(samples):
        assert (v1 - v0) / (t1 - t0) > 0


def test_every_sample_file_has_a_readme_section_and_every_section_a_file() -> None:
    """The README's `## FILE — ...` sections and the sample files match one to one."""
    readme = (SAMPLES / "README.md").read_text()
    sections = re.findall(r"^## (\S+\.jsonl) ", readme, flags=re.MULTILINE)
    files = sorted(path.name for path in SAMPLES.glob("*.jsonl"))
    assert sorted(sections) == files == sorted([*STORIES, *DRIVER_STORIES])

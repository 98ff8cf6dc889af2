"""Diff: pairing by question, counters as deltas and rates, capabilities by field name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers.captures import access_reg, hca_cap, record_sample

from fwctl_tui.captures import decoding
from fwctl_tui.captures.diff import diff_captures, diff_exchanges, diff_pair, is_counter
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import Scope


def exchange(command: str, request: bytes, reply: bytes, t: float) -> Exchange:
    return Exchange(command, Scope.DEBUG_READ_ONLY, request, len(reply), reply=reply,
                    out_len=len(reply), wall_time=t)


def fake_decode(ex: Exchange) -> decoding.Decoded:
    """Decoded view: request byte 17 is `local_port` (INDEX); reply dwords are named fields."""
    out = decoding.Decoded()
    out.input_fields = {"local_port": decoding.Field("local_port", "local_port", ex.request[17],
                                                     136, 8, "INDEX")}
    names = ["if_in_octets_high", "if_in_octets_low", "max_mtu", "log_max_qp"]
    for i, name in enumerate(names):
        value = int.from_bytes(ex.reply[16 + 4 * i : 20 + 4 * i], "big")  # type: ignore[index]
        out.output_fields[f"reg.{name}"] = decoding.Field(f"reg.{name}", name, value,
                                                          (16 + 4 * i) * 8, 32, "RO")
    return out


def reply(octets: int, mtu: int = 9000, qp: int = 17) -> bytes:
    words = [octets >> 32, octets & 0xFFFFFFFF, mtu, qp]
    return bytes(16) + b"".join(w.to_bytes(4, "big") for w in words)


def port(n: int) -> bytes:
    request = bytearray(access_reg(0x5008))
    request[17] = n
    return bytes(request)


def test_counters_become_deltas_and_rates(monkeypatch) -> None:
    monkeypatch.setattr(decoding, "decode", fake_decode)
    a = exchange("ACCESS_REG:PPCNT", port(1), reply(5 << 32), 100.0)
    b = exchange("ACCESS_REG:PPCNT", port(1), reply((5 << 32) + 2000), 104.0)
    changes, note = diff_pair(a, b)
    assert note is None
    (change,) = changes
    assert change.field == "reg.if_in_octets"  # high/low halves joined into one counter
    assert (change.a, change.b, change.delta, change.rate_per_s) == (
        5 << 32, (5 << 32) + 2000, 2000, 500.0)


def test_capability_changes_are_named_without_deltas(monkeypatch) -> None:
    monkeypatch.setattr(decoding, "decode", fake_decode)
    a = exchange("QUERY_HCA_CAP", hca_cap() + bytes(16), reply(0, mtu=4096, qp=17), 1.0)
    b = exchange("QUERY_HCA_CAP", hca_cap() + bytes(16), reply(0, mtu=9000, qp=18), 2.0)
    changes, _ = diff_pair(a, b)
    assert [(c.field, c.a, c.b, c.delta) for c in changes] == [
        ("reg.max_mtu", 4096, 9000, None), ("reg.log_max_qp", 17, 18, None)]


def test_pairing_uses_index_fields_in_order(monkeypatch) -> None:
    monkeypatch.setattr(decoding, "decode", fake_decode)
    a = [(1, exchange("ACCESS_REG:PPCNT", port(1), reply(10), 1.0)),
         (2, exchange("ACCESS_REG:PPCNT", port(2), reply(20), 1.0)),
         (3, exchange("ACCESS_REG:PPCNT", port(1), reply(30), 2.0))]
    b = [(1, exchange("ACCESS_REG:PPCNT", port(2), reply(25), 1.5)),
         (2, exchange("ACCESS_REG:PPCNT", port(1), reply(11), 1.5)),
         (3, exchange("ACCESS_REG:PPCNT", port(3), reply(0), 1.5))]
    report = diff_exchanges(a, b)
    assert [(p.seq_a, p.seq_b) for p in report.pairs] == [(1, 2), (2, 1)]
    assert [p.key["index"] for p in report.pairs] == [{"local_port": 1}, {"local_port": 2}]
    assert [p.changes[0].delta for p in report.pairs] == [1, 5]
    assert [row["seq"] for row in report.only_in_a] == [3]
    assert [row["seq"] for row in report.only_in_b] == [3]
    doc = report.as_json()
    assert doc["pairs"][0]["changes"][0] == {"field": "reg.if_in_octets", "a": 10, "b": 11,
                                            "delta": 1, "rate_per_s": 2.0}


def test_undecodable_replies_fall_back_to_numbered_words() -> None:
    mystery = (0x0999).to_bytes(2, "big") + bytes(14)  # not in the catalogue
    a = [(1, exchange("MYSTERY", mystery, bytes(16) + (100).to_bytes(4, "big"), 1.0))]
    b = [(1, exchange("MYSTERY", mystery, bytes(16) + (400).to_bytes(4, "big"), 2.0))]
    (pair,) = diff_exchanges(a, b).changed
    assert pair.key["request"] == mystery.hex() and pair.note
    (change,) = pair.changes
    assert change.field == "dword[0x10]" and (change.a, change.b) == (100, 400)


def test_real_decoders_name_ppcnt_counters(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    record_sample(a, polls=1)
    record_sample(b, polls=1, head_start=3)
    (pair,) = diff_captures(a, b).changed
    assert pair.key["index"]["register_data.local_port"] == 0
    (change,) = pair.changes
    assert change.field.endswith("eth_802_3_cntrs_grp_data_layout_ext.a_frames_received_ok")
    assert change.delta == change.b - change.a > 0 and change.rate_per_s is not None


def test_errno_and_status_changes_are_reported() -> None:
    ok = exchange("QUERY_HCA_CAP", hca_cap(), bytes(16), 1.0)
    failed = Exchange("QUERY_HCA_CAP", Scope.CONFIGURATION, hca_cap(), 16, errno=5)
    changes, _ = diff_pair(ok, failed)
    assert [(c.field, c.a, c.b) for c in changes] == [("errno", 0, 5), ("status", 0, None)]


def test_counter_names() -> None:
    assert is_counter("ACCESS_REG:PPCNT", "reg.counter_set.eth_802_3.a_frames_received_ok")
    assert is_counter("QUERY_VPORT_COUNTER", "received_eth_unicast.packets")
    assert not is_counter("QUERY_HCA_CAP", "capability.log_max_qp")


def test_core_modules_do_not_import_textual() -> None:
    code = ("import sys, fwctl_tui.captures, fwctl_tui.captures.diff, fwctl_tui.captures.redact,"
            " fwctl_tui.captures.resend, fwctl_tui.captures.replay, fwctl_tui.replay_device,"
            " fwctl_tui.cli.captures; assert 'textual' not in sys.modules, 'textual loaded'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_simulated_counters_grow_by_a_rate(tmp_path: Path) -> None:
    from tools.make_samples import Lab

    before, after = tmp_path / "t0.jsonl", tmp_path / "t10.jsonl"
    lab = Lab(before)
    lab.send("ACCESS_REG:PPCNT", {"local_port": 1, "grp": 0})
    lab.close()
    lab = Lab(after)
    lab.clock.advance(10)
    lab.send("ACCESS_REG:PPCNT", {"local_port": 1, "grp": 0})
    lab.close()
    (pair,) = diff_captures(before, after).changed
    assert pair.key["index"]["register_data.grp"] == 0
    by_name = {c.field.rsplit(".", 1)[-1]: c for c in pair.changes}
    frames = by_name["a_frames_received_ok"]
    assert frames.delta == frames.b - frames.a > 0
    assert frames.rate_per_s == pytest.approx(frames.delta / 10, rel=1e-3)
    assert all(not c.field.endswith(("_high", "_low")) for c in pair.changes)


def test_capability_differences_between_two_cards(tmp_path: Path) -> None:
    from tools.make_samples import Lab

    paths = {}
    for profile in ("cx7", "cx6dx"):
        paths[profile] = tmp_path / f"{profile}.jsonl"
        lab = Lab(paths[profile], profile)
        lab.send("QUERY_HCA_CAP", {"op_mod": "GENERAL/current"})
        lab.close()
    report = diff_captures(paths["cx7"], paths["cx6dx"])
    (pair,) = report.pairs
    assert pair.changes and not report.only_in_a and not report.only_in_b
    assert all(c.field.startswith("capability.") for c in pair.changes)
    assert all(c.delta is None for c in pair.changes)  # capabilities are not counters


def test_capped_trees_stop_long_child_lists() -> None:
    from fwctl_tui.decoders import catalogue, decode_output, encode_input

    command = catalogue.find("QUERY_NIC_VPORT_CONTEXT")
    request = encode_input(command, {})
    reply = bytes(16) + bytes(1024 * 1024)
    root = decoding.Capped(decode_output(command, reply, in_=request))
    context = next(c for c in root.children if c.name == "nic_vport_context")
    macs = next(c for c in context.children if c.name == "current_uc_mac_address")
    assert len(macs.children) == decoding.TREE_CHILDREN + 1
    more = macs.children[-1]
    assert more.name.startswith("… ") and "more (see the hex view)" in more.name
    assert not more.children and macs.children[0].bit_offset < more.bit_offset
    assert context.name == "nic_vport_context" and context.path == "nic_vport_context"

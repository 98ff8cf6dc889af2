"""Diff: pairing by question, counters as deltas and rates, capabilities by field name."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.captures import PPCNT_REPLY, access_reg, hca_cap, record_sample

from fwctl_tui.capture_analysis import decoding
from fwctl_tui.capture_analysis.diff import diff_captures, diff_exchanges, diff_pair, is_counter
from fwctl_tui.exchange import Exchange
from fwctl_tui.uapi import Scope


def exchange(command: str, request: bytes, reply: bytes, t: float) -> Exchange:
    return Exchange(command, Scope.DEBUG_READ_ONLY, request, len(reply), reply=reply,
                    out_len=len(reply), wall_time=1_767_225_600.0 + t, mono_ns=int(t * 1e9))


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
    """A whole PPCNT-sized reply (a shorter one would be flagged as short)."""
    words = [octets >> 32, octets & 0xFFFFFFFF, mtu, qp]
    return (bytes(16) + b"".join(w.to_bytes(4, "big") for w in words)).ljust(PPCNT_REPLY, b"\0")


def port(n: int) -> bytes:
    request = bytearray(access_reg(0x5008))
    request[17] = n
    return bytes(request)


def test_counters_become_deltas_and_rates(monkeypatch) -> None:
    monkeypatch.setattr(decoding, "decode", fake_decode)
    a = exchange("ACCESS_REG:PPCNT", port(1), reply(5 << 32), 100.0)
    b = exchange("ACCESS_REG:PPCNT", port(1), reply((5 << 32) + 2000), 104.0)
    changes, note = diff_pair(a, b, same_timeline=True)
    assert note is None
    (change,) = changes
    assert change.field == "reg.if_in_octets"  # high/low halves joined into one counter
    assert (change.a, change.b, change.delta, change.rate_per_s) == (
        5 << 32, (5 << 32) + 2000, 2000, 500.0)
    (across,), _ = diff_pair(a, b)  # two sessions: the delta, and no rate
    assert (across.delta, across.rate_per_s) == (2000, None)


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
    report = diff_exchanges(a, b, same_timeline=True)
    assert [(p.seq_a, p.seq_b) for p in report.pairs] == [(1, 2), (2, 1)]
    assert [p.key["index"] for p in report.pairs] == [{"local_port": 1}, {"local_port": 2}]
    assert [p.changes[0].delta for p in report.pairs] == [1, 5]
    assert [row["seq"] for row in report.only_in_a] == [3]
    assert [row["seq"] for row in report.only_in_b] == [3]
    doc = report.as_json()
    assert doc["pairs"][0]["changes"][0] == {"field": "reg.if_in_octets", "a": 10, "b": 11,
                                            "a_label": None, "b_label": None,
                                            "delta": 1, "rate_per_s": 2.0, "kind": None}


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
    report = diff_captures(a, b)
    (pair,) = report.changed
    assert pair.key["index"]["register_data.local_port"] == 0
    (change,) = pair.changes
    assert change.field.endswith("eth_802_3_cntrs_grp_data_layout_ext.a_frames_received_ok")
    assert change.delta == change.b - change.a > 0
    assert change.rate_per_s is None and not report.same_timeline  # two sessions
    assert "no rates" in report.rates_note


def test_errno_and_status_changes_are_reported() -> None:
    ok = exchange("QUERY_HCA_CAP", hca_cap(), bytes(16), 1.0)
    failed = Exchange("QUERY_HCA_CAP", Scope.CONFIGURATION, hca_cap(), 16, errno=5)
    changes, _ = diff_pair(ok, failed)
    assert [(c.field, c.a, c.b) for c in changes] == [("errno", 0, 5), ("status", 0, None)]


def test_counter_names() -> None:
    assert is_counter("ACCESS_REG:PPCNT", "reg.counter_set.eth_802_3.a_frames_received_ok")
    assert is_counter("QUERY_VPORT_COUNTER", "received_eth_unicast.packets")
    assert not is_counter("QUERY_HCA_CAP", "capability.log_max_qp")



def test_simulated_counters_grow_by_a_rate_within_one_capture(tmp_path: Path) -> None:
    """Two windows of one recording share its monotonic clock: deltas and rates. Two
    recordings do not (the second was made 'months later'): deltas, no rates."""
    from tools.make_samples import Lab

    whole, before, after = (tmp_path / f"{n}.jsonl" for n in ("whole", "t0", "t10"))
    lab = Lab(whole)
    lab.send("ACCESS_REG:PPCNT", {"local_port": 1, "grp": 0})
    lab.clock.advance(10)
    lab.send("ACCESS_REG:PPCNT", {"local_port": 1, "grp": 0})
    lab.close()
    header, first, second = whole.read_text().splitlines()
    before.write_text(f"{header}\n{first}\n")
    after.write_text(f"{header}\n{second}\n")
    report = diff_captures(before, after)
    (pair,) = report.changed
    assert report.same_timeline and pair.key["index"]["register_data.grp"] == 0
    by_name = {c.field.rsplit(".", 1)[-1]: c for c in pair.changes}
    frames = by_name["a_frames_received_ok"]
    assert frames.delta == frames.b - frames.a > 0
    assert frames.rate_per_s == pytest.approx(frames.delta / 10.05, rel=1e-3)
    assert all(not c.field.endswith(("_high", "_low")) for c in pair.changes)

    later = tmp_path / "later.jsonl"
    lab = Lab(later)
    lab.clock.advance(10)
    lab.send("ACCESS_REG:PPCNT", {"local_port": 1, "grp": 0})
    lab.close()
    record = json.loads(later.read_text().splitlines()[1])
    record["wall_time"] += 90 * 86400  # recorded three months later: a rate would be junk
    later.write_text(later.read_text().splitlines()[0] + "\n" + json.dumps(record) + "\n")
    report = diff_captures(before, later)
    (pair,) = report.changed
    assert not report.same_timeline
    assert all(c.rate_per_s is None for c in pair.changes)
    assert any(c.delta for c in pair.changes)
    assert report.as_json()["rates_note"].startswith("A and B are different sessions")


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


def test_text_arrays_and_split_macs_render_whole(tmp_path: Path, capsys) -> None:
    """MGIR's PSID as one string change, NIC vport permanent_address as one MAC."""
    from fwctl_tui.__main__ import main
    from fwctl_tui.sim.host import SimHost
    from tools.make_samples import Lab

    paths = {}
    for profile in ("cx7", "cx6dx"):
        paths[profile] = tmp_path / f"{profile}.jsonl"
        lab = Lab(paths[profile], profile)
        lab.send("ACCESS_REG:MGIR")
        lab.send("QUERY_NIC_VPORT_CONTEXT")
        lab.close()
    cx7, cx6 = SimHost("cx7").profile, SimHost("cx6dx").profile
    report = diff_captures(paths["cx7"], paths["cx6dx"])
    mgir, vport = report.pairs
    by_field = {c.field: c for c in mgir.changes}
    psid = by_field["register_data.fw_info.psid"]
    assert (psid.a, psid.b, psid.kind) == (cx7.psid, cx6.psid, "text")
    assert not any("psid[" in c.field for c in mgir.changes)
    macs = {c.field: c for c in vport.changes}
    mac = macs["nic_vport_context.permanent_address.mac_addr"]
    assert (mac.a, mac.b, mac.kind) == (cx7.ports[0].mac, cx6.ports[0].mac, "mac")
    assert not any(c.field.endswith(("_47_32", "_31_0")) for c in vport.changes)
    guid = macs["nic_vport_context.node_guid"]
    assert (guid.a, guid.kind) == (f"0x{cx7.ports[0].node_guid}", "hex")
    assert macs["nic_vport_context.current_uc_mac_address[0]"].a == cx7.ports[0].mac

    assert main(["diff", str(paths["cx7"]), str(paths["cx6dx"])]) == 0
    out = capsys.readouterr().out
    assert f"psid: '{cx7.psid}' -> '{cx6.psid}'" in out
    assert f"permanent_address.mac_addr: {cx7.ports[0].mac} -> {cx6.ports[0].mac}" in out


def test_render_keeps_binary_arrays_and_value_pairs_apart() -> None:
    from fwctl_tui.capture_analysis import render

    def fld(path: str, width: int) -> decoding.Field:
        return decoding.Field(path, path.rsplit(".", 1)[-1], 0, 0, width)

    fields = {**{f"r.gid[{i}]": fld(f"r.gid[{i}]", 8) for i in range(4)},
              "r.temp_threshold_hi": fld("r.temp_threshold_hi", 16),
              "r.temp_threshold_lo": fld("r.temp_threshold_lo", 16)}
    a = {"r.gid[0]": 0xFE, "r.gid[1]": 0x80, "r.gid[2]": 0, "r.gid[3]": 1,
         "r.temp_threshold_hi": 70, "r.temp_threshold_lo": 5}
    b = {**a, "r.gid[3]": 2}
    out_a, out_b, kinds = render.join(fields, fields, a, b)
    assert kinds == {} and out_a == a and out_b == b


def test_no_rate_across_device_sessions_or_for_a_counter_that_went_down(monkeypatch) -> None:
    import dataclasses

    monkeypatch.setattr(decoding, "decode", fake_decode)
    a = exchange("ACCESS_REG:PPCNT", port(1), reply(9000), 100.0)
    b = exchange("ACCESS_REG:PPCNT", port(1), reply(11000), 104.0)
    first, second = (dataclasses.replace(x, session=s) for x, s in ((a, "sim-1"), (b, "sim-2")))
    (change,), note = diff_pair(first, second, same_timeline=True)
    assert (change.delta, change.rate_per_s) == (2000, None)
    assert note is not None and "different device sessions" in note
    same = dataclasses.replace(second, session="sim-1")
    assert diff_pair(first, same, same_timeline=True)[0][0].rate_per_s == 500.0

    (down,), note = diff_pair(b, a, same_timeline=True)  # cleared in between: goes down
    assert (down.delta, down.rate_per_s) == (-2000, None)
    assert note is not None and "counter went down" in note


def test_a_reply_that_ends_inside_a_word_says_so() -> None:
    mystery = (0x0999).to_bytes(2, "big") + bytes(14)
    a = [(1, exchange("MYSTERY", mystery, bytes(18), 1.0))]
    b = [(1, exchange("MYSTERY", mystery, bytes(20), 2.0))]
    (pair,) = diff_exchanges(a, b).changed
    (change,) = pair.changes
    assert (change.field, change.a, change.b) == ("dword[0x10]", "0x0000 (2 of 4 bytes)", 0)


def test_separate_cli_runs_record_separate_simulated_cards(tmp_path: Path) -> None:
    """Runs share the persistent simulated card (one session) until `sim reset` makes a
    new one: records of two cards say so, and a diff of them gives deltas and no rates."""
    path = tmp_path / "p.jsonl"
    send = [sys.executable, "-m", "fwctl_tui", "send", "sim:cx7", "ACCESS_REG:PPCNT",
            "local_port=1", "grp=0", "--capture", str(path)]
    for argv in (send, send, [sys.executable, "-m", "fwctl_tui", "sim", "reset"], send):
        subprocess.run(argv, check=True, capture_output=True)
    header, first, second, third = path.read_text().splitlines()
    sessions = [json.loads(line)["session"] for line in (first, second, third)]
    assert all(s.startswith("sim-") for s in sessions)
    assert sessions[0] == sessions[1] != sessions[2]
    (tmp_path / "a.jsonl").write_text(f"{header}\n{first}\n")
    (tmp_path / "b.jsonl").write_text(f"{header}\n{third}\n")
    report = diff_captures(tmp_path / "a.jsonl", tmp_path / "b.jsonl")
    assert report.same_timeline  # one file's clock ...
    (pair,) = report.pairs
    assert pair.note and "different device sessions" in pair.note  # ... but two cards
    assert all(change.rate_per_s is None for change in pair.changes)

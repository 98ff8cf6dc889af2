"""cxl and pds captures: the samples regenerate identically, list in their driver's terms,
open as replay devices that answer recorded requests, and diff by decoded fields."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.capture_analysis.decoding import outcome
from fwctl_tui.capture_analysis.diff import diff_captures
from fwctl_tui.capture_analysis.listing import summary
from fwctl_tui.captures.loader import load_capture
from fwctl_tui.connect import open_device
from fwctl_tui.drivers import plugin_for
from fwctl_tui.uapi import Scope
from tools import make_driver_samples

CAPTURES = Path(__file__).parents[2] / "captures"
CXL = CAPTURES / "07-cxl-features.jsonl"
PDS = CAPTURES / "08-pds-entries.jsonl"


def records(path: Path) -> list:
    with load_capture(path) as capture:
        return list(capture.exchanges())


def test_samples_regenerate_byte_identical(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("sys.argv", ["make_driver_samples", "--out", str(tmp_path)])
    make_driver_samples.main()
    for sample in (CXL, PDS):
        assert (tmp_path / sample.name).read_bytes() == sample.read_bytes(), sample.name


def test_listing_uses_the_driver_terms() -> None:
    cxl = records(CXL)
    assert [outcome(e) for e in cxl] == ["OK", "OK", "OK", "EINVAL", "OK", "OK", "EPERM"]
    assert summary(cxl[0]).startswith("6 features: Patrol Scrub Control")
    assert "current_scrub_cycle_hours=12" in summary(cxl[1])
    pds = records(PDS)
    assert [outcome(e) for e in pds] == ["OK", "OK", "OK", "OK", "EPERM", "OK", "EINVAL"]
    assert summary(pds[3]) == "ep 0x2 op 0x1 response 00100000"


def test_pds_records_keep_payloads_not_pointers() -> None:
    first = records(PDS)[0]
    assert first.meta["driver"] == "pds"
    assert bytes.fromhex(first.meta["pds"]["out_payload"]).startswith(b"SIM-DSC")
    assert first.request[16:24] == bytes(8) and first.request[40:48] == bytes(8)


def test_cxl_capture_replays_as_a_device() -> None:
    plugin = plugin_for("cxl")
    with open_device(f"replay:{CXL}") as conn:
        assert conn.entry.device_type == "cxl"
        built = plugin.build("GET_FEATURE", {"feature": "patrol_scrub", "count": "4"})
        result = conn.device.rpc(Scope.CONFIGURATION, built.request, built.out_len)
        assert plugin.decode(built, result.output)["data"]["hex"] == "010c0101"
        unknown = plugin.build("GET_FEATURE", {"feature": "ecs", "count": "9"})
        assert conn.device.rpc(0, unknown.request, unknown.out_len).errno == errno.ENOMSG


def test_pds_capture_replays_payloads() -> None:
    plugin = plugin_for("pds")
    with open_device(f"replay:{PDS}") as conn:
        built = plugin.build("RPC", {"ep": "2", "op": "1", "payload": "01000000",
                                     "response_len": "4"})
        result = conn.device.rpc(Scope.CONFIGURATION, built.request, built.out_len)
        assert result.errno == 0
        assert plugin.decode(built, result.output)["response"] == "dc050000"  # first answer


def test_send_to_a_replayed_cxl_capture(capsys) -> None:
    code = main(["send", f"replay:{CXL}", "GET_SUPPORTED_FEATURES", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["reply"]["num_entries"] == 6


@pytest.mark.parametrize("sample", [CXL, PDS])
def test_a_capture_diffs_clean_with_itself(sample) -> None:
    report = diff_captures(sample, sample)
    assert report.paired == 7 and report.changed_count == 0


def test_diff_sees_a_pds_payload_change(tmp_path) -> None:
    lines = PDS.read_text().splitlines()
    changed = []
    for line in lines:
        doc = json.loads(line)
        if doc.get("seq") == 4:
            doc["meta"]["pds"]["out_payload"] = "00200000"
        changed.append(json.dumps(doc))
    other = tmp_path / "b.jsonl"
    other.write_text("\n".join(changed) + "\n")
    report = diff_captures(PDS, other)
    [pair] = report.changed
    assert pair.key["index"] == {"ep": 2, "op": 1, "payload": "01000000", "response_len": 4}
    assert [(c.field, c.a, c.b) for c in pair.changes] == [("response", "00100000",
                                                            "00200000")]

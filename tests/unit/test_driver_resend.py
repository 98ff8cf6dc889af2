"""`replay --against` re-sends cxl and pds records through their plug-in and diffs the
answers field by field, as it does for mlx5 records (captures 07 and 08)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fwctl_tui.__main__ import main

CAPTURES = Path(__file__).parents[2] / "captures"
CXL = CAPTURES / "07-cxl-features.jsonl"
PDS = CAPTURES / "08-pds-entries.jsonl"


def replay(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["replay", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_cxl_reads_resent_and_the_skipped_write_shows_in_the_diff(capsys) -> None:
    code, doc = replay(capsys, str(CXL), "--against", "sim:cxl-mem")
    items = {r["seq"]: r for r in doc["records"]}
    assert code == 0 and doc["sent"] == 4 and doc["skipped"] == 3
    assert all("SET_FEATURE writes the device; use --allow-writes" in items[s]["reason"]
               for s in (4, 5, 7))
    assert [items[s]["reason"] for s in (1, 2, 3)] == ["sent: same answer"] * 3
    # the driver's rule, then the rows every preview shows, worded as for mlx5 records
    assert [row["label"] for row in items[4]["preview"]] == [
        "Driver", "Kernel accepts", "Taint", "CAP_SYS_RAWIO", "Lockdown", "Changes device",
        "Effect"]
    assert dict((row["label"], row["text"]) for row in items[4]["preview"])["Taint"] == (
        "YES (simulated): the simulated kernel would be tainted (TAINT_FWCTL 'J', bit 19) "
        "as a real one would, permanently until reboot; this machine is untouched")
    # the recording's Set Feature (#5) was not re-sent: Get Feature #6 reads the old value
    assert [(c["field"], c["a"], c["b"]) for c in items[6]["changes"]] == [
        ("data.hex", "0400000000000000", "0100000000000000")]


def test_cxl_writes_resent_with_consent_answer_as_recorded(capsys) -> None:
    code, doc = replay(capsys, str(CXL), "--against", "sim:cxl-mem", "--allow-writes", "--yes")
    assert doc["sent"] == 7 and doc["newly_failed"] == 0
    assert [r["changes"] for r in doc["records"]] == [[]] * 7
    failed = {r["seq"]: r["outcome_now"] for r in doc["records"] if r["failed"]}
    assert failed == {4: "EINVAL", 7: "EPERM"} and code == 1  # refused, as recorded
    assert not any(r["outcome_changed"] for r in doc["records"])


def test_pds_records_resent_with_new_payload_buffers(capsys, tmp_path: Path) -> None:
    code, doc = replay(capsys, str(PDS), "--against", "sim:pds")
    assert code == 0 and doc["sent"] == 0 and all("known only to the firmware" in r["reason"]
                                    for r in doc["records"])
    changed = tmp_path / "08-changed.jsonl"
    lines, answered = [], ""
    for line in PDS.read_text().splitlines():
        record = json.loads(line)
        if record.get("seq") == 2:  # config-get recorded another value than the DSC has
            answered = record["meta"]["pds"]["out_payload"]
            record["meta"]["pds"]["out_payload"] = "00200000"
        lines.append(json.dumps(record))
    changed.write_text("\n".join(lines) + "\n")
    code, doc = replay(capsys, str(changed), "--against", "sim:pds", "--allow-writes", "--yes")
    items = {r["seq"]: r for r in doc["records"]}
    assert code == 1 and doc["sent"] == 7 and doc["newly_failed"] == 0  # 2 refused, as recorded
    assert [(c["field"], c["a"], c["b"]) for c in items[2]["changes"]] == [
        ("response", "00200000", answered)]
    assert items[5]["outcome_now"] == "EPERM" and "as recorded" in items[5]["reason"]
    assert items[7]["outcome_now"] == "EINVAL"
    assert [items[s]["reason"] for s in (1, 3, 4, 6)] == ["sent: same answer"] * 4


def test_records_of_another_device_type_are_not_sent(capsys) -> None:
    _, doc = replay(capsys, str(PDS), "--against", "sim:cxl-mem", "--allow-writes")
    assert doc["sent"] == 0
    assert all(r["reason"] == "skipped: recorded on a pds device; sim:cxl-mem is a cxl "
               "device" for r in doc["records"])

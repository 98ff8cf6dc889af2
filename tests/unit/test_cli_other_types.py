"""`link`, `watch` and `sim status/reset` on cxl/pds devices (simulated, live, replayed)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.connect import SimHosts
from fwctl_tui.sim.cxl.simdev import build_host
from fwctl_tui.sim.driver_host import driver_store

PATROL_SCRUB = uuid.UUID("96dad7d6-fde8-482b-a733-75774e06db8a").bytes_le
MOCK_FEATURE = "ffffffff-ffff-ffff-ffff-ffffffffffff"
CYCLE = "data.fields.current_scrub_cycle_hours"


def error_of(capsys: pytest.CaptureFixture[str]) -> str:
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {"error"}
    return str(doc["error"])


@pytest.mark.parametrize(("device", "kind", "example"), [
    ("sim:cxl-mem", "cxl", "send sim:cxl-mem GET_SUPPORTED_FEATURES"),
    ("sim:pds", "pds", "send sim:pds RPC ep=... op=..."),
    ("replay:captures/07-cxl-features.jsonl", "cxl", "GET_SUPPORTED_FEATURES"),
    ("replay:captures/08-pds-entries.jsonl", "pds", "RPC ep=... op=..."),
])
def test_link_refuses_a_device_without_mlx5_port_registers(capsys, device: str, kind: str,
                                                          example: str) -> None:
    assert main(["link", device, "--json"]) == 2
    said = error_of(capsys)
    assert f"is a {kind} fwctl device: `link` reads mlx5 port registers" in said
    assert f"`fwctl-tui commands --type {kind}`" in said and example in said
    assert "EINVAL" not in said


def test_link_refuses_live_cxl_and_pds_devices_before_any_rpc(capsys, fake_sysfs) -> None:
    fake_sysfs.fwctl("fwctl0", fake_sysfs.cxl_memdev())
    pds = fake_sysfs.pci_function("0000:b5:00.0", driver="pds_core", vendor="0x1dd8",
                                  device="0x100c")
    fake_sysfs.fwctl("fwctl1", pds, dev="511:1")
    root = str(fake_sysfs.root)
    # the /dev stand-ins answer every ioctl with ENOTTY: an RPC would exit 1, not 2
    assert main(["--root", root, "link", "fwctl0"]) == 2
    assert "fwctl0 is a cxl fwctl device" in capsys.readouterr().err
    assert main(["--root", root, "link", "fwctl1", "--json"]) == 2
    assert "fwctl1 is a pds fwctl device" in error_of(capsys)


class ScrubClock:
    """The run's clock (fwctl_tui.clock.Clock): sleeping advances it and raises the
    simulated patrol scrub cycle by one hour, so each sample has something to compare."""

    def __init__(self) -> None:
        self.now = 500.0
        self.host = build_host(persistent=False)
        self.hosts = SimHosts({"cxl-mem": self.host})

    def wall(self) -> float:
        return self.now

    def monotonic_ns(self) -> int:
        return int(self.now * 1e9)

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        feature = self.host.model.feature(PATROL_SCRUB)
        assert feature is not None
        feature.value[1] += 1


def test_watch_cxl_get_feature_gives_decoded_values_deltas_and_rates(capsys) -> None:
    clock = ScrubClock()
    code = main(["watch", "sim:cxl-mem", "GET_FEATURE", "feature=patrol_scrub_control",
                 "--count", "3", "--interval", "2", "--json"], hosts=clock.hosts, clock=clock)
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and len(lines) == 3
    docs = [json.loads(line) for line in lines]
    assert [d["command"] for d in docs] == ["GET_FEATURE"] * 3
    assert docs[0]["reply"]["feature_name"] == "Patrol Scrub Control"
    assert [d["reply"]["data"]["fields"]["current_scrub_cycle_hours"] for d in docs] == [
        12, 13, 14]
    assert docs[0]["fields"][CYCLE] == {"value": 12, "delta": None, "rate": None}
    assert docs[2]["fields"][CYCLE] == {"value": 14, "delta": 1, "rate": 0.5}


def test_watch_cxl_text_shows_values_then_what_moved_and_a_summary(capsys) -> None:
    clock = ScrubClock()
    code = main(["watch", "sim:cxl-mem", "GET_FEATURE", "feature=patrol_scrub_control",
                 "--count", "2", "--interval", "1"], hosts=clock.hosts, clock=clock)
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "feature_name=Patrol Scrub Control" in lines[0] and f"{CYCLE}=12" in lines[0]
    assert lines[1].startswith("#2 +1.0s ") and f"{CYCLE}=13 (+1, 1.0/s)" in lines[1]
    assert lines[1].count("=") == 2  # the cycle, and the raw hex it comes from
    assert lines[2] == "done: 2 samples, 0 failed" and lines[3] == f"  {CYCLE}: +1 (1.0/s)"


def test_watch_cxl_first_line_lists_every_leaf_unknown_ones_too(capsys) -> None:
    """Every leaf of the decoded reply, in its order, a null (no name known) included."""
    assert main(["watch", "sim:cxl-mem", "GET_SUPPORTED_FEATURES", "--count", "1"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    cells = first.split("  ")
    assert cells[0] == "#1 +0.0s size=296" and cells[1:4] == [
        "retval=0", "retval_name=SUCCESS", "num_entries=6"]
    assert "features[0].kernel_exclusive=True" in cells
    assert "features[3].name=None" in cells and "features[0].set_feature_scope=None" in cells
    assert "features[2].flags[0]=CHANGEABLE" in cells


def test_watch_replayed_cxl_capture_answers_from_the_capture(capsys) -> None:
    assert main(["watch", "replay:captures/07-cxl-features.jsonl", "GET_SUPPORTED_FEATURES",
                 "--count", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out.splitlines()[0])
    assert doc["error"] is None and doc["reply"]["retval_name"] == "SUCCESS"
    assert doc["fields"]["num_entries"]["value"] == len(doc["reply"]["features"])


@pytest.mark.parametrize(("argv", "said"), [
    (["watch", "sim:cxl-mem", "SET_FEATURE", f"feature={MOCK_FEATURE}", "data=00000000"],
     "SET_FEATURE writes sim:cxl-mem (a cxl device): watch only re-sends reads"),
    (["watch", "sim:pds", "RPC", "ep=1", "op=1"],
     "sim:pds is a pds device: watch only re-sends reads, and what a pds operation does is "
     "known only to the firmware"),
    (["watch", "replay:captures/08-pds-entries.jsonl", "identity"],
     "is a pds device: watch only re-sends reads"),
    (["watch", "sim:cxl-mem", "GET_FEATURE", "feature=ecs", "--scope", "DEBUG_WRITE"],
     "--scope DEBUG_WRITE taints the kernel"),
    (["watch", "sim:cxl-mem", "GET_FEATURE", "feature=ecs", "--op-mod", "1"],
     "--op-mod is an mlx5 option"),
    (["watch", "sim:cxl-mem", "QUERY_HCA_CAP"], "QUERY_HCA_CAP"),
])
def test_watch_refuses_writes_and_bad_input_on_driver_devices(capsys, argv: list[str],
                                                             said: str) -> None:
    assert main([*argv, "--count", "1", "--json"]) == 2
    assert said in error_of(capsys)


def test_sim_status_and_reset_for_the_cxl_and_pds_simulators(capsys) -> None:
    assert main(["sim", "status", "pds", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hosts"] == []
    assert main(["send", "sim:pds", "RPC", "ep=2", "op=2", "payload=0100000009000000",
                 "--yes"]) == 0
    assert main(["send", "sim:cxl-mem", "SET_FEATURE", f"feature={MOCK_FEATURE}",
                 "data=11223344", "--yes"]) == 0
    capsys.readouterr()

    assert main(["sim", "status", "--json"]) == 0  # no profile: every saved host
    hosts = {h["profile"]: h for h in json.loads(capsys.readouterr().out)["hosts"]}
    assert {"cxl-mem", "pds"} <= set(hosts)
    cxl, pds = hosts["cxl-mem"], hosts["pds"]
    assert cxl["type"] == "cxl" and cxl["tainted"] is True and cxl["kernel_log"]
    assert {"name": "cxl_test mock test feature (not a spec feature) value",
            "now": "11223344", "new_device": "efbeadde"} in cxl["changed"]
    assert pds["type"] == "pds" and pds["tainted"] is False
    assert {"name": "config key 1", "now": 9, "new_device": 1500} in pds["changed"]
    assert main(["sim", "status", "pds"]) == 0
    text = capsys.readouterr().out
    assert "sim:pds (pds)" in text and "config key 1: 9 (new device: 1500)" in text

    assert main(["sim", "reset", "pds", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"reset": ["pds"]}
    assert main(["send", "sim:pds", "RPC", "ep=2", "op=1", "payload=01000000",
                 "--json"]) == 0  # the next run is a new device: key 1 is 1500 again
    assert json.loads(capsys.readouterr().out)["reply"]["response"].startswith("dc050000")
    assert main(["sim", "reset", "cxl-mem"]) == 0
    assert "reset sim:cxl-mem" in capsys.readouterr().out
    assert main(["sim", "status", "cxl-mem"]) == 0
    assert "no saved simulated host for cxl-mem" in capsys.readouterr().out


def test_sim_status_says_why_a_driver_state_file_is_unusable(capsys) -> None:
    path: Path = driver_store("cxl-mem").path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert main(["sim", "status", "cxl-mem", "--json"]) == 0
    host = json.loads(capsys.readouterr().out)["hosts"][0]
    assert host["profile"] == "cxl-mem" and "is not valid JSON" in host["error"]
    assert main(["sim", "reset", "cxl-mem"]) == 0 and not path.exists()

"""`watch` and `link` on a seeded simulated card whose clock the watch loop's sleeper moves."""

from __future__ import annotations

import json

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.connect import SimHosts
from fwctl_tui.sim.host import SimHost

FEC = "register_data.counter_set.phys_layer_cntrs_ext.rs_fec_corrected_blocks"


class FakeTime:
    """One clock (fwctl_tui.clock.Clock) for the card, the run and the loop; sleeping
    advances it instead of waiting. `run` is a `fwctl-tui` run on its seeded card."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        self.hosts = SimHosts({"cx7": SimHost("cx7", seed=7, clock=self.clock)})

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.now

    def monotonic_ns(self) -> int:
        return int(self.now * 1e9)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def run(self, argv: list[str]) -> int:
        return main(argv, hosts=self.hosts, clock=self)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def test_watch_count_3_json_prints_3_lines_with_rates(capsys, fake_time: FakeTime) -> None:
    code = fake_time.run(["watch", "sim:cx7", "ACCESS_REG:PPCNT", "local_port=1",
                          "grp=Physical_Layer_Counters", "--count", "3", "--interval", "2",
                          "--json"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and len(lines) == 3
    docs = [json.loads(line) for line in lines]
    assert [d["seq"] for d in docs] == [1, 2, 3]
    assert docs[0]["fields"][FEC]["rate"] is None  # nothing to compare with yet
    for doc in docs[1:]:
        fec = doc["fields"][FEC]
        assert fec["delta"] > 0 and fec["rate"] == pytest.approx(fec["delta"] / 2, rel=1e-3)
    assert fake_time.slept == [2.0, 2.0]  # a fixed cadence, never a real wait
    # 64-bit counters are joined: no _high/_low halves left
    assert not any(p.endswith(("_high", "_low")) for p in docs[0]["fields"])


def test_watch_fields_and_human_summary(capsys, fake_time: FakeTime) -> None:
    code = fake_time.run(["watch", "sim:cx7", "ACCESS_REG:PPCNT", "local_port=1", "grp=0x12",
                          "--count", "2", "--fields", "rs_fec_corrected_blocks"])
    out = capsys.readouterr().out
    assert code == 0
    first, second, done, total = out.splitlines()
    assert first.startswith("#1 +0.0s rs_fec_corrected_blocks=")
    assert second.startswith("#2 +1.0s rs_fec_corrected_blocks=") and "/s)" in second
    assert done == "done: 2 samples, 0 failed" and total.startswith(f"  {FEC}: +")


def test_watch_ctrl_c_ends_cleanly_with_a_summary(capsys, fake_time: FakeTime,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    step = fake_time.sleep

    def interrupt(seconds: float) -> None:
        if len(fake_time.slept) == 2:
            raise KeyboardInterrupt
        step(seconds)

    monkeypatch.setattr(fake_time, "sleep", interrupt)
    code = fake_time.run(["watch", "sim:cx7", "ACCESS_REG:PPCNT", "local_port=1", "grp=0x12",
                          "--json", "--fields", "rs_fec_corrected_blocks"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and len(lines) == 4
    summary = lines[-1]["summary"]
    assert summary["samples"] == 3 and summary["interrupted"] is True
    assert summary["fields"][FEC]["change"] > 0 and summary["fields"][FEC]["mean_rate"] > 0


@pytest.mark.parametrize(("argv", "needle"), [
    (["ACCESS_REG:PAOS", "local_port=1", "admin_status=2", "--op-mod", "0"], "changes the"),
    (["ACCESS_REG:PPCNT", "local_port=1", "grp=0x12", "clr=1"], "clear-on-read"),
    (["ACCESS_REG:PPCNT", "local_port=1", "--fields", "nope"], "'nope' is not a numeric"),
    (["QUERY_ADAPTER", "--interval", "-1"], "--interval"),
    (["ACCESS_REG:PAOS", "local_port=1", "--scenario", "meltdown"], "unknown scenario"),
])
def test_watch_bad_input_is_exit_2(capsys, fake_time, argv, needle) -> None:
    code = fake_time.run(["watch", "sim:cx7", *argv, "--count", "1", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 2 and needle in doc["error"]


def test_link_json_has_state_speed_fec_and_module_celsius(capsys, fake_time) -> None:
    code = fake_time.run(["link", "sim:cx7", "--json"])
    doc = json.loads(capsys.readouterr().out)
    profile = SimHost("cx7", seed=1, clock=lambda: 0.0).profile.port(0)
    assert code == 0 and doc["unavailable"] == {}
    assert doc["state"] == {"admin": "up", "oper": "up", "physical": "Active"}
    assert doc["speed"]["gbps"] == profile.speed_gbps and doc["speed"]["lanes"] == profile.lanes
    assert doc["fec"]["name"] == "RS-544/514"  # PAM4 lanes: the 544 code
    module = doc["module"]
    assert module["vendor"] == profile.module.vendor
    assert module["serial"] == profile.module.serial
    # the module runs within a few degrees of the profile's temperature (degC, not raw units)
    assert abs(module["temperature_c"] - profile.module.temperature_c) < 8
    assert module["warning_c"] > module["temperature_c"]
    assert doc["errors"]["FEC corrected blocks"] > 0 and doc["link_down"] is None


def test_link_shows_an_admin_down_port_down_with_its_reason(capsys, fake_time) -> None:
    fake_time.run(["send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1", "admin_status=2",
                   "--op-mod", "0", "--scope", "CONFIGURATION", "--yes", "--json"])
    capsys.readouterr()
    code = fake_time.run(["link", "sim:cx7", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["state"]["oper"] == "down" and doc["state"]["admin"] == "down"
    assert doc["link_down"] == {"intent": "intentional", "blame": "Local_phy"}
    assert doc["speed"]["gbps"] is None and doc["fec"]["name"] is None


def test_link_bad_port_is_usage_error_and_wrong_port_is_device_error(capsys, fake_time) -> None:
    assert fake_time.run(["link", "sim:cx7", "--port", "0", "--json"]) == 2
    capsys.readouterr()
    code = fake_time.run(["link", "sim:cx7", "--port", "2", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and "no register answered" in doc["error"]

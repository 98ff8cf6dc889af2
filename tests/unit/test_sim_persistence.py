"""The persistent simulated host: state shared between runs and processes, reset, status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from helpers import sim_writer

from fwctl_tui.__main__ import main
from fwctl_tui.connect import SimHosts
from fwctl_tui.drivers.pds_entries import ENTRIES_ENV
from fwctl_tui.sim.driver_host import driver_store
from fwctl_tui.sim.host import SimHost
from fwctl_tui.sim.state import decode, encode
from fwctl_tui.sim.store import HostStore, StoreError, state_dir


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    """One `fwctl-tui` run: its own simulated hosts, built from the saved state."""
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


def _phys(doc: dict) -> dict:
    return doc["reply"]["register_data"]["counter_set"]["phys_layer_cntrs_ext"]


def _join(counters: dict, name: str) -> int:
    return counters[f"{name}_high"] << 32 | counters[f"{name}_low"]


PPCNT = ("send", "sim:cx7", "ACCESS_REG:PPCNT", "local_port=1", "grp=Physical_Layer_Counters",
         "--json")


def test_two_sends_see_rising_counters_and_the_first_ones_admin_down(capsys,
                                                                     sim_state_dir) -> None:
    _, first = run(capsys, *PPCNT)
    code, _ = run(capsys, "send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1",
                  "admin_status=2", "--op-mod", "0", "--scope", "CONFIGURATION", "--yes", "--json")
    assert code == 0
    _, second = run(capsys, *PPCNT)
    for name in ("rs_fec_corrected_blocks", "rs_fec_corrected_symbols_total",
                 "time_since_last_clear"):
        assert _join(_phys(second), name) >= _join(_phys(first), name) > 0, name
    code, paos = run(capsys, "send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1", "--json")
    assert code == 0
    assert paos["reply"]["register_data"]["admin_status"] == 2  # down, as the write left it
    assert paos["reply"]["register_data"]["oper_status"] == 2
    assert (sim_state_dir / "sim" / "cx7.json").is_file()


def test_taint_and_session_survive_a_new_run(capsys) -> None:
    code, _ = run(capsys, "send", "sim:cx7", "SET_DIAGNOSTIC_PARAMS", "--yes", "--json")
    assert code == 0
    hosts = SimHosts()
    host = hosts.get("cx7")
    assert host.kernel.tainted & (1 << 19) and host.kernel.log
    assert hosts.get("cx7") is host  # one host per profile in a run
    again = SimHosts().get("cx7")  # the next run's
    assert again is not host and again.kernel.tainted & (1 << 19)
    assert again.instance_id == host.instance_id and again.seed == host.seed
    assert again.instance_id == host.instance_id and again.seed == host.seed


def test_two_hosts_of_one_profile_see_each_others_writes() -> None:
    """Two processes' hosts on one file: each RPC loads what the other saved (threads here,
    each with its own store and lock file descriptor, as two processes have)."""
    a = SimHost.persistent("cx7", HostStore("cx7"))
    b = SimHost.persistent("cx7", HostStore("cx7"))
    assert a.seed == b.seed and a.started_at == b.started_at
    errors: list[BaseException] = []

    def flip(host: SimHost, up: bool) -> None:
        try:
            for _ in range(20):
                with host.transaction():
                    dev = host.functions[0].firmware.device
                    dev.set_admin_up(up)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=flip, args=(h, up)) for h, up in ((a, False), (b, True))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with a.transaction():
        a_dev = a.functions[0].firmware.device
        events = a_dev.link.down_events
    with b.transaction():
        assert b.functions[0].firmware.device.link.down_events == events
    # every flip of admin state from up to down was seen by both: drops were counted once each
    assert 1 <= events <= 20


def test_a_write_repeating_inode_size_and_mtime_is_still_seen() -> None:
    """ext4 gives a file's inode back two renames later, and a coarse clock (or NFS) gives
    two writes one mtime: another process's write of the same size must still be seen."""
    a, b = HostStore("cx7"), HostStore("cx7")
    with a.locked():
        a.save({"writer": "a"})
    before = a.path.stat()
    with b.locked():
        b.load()
        b.save({"writer": "b"})
        b.save({"writer": "c"})  # the same size as a's
        os.utime(b.path, ns=(before.st_atime_ns, before.st_mtime_ns))  # one clock tick
    with a.locked():
        assert a.changed()
        assert a.load() == {"writer": "c"}


WRITES = 16  # per process and device


def _run_writers(count: int) -> list[list[str]]:
    """Run sim_writer.py's two roles at once: both import, say ready, and start writing
    only when both are (no sleeps). Each one's errors, once both have finished."""
    procs = [subprocess.Popen([sys.executable, sim_writer.__file__, str(role), str(count)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=dict(os.environ))
             for role in (0, 1)]
    try:
        for proc in procs:
            assert proc.stdout is not None
            assert proc.stdout.readline() == "ready\n", proc.communicate()[1]
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outputs = [proc.communicate(timeout=120) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    errors = []
    for out, err in outputs:
        assert out.strip(), err  # a writer that died says why on stderr
        errors.append(json.loads(out.splitlines()[-1])["errors"])
    return errors


def _saved_model(profile: str) -> dict:
    store = driver_store(profile)
    with store.locked():
        doc = store.load()
    assert doc is not None, store.path
    model: dict = doc["model"]
    return model


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Two fwctl-tui processes write every persisted simulator at once, through kept
    connections (as the TUI) and runs of their own (as CLI calls): each write lands, reads
    back, and the state files always parse. sim_writer.py says what each writes."""
    monkeypatch.setenv(ENTRIES_ENV, str(tmp_path / "pds-entries"))  # not the user's
    assert _run_writers(WRITES) == [[], []]
    registers = SimHost.persistent("cx7").functions[0].firmware.device.registers
    thresholds = {dict(index)["vhca_group_id"]: fields["max_alloc_icm_th"]
                  for (_, index), fields in registers.items() if "vhca_group_id" in dict(index)}
    assert thresholds == {role * WRITES + i: i + 1 for role in (0, 1) for i in range(WRITES)}
    features = _saved_model("cxl-mem")
    assert [features[uuid.UUID(f).bytes_le.hex()]["value"]
            for f in sim_writer.CXL_FEATURES] == [sim_writer.cxl_data(role, WRITES)
                                                 for role in (0, 1)]
    pds = _saved_model("pds")
    assert pds["config"] == {str(key): WRITES for key in sim_writer.PDS_KEYS}
    assert pds["calls"] == 2 * WRITES  # every RPC of both counted: none lost


@pytest.mark.parametrize("content", [b"{not json", b'{"a": "\xc3\x28"}'])  # the 2nd: not UTF-8
def test_corrupt_state_file_is_a_clear_error(capsys, sim_state_dir: Path, content) -> None:
    path = sim_state_dir / "sim" / "cx7.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    code = main(["send", "sim:cx7", "QUERY_ADAPTER", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert "not valid JSON" in doc["error"] and "sim reset" in doc["error"]
    assert path.read_bytes() == content  # never lost: reset is the user's choice


def test_other_schema_is_refused_with_the_way_out(sim_state_dir: Path) -> None:
    SimHost.persistent("cx7")
    path = sim_state_dir / "sim" / "cx7.json"
    doc = json.loads(path.read_text())
    path.write_text(json.dumps({**doc, "schema": 99}))
    with pytest.raises(StoreError, match=r"schema 99.*sim reset cx7"):
        SimHost.persistent("cx7")


def test_sim_reset_and_status(capsys, sim_state_dir: Path) -> None:
    assert state_dir() == sim_state_dir / "sim"
    code, status = run(capsys, "sim", "status", "--json")
    assert code == 0 and status["hosts"] == []
    run(capsys, "send", "sim:cx7", "QUERY_ADAPTER", "--json")
    code, status = run(capsys, "sim", "status", "cx7", "--json")
    (host,) = status["hosts"]
    assert host["profile"] == "cx7" and host["uptime_s"] > 86400
    assert [p["device"] for p in host["ports"]] == ["sim:cx7", "sim:cx7.1"]
    assert all(p["link_up"] for p in host["ports"])
    code, reset = run(capsys, "sim", "reset", "--json")
    assert code == 0 and reset == {"reset": ["cx7"]}
    assert not (sim_state_dir / "sim" / "cx7.json").exists()
    code, _ = run(capsys, "sim", "reset", "cx99", "--json")
    assert code == 2


def test_tagged_encoding_round_trips() -> None:
    value = {("ppcnt", 18, 0): [1.5, 2, {"a": b"\x01\xff"}], "plain": (1, (2, None))}
    assert decode(json.loads(json.dumps(encode(value)))) == value


def test_seeded_hosts_keep_nothing(sim_state_dir: Path) -> None:
    host = SimHost("cx7", seed=3, clock=lambda: 0.0)
    with host.functions[0].open() as dev:
        dev.info()
    assert host.store is None
    assert not (sim_state_dir / "sim").exists()


def test_scenario_cli_starts_and_stops_a_story(capsys) -> None:
    code, doc = run(capsys, "sim", "scenario", "sim:cx7.1", "module-overheat", "--json")
    assert code == 0 and doc == {"device": "sim:cx7.1", "scenario": "module-overheat"}
    _, status = run(capsys, "sim", "status", "cx7", "--json")
    assert [p["scenario"] for p in status["hosts"][0]["ports"]] == [None, "module-overheat"]
    run(capsys, "sim", "scenario", "sim:cx7.1", "none", "--json")
    _, status = run(capsys, "sim", "status", "cx7", "--json")
    assert [p["scenario"] for p in status["hosts"][0]["ports"]] == [None, None]


@pytest.mark.parametrize("argv", [
    ["--simulate", "cx7", "--scenario", "meltdown"],  # the TUI refuses before starting
    ["--device", "fwctl0", "--scenario", "link-flap"],
    ["sim", "scenario", "fwctl0", "link-flap"],
    ["sim", "scenario", "sim:cx7.7", "link-flap"],
])
def test_bad_scenario_requests_are_usage_errors(argv, capsys) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("fwctl-tui: ")


@pytest.mark.parametrize(("argv", "device"), [
    (["--simulate", "pds", "--scenario", "link-flap"], "sim:pds"),  # before the TUI starts
    (["--simulate", "cxl-mem", "--scenario", "none"], "sim:cxl-mem"),
    (["sim", "scenario", "sim:pds", "link-flap", "--json"], "sim:pds"),
    (["sim", "scenario", "sim:cxl-mem", "meltdown"], "sim:cxl-mem"),  # not "unknown scenario"
    (["watch", "sim:pds", "QUERY_HCA_CAP", "--scenario", "link-flap", "--count", "1"],
     "sim:pds"),
    (["link", "sim:cxl-mem", "--scenario", "fec-degrading"], "sim:cxl-mem"),
])
def test_scenarios_do_not_apply_to_cxl_and_pds_simulators(argv, device, capsys) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    said = json.loads(captured.out)["error"] if "--json" in argv else captured.err
    assert "scenarios are fault stories of the ConnectX port simulator" in said
    assert f"do not apply to {device}," in said and "unknown" not in said

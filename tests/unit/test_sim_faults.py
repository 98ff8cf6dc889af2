"""Fault injection, hot unplug and determinism of the simulated ConnectX, through FwctlDevice."""

from __future__ import annotations

import errno

import pytest

from fwctl_tui.decoders.mlx5.catalogue import find, find_register
from fwctl_tui.decoders.mlx5.codec import encode_input, output_size
from fwctl_tui.ioctl import FwctlError
from fwctl_tui.sim.connectx import ConnectXFirmware
from fwctl_tui.sim.host import SimHost
from fwctl_tui.sim.mlx5.syndromes import ErrorKind, syndrome
from fwctl_tui.sim.profile import load_profile
from fwctl_tui.uapi import Scope

RO = Scope.DEBUG_READ_ONLY


def _request(name: str, values: dict[str, object] | None = None,
             op_mod: int | None = None) -> tuple[bytes, int]:
    cmd = find(name)
    data = encode_input(cmd, values or {}, op_mod=op_mod)
    return data, output_size(cmd, data) + 256


def _host(seed: int | None = 5, profile: str = "cx7") -> tuple[SimHost, list[float]]:
    now = [0.0]
    return SimHost(profile, seed=seed, clock=lambda: now[0]), now


def test_forced_status_and_syndrome_then_back_to_normal() -> None:
    host, _ = _host()
    fw = host.functions[0].firmware
    fw.faults.fail("QUERY_ISSI", "BAD_SYS_STATE", syndrome_value=0x1234ABCD, times=1)
    dev = host.functions[0].open()
    data, size = _request("QUERY_ISSI")
    first = dev.rpc(RO, data, size).data()
    assert (first[0], int.from_bytes(first[4:8], "big")) == (4, 0x1234ABCD)
    assert dev.rpc(RO, data, size).data()[0] == 0


def test_fault_matches_op_mod_and_register() -> None:
    host, _ = _host()
    fw = host.functions[0].firmware
    paos = find_register("PAOS").id
    fw.faults.fail("ACCESS_REG", register_id=paos)
    fw.faults.fail(0x100, op_mod=3)
    dev = host.functions[0].open()
    for register, status in (("PAOS", ErrorKind.INJECTED.status), ("PTYS", 0)):
        data, size = _request(f"ACCESS_REG:{register}", fw.register_example(register), 1)
        out = dev.rpc(RO, data, size).data()
        assert out[0] == status, register
    for op_mod, status in ((1, 0), (3, ErrorKind.INJECTED.status)):
        data, size = _request("QUERY_HCA_CAP", op_mod=op_mod)
        out = dev.rpc(Scope.CONFIGURATION, data, size).data()
        assert out[0] == status
    assert int.from_bytes(out[4:8], "big") == syndrome(0x100, ErrorKind.INJECTED)


def test_undeliverable_command_is_an_errno() -> None:
    host, _ = _host()
    host.functions[0].firmware.faults.fail_errno("QUERY_ADAPTER", errno.ETIMEDOUT, times=1)
    dev = host.functions[0].open()
    data, size = _request("QUERY_ADAPTER")
    assert dev.rpc(Scope.CONFIGURATION, data, size).errno == errno.ETIMEDOUT
    assert host.functions[0].emulator.last_detail == "fault injected"
    assert dev.rpc(Scope.CONFIGURATION, data, size).errno == 0


def test_slow_reply_uses_the_injected_sleeper() -> None:
    host, _ = _host()
    fw = host.functions[0].firmware
    slept: list[float] = []
    fw.faults.sleep = slept.append
    fault = fw.faults.slow("NOP", 2.5)
    dev = host.functions[0].open()
    data, size = _request("NOP")
    assert dev.rpc(RO, data, size).data()[0] == 0
    fw.faults.remove(fault)
    dev.rpc(RO, data, size)
    assert slept == [2.5]


def test_unknown_fault_names_are_refused() -> None:
    fw = ConnectXFirmware(load_profile("cx7"), 0, seed=1, clock=lambda: 0.0)
    with pytest.raises(ValueError, match="unknown command"):
        fw.faults.fail("QUERY_EVERYTHING")
    with pytest.raises(ValueError, match="unknown command status"):
        fw.faults.fail("NOP", "ON_FIRE")


def test_unplug_orphans_open_files_and_hides_the_device() -> None:
    host, _ = _host()
    victim, survivor = host.functions
    dev = victim.open()
    data, size = _request("NOP")
    assert dev.rpc(RO, data, size).errno == 0
    victim.unplug()
    assert dev.rpc(RO, data, size).errno == errno.ENODEV
    with pytest.raises(FwctlError) as info:
        dev.info()
    assert info.value.errno == errno.ENODEV
    with pytest.raises(FwctlError):
        victim.open()
    assert [e.name for e in host.entries()] == [survivor.name]
    assert survivor.open().rpc(RO, data, size).errno == 0


SESSION = (
    ("QUERY_HCA_CAP", {}, 1), ("QUERY_VPORT_COUNTER", {}, None), ("ACCESS_REG:MTMP", {}, 1),
    ("ACCESS_REG:PPCNT", {"register_data.grp": 18}, 1), ("QUERY_CQ", None, None),
    ("QUERY_TIR", None, None), ("ACCESS_REG:MGIR", {}, 1), ("QUERY_FLOW_COUNTER", None, None),
)


def _replay(seed: int | None) -> list[bytes]:
    host, now = _host(seed)
    fw = host.functions[0].firmware
    dev = host.functions[0].open()
    replies = []
    for step, (name, values, op_mod) in enumerate(SESSION * 3):
        now[0] = 17.5 * step
        cmd = find(name)
        if values is None:
            values = fw.example(name).values
        if cmd.register is not None:
            values = {**fw.register_example(cmd.register.name), **values}
        data, size = _request(name, values, op_mod)
        replies.append(dev.rpc(Scope.DEBUG_READ_ONLY if cmd.opcode != 0x100 else
                               Scope.CONFIGURATION, data, size).data())
    return replies


def test_same_seed_and_clock_give_identical_bytes() -> None:
    first, second = _replay(11), _replay(11)
    assert first == second
    assert all(reply[0] == 0 for reply in first)
    assert _replay(12) != first


def test_without_a_seed_every_run_differs() -> None:
    assert _replay(None) != _replay(None)


def test_cleared_faults_stop_firing() -> None:
    host, _ = _host()
    fw = host.functions[0].firmware
    fw.faults.fail("NOP")
    fw.faults.clear()
    data, size = _request("NOP")
    assert host.functions[0].open().rpc(RO, data, size).data()[0] == 0

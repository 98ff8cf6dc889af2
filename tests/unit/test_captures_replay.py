"""A capture as a device: recorded answers through FwctlDevice and the emulator, no inventions."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from helpers.captures import PPCNT_REPLY, access_reg, hca_cap, record_sample

from fwctl_tui.captures import load_capture
from fwctl_tui.connect import open_device
from fwctl_tui.replay_device import build_replay, open_replay
from fwctl_tui.session import Session
from fwctl_tui.uapi import Scope


def test_replay_answers_recorded_requests_in_order_then_sticks(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    recorded = record_sample(path, polls=3).history
    entry, device, state = open_replay(path)
    assert entry.kind == "replay" and entry.name == f"replay:{path}"
    assert entry.pci_bdf == "0000:3b:00.0" and entry.firmware_version == "28.39.1002"
    assert state.simulated
    session = Session(device, entry.name)
    answers = [
        session.send("ACCESS_REG:PPCNT", Scope.DEBUG_READ_ONLY, access_reg(0x5008),
                     PPCNT_REPLY).reply
        for _ in range(4)
    ]
    polls = [ex.reply for ex in recorded[:3]]
    assert answers == [*polls, polls[-1]]
    assert len({*polls}) == 3  # the counter moved while recording


def test_replay_is_scope_independent_and_keeps_kernel_rules(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    recorded = record_sample(path, polls=1).history
    _entry, device, _state = open_replay(path)
    session = Session(device, "replay")
    higher = session.send("ACCESS_REG:PPCNT", Scope.DEBUG_WRITE, access_reg(0x5008), PPCNT_REPLY)
    assert higher.errno == 0 and higher.reply == recorded[0].reply
    lower = session.send("ACCESS_REG:PPCNT", Scope.CONFIGURATION, access_reg(0x5008), PPCNT_REPLY)
    assert lower.errno == errno.EBADMSG  # the driver's allow-list, as live


def test_recorded_firmware_errors_and_errnos_come_back(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    recorded = record_sample(path, polls=1).history
    _entry, device, _state = open_replay(path)
    session = Session(device, "replay")
    cap = session.send("QUERY_HCA_CAP", Scope.CONFIGURATION, hca_cap(), 32)
    assert cap.reply == recorded[1].reply and cap.status == 2 and cap.syndrome == 0x1234ABCD


def test_unrecorded_request_fails_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=1)
    _entry, emulator, firmware, _syndromes = build_replay(path)
    session = Session(emulator.open_device("replay"), "replay",
                      detail_source=lambda: emulator.last_detail)
    miss = session.send("ACCESS_REG:PPLM", Scope.DEBUG_READ_ONLY, access_reg(0x5023), 64)
    assert miss.errno == errno.ENOMSG and miss.reply is None
    assert miss.detail is not None and miss.detail.startswith("not in this capture: ACCESS_REG")
    assert firmware.misses and firmware.served == 0


def test_uid_bytes_do_not_matter(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    recorded = record_sample(path, polls=1).history
    _entry, device, _state = open_replay(path)
    request = bytearray(access_reg(0x5008))
    request[2:4] = b"\x12\x34"
    got = Session(device, "replay").send("X", Scope.DEBUG_READ_ONLY, bytes(request), PPCNT_REPLY)
    assert got.reply == recorded[0].reply


def test_connect_opens_replay_devices(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=1)
    with open_device(f"replay:{path}") as connection:
        assert connection.kind == "replay" and connection.simulated
        assert connection.entry.device_type == "mlx5"
        assert connection.kernel_state().release


def test_replay_of_a_truncated_capture_serves_what_survived(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    record_sample(path, polls=2)
    text = path.read_text()
    path.write_text(text[: len(text) - 40])
    entry, _device, _state = open_replay(path)
    assert any("truncated" in note for note in entry.notes)
    with load_capture(path) as capture:
        assert len(capture) == 3


SAMPLES = sorted((Path(__file__).parents[2] / "captures").glob("*.jsonl"))


def test_there_are_at_least_five_samples() -> None:
    assert len(SAMPLES) >= 5


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.name for p in SAMPLES])
def test_samples_load_clean_and_replay_their_own_requests(sample: Path) -> None:
    with load_capture(sample) as capture:
        assert capture.problems == [] and len(capture) >= 5
        recorded = list(capture.exchanges())
    with open_device(f"replay:{sample}") as connection:
        session = Session(connection.device, connection.name)
        for ex in recorded:
            again = session.send(ex.command, ex.scope, ex.request, ex.out_cap)
            assert (again.errno, again.reply) == (ex.errno, ex.reply), ex.command

"""The pds plug-in, the pds driver's rules in the emulator, and the entry files."""

from __future__ import annotations

import ctypes
import errno
import json
from pathlib import Path

import pytest

from fwctl_tui.drivers import DriverInputError, plugin_for
from fwctl_tui.drivers.pds_entries import EntryError, import_entries, load_book, read_entries
from fwctl_tui.sim.pds import layout
from fwctl_tui.sim.pds.simdev import build_host
from fwctl_tui.uapi import FWCTL_RPC, FwctlRpc, Scope

PLUGIN = plugin_for("pds")
SAMPLE = Path(__file__).parents[2] / "fwctl_tui/sim/pds/sample_entries.json"
ENTRIES = {"entries": read_entries(SAMPLE)}


@pytest.fixture
def host():
    return build_host(persistent=False)


@pytest.fixture
def device(host):
    with host.function("sim:pds").open() as dev:
        yield dev


def run(device, name, values=None, scope=None):
    built = PLUGIN.build(name, values or {}, ENTRIES)
    result = device.rpc(built.scope if scope is None else scope, built.request, built.out_len)
    return built, result


def test_entry_runs_and_reply_struct_is_the_request_with_retval(device) -> None:
    built, result = run(device, "identity")
    assert result.errno == 0 and result.out_len == layout.SIZE  # out_len = in_len
    reply = PLUGIN.decode(built, result.output)
    assert bytes.fromhex(reply["response"]).rstrip(b"\0") == b"SIM-DSC 1.0.0-sim"
    assert (reply["endpoint"], reply["operation"], reply["retval"]) == (1, 1, 0)


def test_write_then_read_by_ids(device) -> None:
    run(device, "RPC", {"ep": "2", "op": "2", "payload": "0100000040000000"})
    built, result = run(device, "RPC", {"ep": "2", "op": "1", "payload": "01000000",
                                        "response_len": "4"})
    assert PLUGIN.decode(built, result.output)["response"] == "40000000"


@pytest.mark.parametrize(("name", "needed"), [
    ("debug-counters", Scope.DEBUG_READ_ONLY), ("log-level", Scope.DEBUG_WRITE),
    ("reset-config", Scope.DEBUG_WRITE_FULL)])
def test_scope_below_the_operations_is_eperm(device, name, needed) -> None:
    built, result = run(device, name, scope=Scope(needed - 1))
    assert result.errno == errno.EPERM
    assert "not EBADMSG" in PLUGIN.explain(built, result.errno)
    assert run(device, name, scope=needed)[1].errno == 0


@pytest.mark.parametrize("values", [
    {"ep": "9", "op": "1"}, {"ep": "1", "op": "7"},
    {"ep": "1", "op": "1", "response_len": "4097"},
    {"ep": "2", "op": "1", "payload": "00" * 2049}])
def test_unknown_ids_and_oversize_are_einval(device, values) -> None:
    assert run(device, "RPC", values)[1].errno == errno.EINVAL


def test_short_struct_is_einval(device) -> None:
    assert device.rpc(Scope.CONFIGURATION, bytes(layout.SIZE - 1), layout.SIZE).errno == \
        errno.EINVAL


def test_info_reports_no_data(device) -> None:
    info = device.info()
    assert info.type_name == "pds" and info.device_data == b""


def test_struct_pointers_through_raw_ioctl(host) -> None:
    """in and out point at the same 48 bytes, as the facts say."""
    emulator = host.emulator
    fd = emulator.open()
    payload = ctypes.create_string_buffer(b"\x01\0\0\0", 4)
    out = ctypes.create_string_buffer(4)
    struct = ctypes.create_string_buffer(layout.rpc_struct(
        2, 1, 4, ctypes.addressof(payload), 4, ctypes.addressof(out)), layout.SIZE)
    rpc = FwctlRpc(size=ctypes.sizeof(FwctlRpc), scope=0, in_len=layout.SIZE,
                   out_len=layout.SIZE)
    setattr(rpc, "in", ctypes.addressof(struct))
    rpc.out = ctypes.addressof(struct)
    assert emulator.ioctl(fd, FWCTL_RPC, ctypes.addressof(rpc)) == 0
    assert rpc.out_len == layout.SIZE and out.raw == (1500).to_bytes(4, "little")


@pytest.mark.parametrize(("doc", "where"), [
    ({"entries": [{"name": "x", "endpoint": -1, "operation": 1}]}, "entries[0] (x).endpoint"),
    ({"entries": [{"name": "x", "endpoint": 1, "operation": 1, "scope": "ROOT"}]}, ".scope"),
    ({"entries": [{"name": "x", "endpoint": 1, "operation": 1, "payload": "zz"}]}, ".payload"),
    ({"entries": [{"name": "1x", "endpoint": 1, "operation": 1}]}, "entries[0].name"),
    ({"entries": {}}, "\"entries\" list"),
])
def test_bad_entry_files_name_the_field(tmp_path, doc, where) -> None:
    path = tmp_path / "e.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(EntryError) as info:
        read_entries(path)
    assert where in str(info.value)


def test_import_saves_per_device(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FWCTL_TUI_PDS_ENTRIES_DIR", str(tmp_path))
    merged, path = import_entries("sim:pds", SAMPLE)
    assert path.parent == tmp_path and len(merged) == 6
    assert [e.name for e in load_book("sim:pds")] == [e.name for e in merged]
    assert load_book("0000:b5:00.0") == []


def test_rpc_needs_ids() -> None:
    with pytest.raises(DriverInputError) as info:
        PLUGIN.build("RPC", {"op": "1"})
    assert info.value.field == "ep"

"""The CXL plug-in against sim:cxl-mem: requests built as the uAPI lays them out (checked
with construct, an independent reading of the facts), replies decoded entry by entry,
Set Feature's scope from effects, return codes by name."""

from __future__ import annotations

import errno
import uuid

import construct as c
import pytest

from fwctl_tui.drivers import DriverInputError, plugin_for
from fwctl_tui.sim.cxl.simdev import build_host
from fwctl_tui.uapi import Scope

PLUGIN = plugin_for("cxl")
VENDOR = "0b5e55ed-c0de-4a11-8000-000000000001"  # immediate effects: DEBUG_WRITE_FULL
READ_ONLY = "0b5e55ed-c0de-4a11-8000-000000000002"
BACKGROUND = "0b5e55ed-c0de-4a11-8000-000000000003"
MOCK = "ffffffff-ffff-ffff-ffff-ffffffffffff"  # reset-only effects: DEBUG_WRITE

HEADER = c.Struct("opcode" / c.Int32ul, "flags" / c.Int32ul, "op_size" / c.Int32ul,
                  "reserved1" / c.Int32ul)
GET_FEAT = c.Struct("uuid" / c.Bytes(16), "offset" / c.Int16ul, "count" / c.Int16ul,
                    "selection" / c.Int8ul)


@pytest.fixture
def device():
    with build_host(persistent=False).function("sim:cxl-mem").open() as dev:
        yield dev


def send(device, built, scope=None):
    result = device.rpc(built.scope if scope is None else scope, built.request, built.out_len)
    return result.errno, (PLUGIN.decode(built, result.output) if result.errno == 0 else None)


def features(device) -> dict:
    code, reply = send(device, PLUGIN.build("GET_SUPPORTED_FEATURES", {}))
    assert code == 0 and reply["retval_name"] == "SUCCESS"
    return {"features": reply["features"]}


def test_supported_features_are_named_with_effects_and_scope(device) -> None:
    listed = {f["uuid"]: f for f in features(device)["features"]}
    scrub = listed["96dad7d6-fde8-482b-a733-75774e06db8a"]
    assert scrub["name"] == "Patrol Scrub Control" and scrub["kernel_exclusive"]
    assert scrub["set_feat_size"] == 0 and "CHANGEABLE" not in scrub["flags"]
    assert scrub["effects"] == ["CONFIG_CHANGE_IMMEDIATE", "EFFECTS_VALID"]
    assert listed[MOCK]["set_feature_scope"] == "DEBUG_WRITE"
    assert listed[VENDOR]["name"] is None and listed[VENDOR]["set_feature_scope"] == \
        "DEBUG_WRITE_FULL"
    assert listed[READ_ONLY]["set_feature_rule"] == "not changeable through fwctl"
    assert "BACKGROUND" in listed[BACKGROUND]["set_feature_rule"]
    assert listed[VENDOR]["get_feat_ver"] == 2


def test_get_feature_request_layout_matches_construct() -> None:
    built = PLUGIN.build("GET_FEATURE", {"feature": "ecs", "selection": "saved",
                                         "offset": "1", "count": "4"})
    head = HEADER.parse(built.request)
    assert (head.opcode, head.op_size) == (0x0501, GET_FEAT.sizeof())
    body = GET_FEAT.parse(built.request[HEADER.sizeof():])
    assert uuid.UUID(bytes_le=body.uuid) == uuid.UUID("e5b13f22-2328-4a14-b8ba-b9691e893386")
    assert (body.offset, body.count, body.selection) == (1, 4, 2)
    assert built.out_len == 16 + 4


def test_patrol_scrub_payload_decoded(device) -> None:
    code, reply = send(device, PLUGIN.build("GET_FEATURE", {"feature": "patrol_scrub"},
                                            features(device)))
    assert code == 0
    assert reply["data"]["fields"] == {
        "scrub_cycle_changeable": True, "scrub_cycle_realtime_report": False,
        "current_scrub_cycle_hours": 12, "min_scrub_cycle_hours": 1,
        "background_scrub_enabled": True}


def test_set_then_get_shows_the_change_and_needs_write_full(device) -> None:
    ctx = features(device)
    built = PLUGIN.build("SET_FEATURE", {"feature": VENDOR, "data": "0300000000000000"}, ctx)
    assert built.scope == Scope.DEBUG_WRITE_FULL and built.command.taints
    code, _ = send(device, built, Scope.DEBUG_WRITE)
    assert code == errno.EINVAL
    assert "immediate-change effect needs DEBUG_WRITE_FULL" in PLUGIN.explain(built, code)
    assert send(device, built)[1]["retval_name"] == "SUCCESS"
    _, reply = send(device, PLUGIN.build("GET_FEATURE", {"feature": VENDOR}, ctx))
    assert reply["data"]["hex"] == "0300000000000000"
    assert reply["data"]["note"].startswith("no published layout")


@pytest.mark.parametrize(("values", "code_name"), [
    ({"feature": VENDOR, "selection": "saved"}, "FEATURESELVALUE"),
    ({"feature": VENDOR, "offset": "6", "count": "4"}, "INPUT"),
    ({"feature": "12345678-0000-0000-0000-000000000000", "count": "4"}, "UNSUPPORTED"),
])
def test_bad_selection_offset_uuid_are_return_codes(device, values, code_name) -> None:
    code, reply = send(device, PLUGIN.build("GET_FEATURE", values, features(device)))
    assert code == 0 and reply["retval_name"] == code_name and reply["size"] == 0


def test_wrong_version_is_featureversion(device) -> None:
    built = PLUGIN.build("SET_FEATURE", {"feature": MOCK, "data": "01020304", "version": "9"},
                         features(device))
    assert send(device, built)[1]["retval_name"] == "FEATUREVERSION"


def test_kernel_exclusive_set_is_eperm_explained(device) -> None:
    built = PLUGIN.build("SET_FEATURE", {"feature": "patrol", "data": "0c01"}, features(device))
    assert "kernel_exclusive" in built.facts
    code, _ = send(device, built)
    assert code == errno.EPERM
    assert "kernel-exclusive" in PLUGIN.explain(built, code)


@pytest.mark.parametrize("feature", [READ_ONLY, BACKGROUND])
def test_unchangeable_and_background_refused_at_any_scope(device, feature) -> None:
    built = PLUGIN.build("SET_FEATURE", {"feature": feature, "data": "00000000"},
                         features(device))
    assert send(device, built, Scope.DEBUG_WRITE_FULL)[0] == errno.EINVAL


@pytest.mark.parametrize(("command", "values", "field"), [
    ("GET_FEATURE", {}, "feature"),
    ("GET_FEATURE", {"feature": "scrub"}, "feature"),  # patrol scrub and ECS both match
    ("GET_FEATURE", {"feature": MOCK}, "count"),  # size unknown without the feature list
    ("SET_FEATURE", {"feature": MOCK, "data": "xyz"}, "data"),
    ("SET_FEATURE", {"feature": MOCK, "data": "00", "transfer": "sideways"}, "transfer"),
    ("GET_SUPPORTED_FEATURES", {"entries": "70000"}, "entries"),
    ("GET_SUPPORTED_FEATURES", {"colour": "red"}, "colour"),
])
def test_bad_input_names_the_field(command, values, field) -> None:
    with pytest.raises(DriverInputError) as info:
        PLUGIN.build(command, values)
    assert info.value.field == field


def test_set_feature_persists_between_runs(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("FWCTL_TUI_STATE_DIR", str(tmp_path))
    with build_host().function("sim:cxl-mem").open() as first:
        ctx = features(first)
        send(first, PLUGIN.build("SET_FEATURE", {"feature": MOCK, "data": "11223344"}, ctx))
    with build_host().function("sim:cxl-mem").open() as second:
        _, reply = send(second, PLUGIN.build("GET_FEATURE", {"feature": MOCK}, ctx))
    assert reply["data"]["hex"] == "11223344"


@pytest.mark.parametrize(("values", "field"), [({"entries": "many"}, "entries"),
                                               ({"start": "-1"}, "start")])
def test_non_numbers_are_refused(values, field) -> None:
    with pytest.raises(DriverInputError) as info:
        PLUGIN.build("GET_SUPPORTED_FEATURES", values)
    assert info.value.field == field


def test_cxl_test_profile_reads_at_an_offset_like_the_real_mock() -> None:
    """Measured on the real kernel (tests/kernel/inside/test_cxl_send.py): cxl_test puts
    the data read from OFFSET at reply+OFFSET and the driver returns reply[:count]."""
    from fwctl_tui.sim.cxl.host import CxlTestHost

    with CxlTestHost().emulators[0].open_device() as device:
        for offset, count, expected in ((0, 4, "efbeadde"), (2, 2, "0000"), (1, 3, "00bead")):
            built = PLUGIN.build("GET_FEATURE", {"feature": MOCK, "offset": str(offset),
                                                 "count": str(count)})
            _, reply = send(device, built)
            assert reply["data"]["hex"] == expected, (offset, count)


def test_ecs_payload_decoded_per_media_fru() -> None:
    """DDR5 ECS readable attributes (CXL 3.1): a log-entry-type byte, then 4 bytes per
    media FRU; built here with construct, bit by bit, not with the decoder's slices."""
    from fwctl_tui.drivers.cxl_features import KNOWN, decode_data

    ecs = next(f for f in KNOWN if f.name == "DDR5 Error Check Scrub (ECS)")
    fru = c.Struct("realtime" / c.Int8ul, "config" / c.Int16ul, "flags" / c.Int8ul)
    payload = c.Struct("log" / c.Int8ul, "frus" / c.GreedyRange(fru)).build(
        {"log": 1, "frus": [{"realtime": 1, "config": 4, "flags": 0},
                            {"realtime": 0, "config": 8 | 5, "flags": 0x80}]})
    decoded = decode_data(ecs.uuid, 0, payload)  # wire order already
    assert decoded["fields"] == {
        "log_entry_type": "per memory media FRU",
        "media_frus": [
            {"ecs_realtime_report": True, "threshold_count": 1024,
             "count_mode": "codeword count", "flags": "0x00"},
            {"ecs_realtime_report": False, "threshold_count": 4096,
             "count_mode": "row count", "flags": "0x80"}]}
    short = decode_data(ecs.uuid, 0, payload[:6])
    assert "fields" not in short and "1 + 4 bytes per media FRU, got 6" in short["note"]

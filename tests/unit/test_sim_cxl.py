"""The simulated CXL memdev and the cxl fwctl driver rules beyond what the VM's mock shows.

The real-kernel differential (tests/kernel/test_differential.py) covers what cxl_test's
one feature can show; these cover the rules it cannot (effects needing
DEBUG_WRITE_FULL, reserved effects, kernel-exclusive features, bad counts), each from
cxl_pds.json's driver_rules.
"""

from __future__ import annotations

import errno
import re
import uuid

import pytest

from fwctl_tui.sim.cxl import layout
from fwctl_tui.sim.cxl.host import CxlTestHost
from fwctl_tui.sim.cxl.mock import KERNEL_EXCLUSIVE, Feature
from fwctl_tui.uapi import Scope

TEST_UUID = b"\xff" * 16


def gsf(count: int = 256, start: int = 0) -> bytes:
    return layout.rpc_request(layout.GET_SUPPORTED_FEATURES,
                              layout.get_supported_features_in(count, start))


def get(feature: bytes = TEST_UUID, count: int = 4, offset: int = 0) -> bytes:
    return layout.rpc_request(layout.GET_FEATURE,
                              layout.get_feature_in(feature, count, offset=offset))


def put(feature: bytes = TEST_UUID, data: bytes = b"\1\2\3\4", flags: int = 0) -> bytes:
    return layout.rpc_request(layout.SET_FEATURE,
                              layout.set_feature_in(feature, data, flags=flags))


def host_with(effects: int = 0, feature_uuid: bytes = TEST_UUID) -> CxlTestHost:
    host = CxlTestHost()
    feature = host.memdevs[0].features[0]
    if feature_uuid != TEST_UUID:
        host.memdevs[0].features.append(Feature(
            uuid=feature_uuid, id=1, get_size=4, set_size=4, flags=feature.flags,
            get_version=1, set_version=1, effects=feature.effects, value=bytearray(4)))
    elif effects:
        feature.effects = effects
    return host


def test_packaged_cxl_facts_are_the_reference() -> None:
    from test_uapi import REFERENCE, reference_or_skip

    reference = reference_or_skip(REFERENCE.with_name("cxl-pds.json"))
    assert layout.cxl_facts() == reference["cxl"], (
        "run `make generate` to refresh fwctl_tui/data/cxl_pds.json")


def test_profile_agrees_with_the_reference_note() -> None:
    """cxl_test.json's feature is the one cxl-pds.json saw on the real kernel."""
    known = next(f for f in layout.cxl_facts()["known_features"] if not f["kernel_exclusive"])
    note = known["note"]
    feature = CxlTestHost().memdevs[0].features[0]
    assert feature.uuid == uuid.UUID(known["uuid"]).bytes_le
    assert f"get size {feature.get_size}" in note
    assert f"effects {feature.effects:#x}" in note
    assert re.search(r"current value ([0-9a-f]+)", note).group(1) == feature.value.hex()


def test_immediate_effects_need_debug_write_full() -> None:
    host = host_with(effects=layout.EFFECTS["CONFIG_CHANGE_IMMEDIATE"]
                     | layout.EFFECTS["EFFECTS_VALID"])
    device = host.emulators[0].open_device()
    assert device.rpc(Scope.DEBUG_WRITE, put(), 64).errno == errno.EINVAL
    assert "needs DEBUG_WRITE_FULL" in (host.emulators[0].last_detail or "")
    result = device.rpc(Scope.DEBUG_WRITE_FULL, put(), 64)
    assert result.ok and result.out_len == layout.RPC_OUT_SIZE
    assert host.memdevs[0].features[0].value == bytearray(b"\1\2\3\4")


@pytest.mark.parametrize("effects", [0x1000 | 1, 1 << 6 | 1, 1 << 9])
def test_reserved_background_or_no_effect_bits_are_refused(effects: int) -> None:
    device = host_with(effects=effects).emulators[0].open_device()
    assert device.rpc(Scope.DEBUG_WRITE_FULL, put(), 64).errno == errno.EINVAL


def test_kernel_exclusive_features_are_listed_read_only_and_refused() -> None:
    owned = next(iter(KERNEL_EXCLUSIVE))
    host = host_with(feature_uuid=owned)
    device = host.emulators[0].open_device()
    reply = device.rpc(Scope.CONFIGURATION, gsf(), 4096).data()
    entries = layout.RPC_OUT_HEADER + layout.GSF_OUT_SIZE
    assert layout.get(reply, layout.GSF_OUT["num_entries"], base=layout.RPC_OUT_HEADER) == 2
    second = entries + layout.ENTRY_SIZE
    assert reply[second:second + 16] == owned
    assert layout.get(reply, layout.ENTRY["set_feat_size"], base=second) == 0
    flags = layout.get(reply, layout.ENTRY["flags"], base=second)
    assert not flags & layout.FEATURE_FLAGS["CHANGEABLE"]
    assert device.rpc(Scope.DEBUG_WRITE, put(owned), 64).errno == errno.EPERM


def test_get_supported_features_paging() -> None:
    device = CxlTestHost().emulators[0].open_device()
    assert device.rpc(Scope.CONFIGURATION, gsf(start=1), 4096).errno == errno.EINVAL
    none = device.rpc(Scope.CONFIGURATION, gsf(count=layout.ENTRY_SIZE - 1), 4096)
    assert none.ok and none.out_len == layout.RPC_OUT_SIZE + layout.GSF_OUT_SIZE
    assert layout.get(none.data(), layout.RPC_OUT["size"]) == layout.GSF_OUT_SIZE


def test_get_feature_counts_and_device_errors() -> None:
    host = CxlTestHost()
    device = host.emulators[0].open_device()
    assert device.rpc(Scope.CONFIGURATION, get(count=0), 64).errno == errno.EINVAL
    assert device.rpc(Scope.CONFIGURATION, get(count=4), 11).errno == errno.EINVAL
    past = device.rpc(Scope.CONFIGURATION, get(offset=2, count=4), 64)
    assert past.ok and past.out_len == layout.RPC_OUT_SIZE  # the device said INPUT
    reply = past.data()
    assert layout.get(reply, layout.RPC_OUT["size"]) == 0
    assert layout.get(reply, layout.RPC_OUT["retval"]) == layout.RETURN_CODES["INPUT"]
    unknown = device.rpc(Scope.CONFIGURATION, get(feature=bytes(16)), 64).data()
    assert layout.get(unknown, layout.RPC_OUT["retval"]) == layout.RETURN_CODES["UNSUPPORTED"]


def test_set_feature_partial_transfer_is_a_device_error() -> None:
    host = CxlTestHost()
    device = host.emulators[0].open_device()
    before = bytes(host.memdevs[0].features[0].value)
    result = device.rpc(Scope.DEBUG_WRITE, put(flags=layout.DATA_TRANSFER["INITIATE"]), 64)
    assert result.ok
    assert layout.get(result.data(), layout.RPC_OUT["retval"]) == layout.RETURN_CODES["INPUT"]
    assert bytes(host.memdevs[0].features[0].value) == before


def test_short_header_and_op_size_beyond_payload() -> None:
    device = CxlTestHost().emulators[0].open_device()
    assert device.rpc(Scope.CONFIGURATION, bytes(8), 64).errno == errno.EINVAL
    lying = layout.rpc_request(layout.GET_SUPPORTED_FEATURES, bytes(8), op_size=64)
    assert device.rpc(Scope.CONFIGURATION, lying, 64).errno == errno.EINVAL

"""bnxt: info caps by name, raw HWRM hex with req_type and error_code, the no-decoding note."""

from __future__ import annotations

import errno

import pytest

from fwctl_tui.drivers import DriverInputError, plugin_for
from fwctl_tui.ioctl import DeviceInfo

PLUGIN = plugin_for("bnxt")


def test_info_caps_named_from_facts() -> None:
    info = DeviceInfo(device_type=3, device_data=(7).to_bytes(4, "little"),
                      fields={"uctx_caps": 7})
    assert info.type_name == "bnxt"
    assert info.as_dict()["uctx_cap_names"] == [
        "FWCTL_BNXT_INLINE_COMMANDS", "FWCTL_BNXT_QUERY_COMMANDS", "FWCTL_BNXT_SEND_COMMANDS"]


def test_raw_request_and_reply() -> None:
    built = PLUGIN.build("RAW", {"hex": "1800ffff00000000", "response_len": "64"})
    assert built.request == bytes.fromhex("1800ffff00000000") and built.out_len == 64
    assert built.facts["req_type"].startswith("0x0018")
    reply = PLUGIN.decode(built, bytes.fromhex("0400180001000800"))
    assert (reply["req_type"], reply["error_code"]) == (0x18, 4)
    assert "Full HWRM decoding is not offered" in reply["note"]
    assert "128" in PLUGIN.explain(built, errno.EINVAL)


@pytest.mark.parametrize(("values", "field"), [({"hex": "zz"}, "hex"), ({"hex": "18"}, "hex"),
                                               ({"hex": "1800", "tx": "1"}, "tx")])
def test_bad_input(values, field) -> None:
    with pytest.raises(DriverInputError) as info:
        PLUGIN.build("RAW", values)
    assert info.value.field == field

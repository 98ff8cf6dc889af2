"""The presentation layer on hand-made replies: text, signs, BCD, joins, failed replies."""

from __future__ import annotations

from typing import Any

from fwctl_tui.decoders import catalogue, decode_output, encode_output, node_to_json
from fwctl_tui.decoders.present import View, iter_rows, meaning, present
from fwctl_tui.decoders.present_json import view_json


def reply(name: str, values: dict[str, Any]) -> Any:
    cmd = catalogue.find(name)
    return decode_output(cmd, encode_output(cmd, values))


def rows(view: View) -> dict[str, View]:
    return {r.path: r for r in iter_rows(view)}


def test_hostile_psid_is_escaped_and_raw_bytes_stay() -> None:
    psid = b"MT_\x1b[2J\xff"
    root = reply("ACCESS_REG:MGIR", {f"register_data.fw_info.psid[{i}]": b
                                     for i, b in enumerate(psid)})
    view = present(root, is_reply=True)
    shown = rows(view)["register_data.fw_info.psid"]
    assert shown.kind == "text" and shown.shown.text == "MT_\\x1b[2J\\xff"
    data = view_json(present(root, is_reply=True))
    assert data["register_data"]["fw_info"]["psid"][:3] == list(b"MT_")
    raw = rows(present(root, raw=True))
    assert raw["register_data.fw_info.psid[3]"].value == 0x1B


def test_negative_temperature_uses_twos_complement() -> None:
    root = reply("ACCESS_REG:MTMP", {"register_data.temperature": 0xFFE6})  # PRM: -3.25 C
    shown = rows(present(root, is_reply=True))["register_data.temperature"]
    assert shown.shown.value == -3.25 and meaning(shown) == "-3.25 °C"


def test_bcd_date_and_version() -> None:
    root = reply("ACCESS_REG:MGIR", {
        "register_data.fw_info.year": 0x2025, "register_data.fw_info.month": 0x12,
        "register_data.fw_info.day": 0x04, "register_data.fw_info.hour": 0x1743,
        "register_data.fw_info.extended_major": 28, "register_data.fw_info.extended_minor": 39,
        "register_data.fw_info.extended_sub_minor": 1002})
    fw = view_json(present(root, is_reply=True))["register_data"]["fw_info"]
    assert fw["date"] == "2025-12-04 17:43" and fw["version"] == "28.39.1002"
    assert fw["year_text"] == "2025" and fw["year"] == 0x2025


def test_not_bcd_is_said() -> None:
    root = reply("ACCESS_REG:MGIR", {"register_data.fw_info.month": 0x1A})
    fw = view_json(present(root, is_reply=True))["register_data"]["fw_info"]
    assert "not packed BCD" in fw["month_note"] and "date" not in fw


def test_high_low_join_and_the_tree_points_at_both_halves() -> None:
    root = reply("ACCESS_REG:PPCNT", {
        "register_data.grp": "Physical_Layer_Counters",
        "register_data.counter_set.phys_layer_cntrs_ext.symbol_errors_high": 2,
        "register_data.counter_set.phys_layer_cntrs_ext.symbol_errors_low": 7})
    view = present(root, is_reply=True)
    joined = rows(view)["register_data.counter_set.phys_layer_cntrs_ext.symbol_errors"]
    assert joined.kind == "joined" and joined.value == (2 << 32) | 7
    assert joined.width_bits == 64 and all(joined.shows(p) for p in joined.parts)


def test_failed_reply_is_header_only_everywhere() -> None:
    cmd = catalogue.find("ACCESS_REG:PAOS")
    data = bytearray(encode_output(cmd, {"register_data.admin_status": 1}))
    data[0], data[7] = 0x03, 0x42
    root = decode_output(cmd, bytes(data))
    view = present(root, is_reply=True)
    names = [k.name for k in view.children]
    assert names == ["status", "syndrome", "rest of the reply"]
    assert "not valid" in meaning(view.children[-1])
    doc = view_json(view)
    assert doc["data_valid"] is False and doc["syndrome"] == 0x42 and len(doc) == 4
    assert [k.name for k in present(root, raw=True).children][-1] == "register_data"


def test_a_real_field_is_never_hidden_by_an_added_key() -> None:
    root = reply("ACCESS_REG:MTMP", {"register_data.temperature": 8})
    data = view_json(present(root, is_reply=True))["register_data"]
    raw = node_to_json(root)["register_data"]
    assert data["temperature"] == 8 and data["temperature_value"] == 1.0
    assert list(data)[: len(raw)] == list(raw)  # every raw key, first and in order
    assert {k: data[k] for k in raw} == raw


def test_form_fields_say_their_unit() -> None:
    from fwctl_tui.decoders import input_fields

    docs = {f.path: f.doc for f in input_fields(catalogue.find("ACCESS_REG:MTMP"), op_mod=0)}
    assert "Unit: °C (0.125 per count, signed)." in (docs["register_data.temp_threshold_hi"]
                                                      or "")
    assert docs["register_data.sensor_index"] == (
        "Temperature sensor to read (see MTCAP for valid indexes).")  # no unit: unchanged

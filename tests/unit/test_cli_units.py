"""What `send`, `decode` and `describe` show: values in engineer units, strings as text,
64-bit counters joined, and a failed command's reply never decoded as data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers.port_registers import mtmp_celsius

from fwctl_tui.__main__ import main
from fwctl_tui.decoders import catalogue, decode_output, encode_output
from fwctl_tui.decoders.mlx5.link_names import fec_name, speed_names, temperature_c
from fwctl_tui.decoders.present import iter_rows, present
from fwctl_tui.sim.profile import load_profile


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code, out = run(capsys, *argv, "--json")
    return code, json.loads(out)


def row(out: str, field: str) -> str:
    """The table line of `field` (its last path component), as printed."""
    return next(line for line in out.splitlines() if f".{field} " in line or f" {field} " in line)


def test_mgir_json_has_psid_version_and_date_as_strings(capsys) -> None:
    profile = load_profile("bf3")
    code, doc = run_json(capsys, "send", "sim:bf3", "ACCESS_REG:MGIR")
    assert code == 0 and doc["reply"]["data_valid"] is True
    fw = doc["reply"]["register_data"]["fw_info"]
    assert fw["psid_text"] == profile.psid
    assert isinstance(fw["psid"], list) and bytes(fw["psid"]).startswith(profile.psid.encode())
    major, minor, sub = profile.fw_version_tuple
    assert fw["version"] == f"{major}.{minor}.{sub:04d}"
    assert fw["extended_major"] == major  # the raw integers stay for scripts
    assert fw["date"].startswith(profile.fw_date)


def test_mgir_table_shows_text_and_version(capsys) -> None:
    profile = load_profile("bf3")
    code, out = run(capsys, "send", "sim:bf3", "ACCESS_REG:MGIR")
    assert code == 0
    assert f'"{profile.psid}"' in row(out, "psid")
    assert profile.fw_version.split(".")[0] in row(out, "version")


def test_ptys_port_1_link_speed_by_name(capsys) -> None:
    code, doc = run_json(capsys, "send", "sim:cx7", "ACCESS_REG:PTYS", "local_port=1",
                         "proto_mask=Ethernet")
    assert code == 0
    reg = doc["reply"]["register_data"]
    oper = reg["ext_eth_proto_oper"]
    assert reg["ext_eth_proto_oper_names"] == speed_names(oper, extended=True)
    assert reg["ext_eth_proto_oper_value"] == 400 and reg["ext_eth_proto_oper_unit"] == "Gb/s"
    _, out = run(capsys, "send", "sim:cx7", "ACCESS_REG:PTYS", "local_port=1",
                 "proto_mask=Ethernet")
    assert "400GAUI-4" in row(out, "ext_eth_proto_oper") and "400 Gb/s" in out


def cells(line: str) -> list[str]:
    """A table line's cells: offset, bits, field, raw value, meaning."""
    return [cell.strip() for cell in line.strip().strip("│").split("│")]


def test_mtmp_shows_celsius(capsys) -> None:
    """On the simulated sensor (its temperature wanders): the JSON value is the raw count
    in °C, and the table shows that same number, read from its own row's raw count."""
    code, doc = run_json(capsys, "send", "sim:cx7", "ACCESS_REG:MTMP")
    reg = doc["reply"]["register_data"]
    assert code == 0 and reg["temperature_unit"] == "°C"
    assert reg["temperature_value"] == mtmp_celsius(reg["temperature"])
    assert reg["sensor_name_text"] == "ASIC"
    _, out = run(capsys, "send", "sim:cx7", "ACCESS_REG:MTMP")
    _, _, _, raw, shown = cells(row(out, "temperature"))
    count = int(raw.split()[0])  # this run's own count: no second read to race with
    assert shown == f"{mtmp_celsius(count)} °C"  # the PRM's step, not our table


# The sensor's resolution (0.125 °C), trailing zeros dropped but one decimal kept: a whole
# degree reads 57.0 °C, never 57 °C; the JSON `_value` is the same number.
CELSIUS = [(456, 57.0, "57.0 °C"), (452, 56.5, "56.5 °C"), (477, 59.625, "59.625 °C"),
           (0xFFE6, -3.25, "-3.25 °C"), (0, 0.0, "0.0 °C")]


@pytest.mark.parametrize(("raw", "value", "text"), CELSIUS)
def test_celsius_reads_the_same_in_the_table_the_json_and_the_tui(
        capsys, raw: int, value: float, text: str) -> None:
    cmd = catalogue.find("ACCESS_REG:MTMP")
    reply = encode_output(cmd, {"register_data.temperature": raw})
    code, doc = run_json(capsys, "decode", "ACCESS_REG:MTMP", "--out", reply.hex())
    reg = doc["register_data"]
    assert code == 0 and (reg["temperature_value"], reg["temperature_unit"]) == (value, "°C")
    assert f"{reg['temperature_value']} {reg['temperature_unit']}" == text
    _, out = run(capsys, "decode", "ACCESS_REG:MTMP", "--out", reply.hex())
    assert cells(row(out, "temperature"))[-1] == text
    tui = {r.path: r for r in iter_rows(present(decode_output(cmd, reply), is_reply=True))}
    assert tui["register_data.temperature"].shown.text == text  # what the result tree shows


def test_pddr_module_strings_fec_and_raw_power(capsys) -> None:
    code, doc = run_json(capsys, "send", "sim:cx7", "ACCESS_REG:PDDR", "local_port=1",
                         "page_select=Module_Info_Page")
    module = doc["reply"]["register_data"]["page_data"]["pddr_module_info_ext"]
    assert code == 0 and module["vendor_name_text"] == "NVIDIA"
    assert module["temperature_value"] == temperature_c(module["temperature"], register="PDDR")
    assert "no resolution" in module["rx_power_lane0_note"]  # never a guessed unit
    assert "rx_power_lane0_value" not in module
    code, doc = run_json(capsys, "send", "sim:cx7", "ACCESS_REG:PDDR", "local_port=1",
                         "page_select=Operational_Info_Page")
    page = doc["reply"]["register_data"]["page_data"]["pddr_operation_info_page_ext"]
    assert page["fec_mode_active_text"] == fec_name(page["fec_mode_active"]) == "RS-544/514"


def test_ppcnt_physical_counters_are_single_64_bit_values(capsys) -> None:
    args = ("send", "sim:cx7", "ACCESS_REG:PPCNT", "local_port=1",
            "grp=Physical_Layer_Counters")
    code, doc = run_json(capsys, *args)
    counters = doc["reply"]["register_data"]["counter_set"]["phys_layer_cntrs_ext"]
    assert code == 0
    high, low = counters["symbol_errors_high"], counters["symbol_errors_low"]
    assert counters["symbol_errors"] == high << 32 | low
    _, out = run(capsys, *args)
    line = row(out, "symbol_errors")
    assert "│ 64 " in line and "symbol_errors_high" not in out and "symbol_errors_low" not in out


def test_enum_labels_beside_raw_integers(capsys) -> None:
    code, doc = run_json(capsys, "send", "sim:cx7", "ACCESS_REG:PAOS", "local_port=1")
    reg = doc["reply"]["register_data"]
    assert code == 0 and reg["oper_status"] == 1 and reg["oper_status_label"] == "up"


def test_missing_qp_status_agrees_with_syndrome_and_nothing_is_decoded(capsys) -> None:
    code, doc = run_json(capsys, "send", "sim:cx7", "QUERY_QP", "qpn=0xabcde")
    assert code == 1 and doc["status_name"] == "BAD_RES_ERR"
    assert "does not exist" in doc["status_text"]
    assert "no object with this number" in doc["syndrome_text"]
    assert doc["reply"]["data_valid"] is False and "qpc" not in doc["reply"]
    assert doc["reply"]["status"] == doc["status"]
    code, out = run(capsys, "send", "sim:cx7", "QUERY_QP", "qpn=0xabcde")
    assert code == 1 and "BAD_RES_ERR" in out and "not valid" in out
    assert "qpc." not in out


def test_decode_of_a_failed_reply_is_header_only(capsys) -> None:
    reply = "05000000" + "0000abcd" + "00" * 8 + "ff" * 16  # header + the PAOS register
    code, doc = run_json(capsys, "decode", "ACCESS_REG:PAOS", "--out", reply)
    assert code == 0 and doc["status"] == 5 and doc["syndrome"] == 0xABCD
    assert doc["data_valid"] is False
    assert "register_data" not in doc


def test_describe_says_units(capsys) -> None:
    code, out = run(capsys, "describe", "ACCESS_REG:MTMP")
    assert code == 0 and "°C (0.125 per count, signed)" in row(out, "temperature")
    assert "blank where the PRM gives no unit" in out
    code, doc = run_json(capsys, "describe", "ACCESS_REG:PTYS")
    units = {f["path"]: f["unit"] for f in doc["output"]["fields"]}
    assert units["register_data.data_rate_oper"] == "Gb/s (0.1 per count)"
    assert units["register_data.ext_eth_proto_oper"].startswith("protocol bitmask")
    assert units["register_data.local_port"] is None  # the PRM states none: shown raw


def test_query_adapter_board_id_is_text(capsys) -> None:
    code, doc = run_json(capsys, "send", "sim:cx7", "QUERY_ADAPTER")
    adapter = doc["reply"]["query_adapter_struct"]
    assert code == 0 and adapter["vsd_contd_psid_text"] == load_profile("cx7").psid

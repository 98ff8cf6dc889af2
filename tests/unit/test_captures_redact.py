"""Redaction: consistent placeholders in the header and inside payload fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.captures import MAC, record_sample

from fwctl_tui.capture_analysis import decoding
from fwctl_tui.capture_analysis.redact import MAC_BASE, Redactor, _set_bits, classify, save_redacted
from fwctl_tui.captures import load_capture, save_as


def fake_fields(exchange) -> decoding.Decoded:
    """Decoded view of the sample's ACCESS_REG reads: a MAC split 16+32 bits and a serial."""
    def field(name: str, bit: int, width: int, data: bytes) -> decoding.Field:
        value = int.from_bytes(data, "big") >> (len(data) * 8 - bit - width) & ((1 << width) - 1)
        if width > 64:
            value = value.to_bytes(width // 8, "big")
        return decoding.Field(name, name, value, bit, width)

    out = decoding.Decoded()
    for side, data in (("input_fields", exchange.request), ("output_fields", exchange.reply)):
        if data is None or len(data) < 48:
            continue
        getattr(out, side).update({
            "reg.mac_47_32": field("mac_47_32", 16 * 8 + 16, 16, data),
            "reg.mac_31_0": field("mac_31_0", 16 * 8 + 32, 32, data),
            "reg.serial_number": field("serial_number", 32 * 8, 128, data),
        })
    return out


def plant(path: Path) -> None:
    """Put the header's MAC and a serial into every ACCESS_REG record's payloads."""
    lines = path.read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        record = json.loads(line)
        for side in ("request", "reply"):
            if record[side] and record["opcode"] == 0x805 and len(record[side]) >= 96:
                data = bytearray.fromhex(record[side])
                data[18:24] = MAC.to_bytes(6, "big")
                data[32:48] = b"MT2301X00042".ljust(16, b"\0")
                record[side] = data.hex()
        out.append(json.dumps(record))
    path.write_text("\n".join(out) + "\n")


def test_same_mac_same_placeholder_in_header_and_payloads(tmp_path: Path, monkeypatch) -> None:
    src, dest = tmp_path / "c.jsonl", tmp_path / "redacted.jsonl"
    record_sample(src, polls=2)
    plant(src)
    monkeypatch.setattr(decoding, "decode", fake_fields)
    save_redacted(src, dest)
    text = dest.read_text()
    assert "b8:ce:f6:12:34:56" not in text and "lab-host-7" not in text
    assert "MT_0000000838" not in text and MAC.to_bytes(6, "big").hex() not in text
    assert b"MT2301X00042".hex() not in text
    with load_capture(dest) as capture:
        header = capture.header
        exchanges = list(capture.exchanges())
    assert header["redacted"]["classes"] == ["host", "mac", "psid", "serial"]
    assert header["redacted"]["distinct_values"]["mac"] == 1
    assert header["device"]["info"]["mac"] == "02:00:00:00:00:01"
    assert header["device"]["psid"] == "PSID-1"
    assert header["host"] == "HOST-1"
    placeholder = (MAC_BASE + 1).to_bytes(6, "big")
    reads = [ex for ex in exchanges if ex.opcode == 0x805 and ex.reply is not None]
    assert len(reads) == 2
    for ex in reads:
        for data in (ex.request, ex.reply):
            assert data[18:24] == placeholder
            assert data[32:48] == b"SERIAL-1".ljust(16, b"\0")
    # everything that is not an identifier is untouched
    with load_capture(src) as original:
        before = [ex for ex in original.exchanges() if ex.opcode == 0x805 and ex.reply]
    assert [ex.reply[:18] + ex.reply[48:] for ex in reads] == [
        ex.reply[:18] + ex.reply[48:] for ex in before]


def test_distinct_values_get_distinct_placeholders() -> None:
    redactor = Redactor()
    assert redactor.placeholder("mac", 1) == MAC_BASE + 1
    assert redactor.placeholder("mac", 2) == MAC_BASE + 2
    assert redactor.placeholder("mac", 1) == MAC_BASE + 1
    assert redactor.placeholder("serial", "A") == "SERIAL-1"
    assert redactor.placeholder("serial", "B") == "SERIAL-2"


@pytest.mark.parametrize(
    ("name", "cls"),
    [("permanent_address_47_32", "mac"), ("mac_addr", "mac"), ("node_guid", "guid"),
     ("serial_number", "serial"), ("psid", "psid"), ("board_id", "board_id"),
     ("host", "host"), ("local_port", None), ("machine", None)],
)
def test_field_classes(name: str, cls: str | None) -> None:
    assert classify(name) == cls


def test_set_bits_writes_only_the_field() -> None:
    buf = bytearray(b"\xff" * 4)
    _set_bits(buf, 4, 12, 0)
    assert buf == bytearray(b"\xf0\x00\xff\xff")
    _set_bits(buf, 4, 12, 0xABC)
    assert buf == bytearray(b"\xfa\xbc\xff\xff")


def test_plain_save_is_not_marked_redacted(tmp_path: Path) -> None:
    src = tmp_path / "c.jsonl"
    record_sample(src, polls=1)
    with load_capture(save_as(src, tmp_path / "copy.jsonl")) as capture:
        assert capture.header["redacted"] is False


SAMPLES = Path(__file__).parents[2] / "captures"


def test_real_payload_fields_share_the_header_placeholders(tmp_path: Path) -> None:
    """The bring-up sample: NIC vport MACs/GUIDs and MGIR's PSID match the header's."""
    dest = save_redacted(SAMPLES / "01-bring-up.jsonl", tmp_path / "shared.jsonl")
    with load_capture(dest) as capture:
        header = capture.header
        by_command = {ex.command: ex for ex in capture.exchanges()}
    info = header["device"]["info"]
    assert info["mac"] == "02:00:00:00:00:01" and info["node_guid"] == "0x0200000000000001"
    assert header["redacted"]["distinct_values"]["mac"] == 1
    vport = decoding.values(decoding.decode(by_command["QUERY_NIC_VPORT_CONTEXT"]).output_fields)
    assert vport["nic_vport_context.permanent_address.mac_addr_47_32"] == 0x0200
    assert vport["nic_vport_context.permanent_address.mac_addr_31_0"] == 1
    assert vport["nic_vport_context.current_uc_mac_address[0]"] == MAC_BASE + 1
    assert vport["nic_vport_context.node_guid"] == 0x0200000000000001
    mgir = decoding.values(decoding.decode(by_command["ACCESS_REG:MGIR"]).output_fields)
    psid = bytes(v for k, v in mgir.items() if ".psid[" in k).rstrip(b"\0")
    assert psid.decode() == header["device"]["psid"] == "PSID-1"
    assert "MT_0000000834" not in dest.read_text()


# -- identifiers inside payloads: a capture recorded from the simulator ---------------------
def identity_session(path: Path, profile: str) -> dict[str, list[str]]:
    """Record the reads that carry identifiers; return them in their text forms."""
    from tools.make_samples import Lab

    lab = Lab(path, profile)
    module = {"module": 0, "i2c_device_address": 0x50, "size": 128}
    for name, values in [
        ("QUERY_VUID", {}),
        ("ACCESS_REG:PDDR", {"local_port": 1, "page_select": 3}),  # module info: vendor_sn
        ("ACCESS_REG:MCIA", {**module, "device_address": 0}),
        ("ACCESS_REG:MCIA", {**module, "device_address": 128}),  # vendor serial area
        ("ACCESS_REG:MCIA", {**module, "device_address": 160, "size": 48}),  # no id byte
        ("QUERY_HCA_VPORT_GID", {"port_num": 1}),  # link-local GID: EUI-64 of the MAC
        ("QUERY_ROCE_ADDRESS", {"roce_address_index": 0}),
        ("QUERY_ROCE_ADDRESS", {"roce_address_index": 2}),  # IPv4-mapped
        ("QUERY_HCA_VPORT_CONTEXT", {"port_num": 1}),
        ("QUERY_NIC_VPORT_CONTEXT", {}),
        ("ACCESS_REG:MGIR", {}),
        ("QUERY_ADAPTER", {}),
        ("ACCESS_REG:PPCNT", {"local_port": 1, "grp": 0}),
    ]:
        lab.send(name, values)
    lab.close()
    card = lab.host.profile
    port = card.ports[0]
    return {
        "text": [card.serial, card.psid, port.module.serial, "trainee-lab"],
        "mac": [port.mac],
        "guid": [port.node_guid, card.system_image_guid],
        "vendor": [port.module.vendor],
    }


def leaks(text: str, identifiers: dict[str, list[str]]) -> list[str]:
    """Every form of every identifier found in the file's raw text, in either case."""
    forms = []
    for value in identifiers["text"]:
        forms += [value, value.encode().hex()]
    for mac in identifiers["mac"]:
        raw = bytes.fromhex(mac.replace(":", ""))
        eui = bytes([raw[0] ^ 2]) + raw[1:3] + b"\xff\xfe" + raw[3:]
        forms += [mac, raw.hex(), eui.hex()]
    for guid in identifiers["guid"]:
        forms += [guid, guid.removeprefix("0x")]
    lower = text.lower()
    return sorted({form for form in forms if form.lower() in lower})


@pytest.mark.parametrize("profile", ["cx7", "cx6dx"])
@pytest.mark.parametrize("header", ["full", "bare"])
def test_no_identifier_survives_export_redact(tmp_path: Path, profile: str, header: str,
                                             capsys) -> None:
    """VUID (board serial), PDDR vendor_sn, the EEPROM's serial area, link-local GIDs, vport
    GUIDs, MGIR PSID: none of it, in any encoding, is left in a redacted export. `bare`
    strips the header's copies, so the field layer has to find each one by itself."""
    from fwctl_tui.__main__ import main

    src, dest = tmp_path / "ids.jsonl", tmp_path / "shared.jsonl"
    identifiers = identity_session(src, profile)
    if header == "bare":
        lines = src.read_text().splitlines()
        head = json.loads(lines[0])
        head["device"].update(psid=None, serial=None, info={"uid": 2})
        src.write_text("\n".join([json.dumps(head), *lines[1:]]) + "\n")
    original = src.read_text()
    assert len(leaks(original, identifiers)) >= 6  # the capture does hold them
    assert main(["export", str(src), str(dest), "--redact"]) == 0
    capsys.readouterr()
    text = dest.read_text()
    assert leaks(text, identifiers) == []
    with load_capture(dest) as capture:
        note = capture.header["redacted"]
        records = list(capture.exchanges())
    assert {"host", "mac", "guid", "gid", "psid", "serial"} <= set(note["classes"])
    assert "vuid" in note["classes"] or profile != "cx7"
    assert "EUI-64" in note["method"]
    by_command: dict[str, list] = {}
    for ex in records:
        by_command.setdefault(ex.command, []).append(ex)
    with load_capture(src) as capture:
        before = {ex.command: ex for ex in capture.exchanges()}
    # The placeholders agree: the GID is fe80:: + EUI-64 of the MAC's placeholder.
    gid = decoding.values(decoding.decode(by_command["QUERY_HCA_VPORT_GID"][0]).output_fields)
    gid_bytes = bytes(gid[f"gid[0].array128_auto[{i}]"] for i in range(16))
    assert gid_bytes.hex() == "fe80000000000000" + "000000fffe000001"
    roce = decoding.values(decoding.decode(by_command["QUERY_ROCE_ADDRESS"][0]).output_fields)
    assert (roce["roce_address.source_mac_47_32"], roce["roce_address.source_mac_31_0"]) == (
        0x0200, 1)
    mapped = by_command["QUERY_ROCE_ADDRESS"][1].reply
    assert mapped is not None and bytes([192, 0, 2, 1]) in mapped  # 192.0.2.N
    # What is not an identifier is left alone: counters, vendor name, temperature.
    assert by_command["ACCESS_REG:PPCNT"][0].reply == before["ACCESS_REG:PPCNT"].reply
    eeprom = by_command["ACCESS_REG:MCIA"][1].reply or b""
    assert identifiers["vendor"][0].encode() in eeprom and b"SERIAL-" in eeprom


def test_byte_search_catches_identifiers_the_decoders_cannot_see(tmp_path: Path) -> None:
    """A record outside the catalogue carrying the header's serial (ASCII), MAC (binary and
    EUI-64) and GUID: the byte layer replaces each with the same placeholder the header
    got, and the record's detail text too."""
    src, dest = tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    record_sample(src, polls=1)
    lines = src.read_text().splitlines()
    head = json.loads(lines[0])
    head["device"]["info"].update(serial="MT2301X00042", node_guid="b8cef60300123456")
    mac = MAC.to_bytes(6, "big")
    eui = bytes([mac[0] ^ 2]) + mac[1:3] + b"\xff\xfe" + mac[3:]
    guid = bytes.fromhex("b8cef60300123456")
    payload = bytes(16) + b"MT2301X00042\0\0\0\0" + mac + bytes(2) + eui + guid
    odd = {"type": "rpc", "seq": 9, "scope": "DEBUG_READ_ONLY", "command": "MYSTERY",
           "request": "0999" + "00" * 14, "reply": payload.hex(), "out_cap": len(payload),
           "out_len": len(payload), "detail": "port b8:ce:f6:12:34:56 (MT2301X00042)"}
    src.write_text("\n".join([json.dumps(head), *lines[1:], json.dumps(odd)]) + "\n")
    save_redacted(src, dest)
    text = dest.read_text()
    for form in ("MT2301X00042", b"MT2301X00042".hex(), mac.hex(), eui.hex(), guid.hex(),
                 "b8:ce:f6:12:34:56"):
        assert form not in text
    with load_capture(dest) as capture:
        mystery = next(ex for ex in capture.exchanges() if ex.command == "MYSTERY")
        info = capture.header["device"]["info"]
    assert info["serial"] == "SERIAL-1" and info["mac"] == "02:00:00:00:00:01"
    reply = mystery.reply or b""
    assert reply[16:32] == b"SERIAL-1".ljust(16, b"\0")
    placeholder = (MAC_BASE + 1).to_bytes(6, "big")
    assert reply[32:38] == placeholder
    assert reply[40:48] == bytes([0]) + placeholder[1:3] + b"\xff\xfe" + placeholder[3:]
    assert reply[48:56] == (0x0200000000000001).to_bytes(8, "big")
    assert mystery.detail == "port 02:00:00:00:00:01 (SERIAL-1)"


@pytest.mark.parametrize(
    ("name", "cls"),
    [("vendor_sn", "serial"), ("vuid", "vuid"), ("query_vuid", None), ("gid", "gid"),
     ("source_l3_address", "gid"), ("rgid_rip", "gid"), ("gid_index", None),
     ("gids_num", None), ("system_image_guid", "guid"), ("source_mac_47_32", "mac"),
     ("dmac_15_0", "mac"), ("a_mac_control_frames_received_high", None),
     ("vsd_vendor_id", None), ("nic_vport_node_guid_modify", None), ("match_psid", None),
     ("vsd_contd_psid", "psid")],
)
def test_more_field_classes(name: str, cls: str | None) -> None:
    assert classify(name) == cls

"""Redaction: consistent placeholders in the header and inside payload fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.captures import MAC, record_sample

from fwctl_tui.captures import decoding, load_capture, save_as
from fwctl_tui.captures.redact import MAC_BASE, Redactor, _set_bits, classify


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
    save_as(src, dest, redact=True)
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
    assert header["device"]["psid"] == header["device"]["info"]["psid"] == "PSID-1"
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
    dest = save_as(SAMPLES / "01-bring-up.jsonl", tmp_path / "shared.jsonl", redact=True)
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

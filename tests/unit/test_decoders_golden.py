"""Golden buffers built by hand at known offsets (checked against the PRM/kernel layouts)."""

from __future__ import annotations

from fwctl_tui.decoders import catalogue, decode_output, encode_input, find_node, node_to_json


def put(buf: bytearray, byte: int, value: int, size: int) -> None:
    buf[byte:byte + size] = value.to_bytes(size, "big")


def test_query_hca_cap_general_page() -> None:
    """cmd_hca_cap starts at byte 16 of the reply; offsets below are page-relative bits."""
    cmd = catalogue.find("QUERY_HCA_CAP")
    out = bytearray(4112)
    out[0] = 0x00  # status OK
    put(out, 4, 0, 4)  # syndrome
    page = 16
    put(out, page + 6, 0x0042, 2)  # vhca_id: bits 48..63
    out[page + 19] = 0x12  # log_max_qp: bits 155..159 = low 5 bits of byte 19
    out[page + 27] = 0x11  # log_max_cq: bits 219..223 = low 5 bits of byte 27
    out[page + 29] = 0x18  # log_max_mkey: bits 234..239 = low 6 bits of byte 29
    out[page + 31] = 0x07  # log_max_eq: bits 252..255 = low 4 bits of byte 31
    out[page + 54] = 0x01  # port_type: bits 438..439 = low 2 bits of byte 54 (1 = ETH)
    out[page + 55] = 0x02  # num_ports: bits 440..447 = byte 55
    out[page + 67] = 0x04  # roce: bit 541 = bit 5 of byte 67 (mask 0x04)
    put(out, page + 128, 0x0000_0001_0000_2000, 8)  # general_obj_types: bits 1024..1087
    put(out, page + 212, 0x0000_0004, 4)  # uctx_cap: bits 1696..1727
    request = encode_input(cmd, {"op_mod": "GENERAL/current"})
    root = decode_output(cmd, bytes(out), request)
    cap = node_to_json(root)["capability"]["cmd_hca_cap"]
    assert cap["vhca_id"] == 0x42
    assert cap["log_max_qp"] == 18
    assert cap["log_max_cq"] == 17
    assert cap["log_max_mkey"] == 24
    assert cap["log_max_eq"] == 7
    assert cap["port_type"] == 1
    assert cap["num_ports"] == 2
    assert cap["roce"] == 1
    assert cap["general_obj_types"] == 0x0000_0001_0000_2000
    assert cap["uctx_cap"] == 4
    port_type = find_node(root, "capability.cmd_hca_cap.port_type")
    assert port_type is not None and port_type.label == "ETH"
    assert port_type.bit_offset == 128 + 438 and port_type.width_bits == 2
    status = find_node(root, "status")
    assert status is not None and status.label == "OK"


def test_ppcnt_ieee_802_3_group() -> None:
    """PPCNT: local_port byte 1, grp low 6 bits of byte 3, counter_set from byte 8."""
    cmd = catalogue.find("ACCESS_REG:PPCNT")
    out = bytearray(16 + 256)
    reg = 16
    out[reg + 1] = 1  # local_port
    out[reg + 3] = 0  # grp = IEEE 802.3
    counters = reg + 8
    put(out, counters + 0, 0x1, 4)  # a_frames_transmitted_ok_high
    put(out, counters + 4, 0x2345_6789, 4)  # a_frames_transmitted_ok_low
    put(out, counters + 12, 1000, 4)  # a_frames_received_ok_low
    put(out, counters + 20, 7, 4)  # a_frame_check_sequence_errors_low
    tree = node_to_json(decode_output(cmd, bytes(out)))
    data = tree["register_data"]
    assert data["local_port"] == 1 and data["grp"] == 0
    group = data["counter_set"]["eth_802_3_cntrs_grp_data_layout_ext"]
    assert group["a_frames_transmitted_ok_high"] == 1
    assert group["a_frames_transmitted_ok_low"] == 0x2345_6789
    assert group["a_frames_received_ok_low"] == 1000
    assert group["a_frame_check_sequence_errors_low"] == 7
    # the same bytes with grp = 18 are read as physical-layer counters instead
    out[reg + 3] = 18
    other = node_to_json(decode_output(cmd, bytes(out)))["register_data"]["counter_set"]
    assert list(other) == ["phys_layer_cntrs_ext"]


def test_mgir_reply() -> None:
    """MGIR: hw_info at register byte 0 (device_id bytes 2..3), fw_info at byte 32."""
    cmd = catalogue.find("ACCESS_REG:MGIR")
    out = bytearray(16 + 160)
    reg = 16
    put(out, reg + 0, 0x0000, 2)  # device_hw_revision
    put(out, reg + 2, 0x101D, 2)  # device_id
    fw = reg + 32
    out[fw + 1] = 22  # major
    out[fw + 2] = 39  # minor
    out[fw + 3] = 100  # sub_minor
    put(out, fw + 4, 0xBEEF, 4)  # build_id
    root = decode_output(cmd, bytes(out))
    tree = node_to_json(root)["register_data"]
    assert tree["hw_info"]["device_id"] == 0x101D
    assert (tree["fw_info"]["major"], tree["fw_info"]["minor"], tree["fw_info"]["sub_minor"]) == (
        22, 39, 100)
    assert tree["fw_info"]["build_id"] == 0xBEEF
    node = find_node(root, "register_data.fw_info.major")
    assert node is not None and node.bit_offset == (16 + 33) * 8 and node.access == "RO"


def test_failed_reply_status() -> None:
    cmd = catalogue.find("QUERY_QP")
    out = bytearray(16)
    out[0] = 0x03
    put(out, 4, 0x1234ABCD, 4)
    root = decode_output(cmd, bytes(out))
    status = find_node(root, "status")
    assert status is not None and status.value == 3 and status.label == "BAD_PARAM_ERR"
    assert node_to_json(root)["syndrome"] == 0x1234ABCD

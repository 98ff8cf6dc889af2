"""Layout engine behaviour: union contexts, pages, sizes, short buffers and bad input."""

from __future__ import annotations

import pytest

from fwctl_tui.decoders import (
    DecodeError,
    EncodeError,
    catalogue,
    decode_input,
    decode_layout,
    decode_output,
    encode_input,
    encode_layout,
    encode_output,
    find_node,
    iter_leaves,
    node_to_json,
    output_size,
    parse_hex,
    reply_buffer_size,
)
from fwctl_tui.decoders.engine import decode_layout_in, encode_layout_in
from fwctl_tui.decoders.layout import LayoutSet
from fwctl_tui.decoders.values import flatten


def test_query_hca_cap_page_follows_op_mod() -> None:
    cmd = catalogue.find("QUERY_HCA_CAP")
    out = bytes(4112)
    assert list(node_to_json(decode_output(cmd, out))["capability"]) == ["cmd_hca_cap"]
    roce_max = encode_input(cmd, {"op_mod": "ROCE/max"})
    assert roce_max[6:8] == (4 << 1).to_bytes(2, "big")
    assert list(node_to_json(decode_output(cmd, out, roce_max))["capability"]) == ["roce_cap"]
    general2 = encode_input(cmd, {}, op_mod=cmd.op_mods and 65)
    assert list(node_to_json(decode_output(cmd, out, general2))["capability"]) == ["cmd_hca_cap_2"]
    # a page the reference lacks (PSP) stays raw
    psp = encode_input(cmd, {"op_mod": "PSP/current"})
    assert isinstance(node_to_json(decode_output(cmd, out, psp))["capability"], str)


def test_query_other_hca_cap_lays_the_page_over_its_slot() -> None:
    cmd = catalogue.find("QUERY_OTHER_HCA_CAP")
    assert output_size(cmd) == 16 + 256
    reply = encode_output(cmd, {"other_capability.cmd_hca_cap.log_max_qp": 9})
    assert len(reply) == 272
    tree = node_to_json(decode_output(cmd, reply))
    assert tree["other_capability"]["cmd_hca_cap"]["log_max_qp"] == 9


def test_set_hca_cap_input_carries_the_page() -> None:
    cmd = catalogue.find("SET_HCA_CAP")
    data = encode_input(cmd, {"op_mod": "ROCE", "capability.roce_cap.roce_apm": 1})
    assert len(data) == 4112 and data[6:8] == (8).to_bytes(2, "big")
    assert node_to_json(decode_input(cmd, data))["capability"]["roce_cap"]["roce_apm"] == 1


def test_access_reg_register_from_register_id() -> None:
    base = catalogue.find("ACCESS_REG")
    data = encode_input(base, {"register_id": "PAOS", "register_data.local_port": 2})
    assert int.from_bytes(data[10:12], "big") == 0x5006 and len(data) == 16 + 16
    tree = node_to_json(decode_input(base, data))
    assert tree["register_data"]["local_port"] == 2
    reply = bytes(16) + bytes([0, 2, 0, 0x11]) + bytes(12)
    assert node_to_json(decode_output(base, reply, data))["register_data"]["oper_status"] == 1
    # without the request the reply's register is unknown: raw dwords
    assert node_to_json(decode_output(base, reply))["register_data"][0] == 0x00020011


def test_unbound_access_reg_asks_for_the_register() -> None:
    with pytest.raises(EncodeError, match="register_id=PPCNT"):
        encode_input(catalogue.find("ACCESS_REG"), {"register_data.local_port": 1})


def test_bound_register_paths_and_offsets() -> None:
    cmd = catalogue.find("ACCESS_REG:PPCNT")
    data = encode_input(cmd, {"local_port": 1, "grp": "Per_Priority_Counters", "prio_tc": 3})
    assert len(data) == 16 + 256
    root = decode_input(cmd, data)
    node = find_node(root, "register_data.local_port")
    assert node is not None and node.bit_offset == 128 + 8 and node.value == 1
    grp = find_node(root, "register_data.grp")
    assert grp is not None and grp.label == "Per_Priority_Counters" and grp.access == "INDEX"
    page = find_node(root, "register_data.counter_set")
    assert page is not None and page.label == "eth_per_prio_grp_data_layout_ext"


def test_register_page_chosen_by_member_name_sets_the_selector() -> None:
    cmd = catalogue.find("ACCESS_REG:PPCNT")
    reply = encode_output(cmd, {
        "register_data.counter_set.phys_layer_cntrs_ext.symbol_errors_low": 5})
    assert len(reply) == 272
    tree = node_to_json(decode_output(cmd, reply))
    assert tree["register_data"]["grp"] == 18
    assert tree["register_data"]["counter_set"]["phys_layer_cntrs_ext"]["symbol_errors_low"] == 5
    with pytest.raises(EncodeError, match="grp"):
        encode_output(cmd, {"register_data.grp": 0,
                            "register_data.counter_set.phys_layer_cntrs_ext.symbol_errors_low": 1})
    with pytest.raises(EncodeError, match="no page named"):
        encode_output(cmd, {"register_data.counter_set.nope.x": 1})


def test_conditional_pages() -> None:
    values = {"port_type": "Network_Port", "version": "prod_7nm"}
    root = decode_layout("sltp_reg_ext", encode_layout("sltp_reg_ext", values))
    page = find_node(root, "page_data")
    assert page is not None and page.label == "sltp_7nm_ext"
    values["version"] = "prod_5nm"
    root = decode_layout("sltp_reg_ext", encode_layout("sltp_reg_ext", values))
    assert find_node(root, "page_data").label == "sltp_5nm_ext"  # type: ignore[union-attr]


def test_nested_selector_inside_a_page() -> None:
    cmd = catalogue.find("ACCESS_REG:PDDR")
    reply = encode_output(cmd, {"register_data.page_select": "Operational_info_page",
                                "register_data.page_data.pddr_operation_info_page_ext."
                                "proto_active": 4})
    page = node_to_json(decode_output(cmd, reply))["register_data"]["page_data"]
    info = page["pddr_operation_info_page_ext"]
    assert info["proto_active"] == 4
    assert list(info["link_active"]) == ["pddr_link_active_eth_ext"]


def test_general_object_uses_the_query_form() -> None:
    cmd = catalogue.find("QUERY_GENERAL_OBJECT")
    data = encode_input(cmd, {"obj_type": "VIRTIO_NET_Q", "obj_id": 7,
                              "op_param.query.obj_offset": 3})
    tree = node_to_json(decode_input(cmd, data))
    assert tree["op_param"] == {"query": {"alias_object": 0, "obj_offset": 3}}
    assert tree["obj_id"] == 7
    with pytest.raises(EncodeError, match="no op_mod"):
        encode_input(cmd, {"op_mod": 1})


def test_flexible_arrays_follow_the_buffer() -> None:
    cmd = catalogue.find("QUERY_DIAGNOSTIC_COUNTERS")
    reply = encode_output(cmd, {"diag_counter[1].counter_id": 0x42, "diag_counter[1].sample_id": 2})
    assert len(reply) == 16 + 2 * 16
    tree = node_to_json(decode_output(cmd, reply))
    assert [c["counter_id"] for c in tree["diag_counter"]] == [0, 0x42]


def test_generic_mailbox_shows_header_and_raw_payload() -> None:
    cmd = catalogue.find("QUERY_UCTX")
    data = encode_input(cmd, {"payload": "0x00000005"})
    assert data[:2] == (0xA05).to_bytes(2, "big") and len(data) == 16
    tree = node_to_json(decode_input(cmd, data))
    assert tree["opcode"] == 0xA05 and tree["payload"] == "0x" + "00000005".ljust(16, "0")
    unknown = catalogue.generic_command(0x999)
    assert node_to_json(decode_input(unknown, bytes.fromhex("0999") + bytes(10)))["opcode"] == 0x999


def test_short_buffers_decode_what_is_there() -> None:
    cmd = catalogue.find("QUERY_HCA_CAP")
    root = decode_output(cmd, bytes(20))
    leaves = list(iter_leaves(root))
    assert leaves[0].path == "status" and not leaves[0].missing
    missing = [leaf for leaf in leaves if leaf.missing]
    assert missing and all(leaf.value is None for leaf in missing)
    assert all(leaf.bit_offset + leaf.width_bits > 160 for leaf in missing)
    tree = node_to_json(root)
    assert tree["capability"]["cmd_hca_cap"]["log_max_qp"] is None
    assert node_to_json(decode_output(cmd, b"")) ["status"] is None


def test_wide_fields_are_bytes_and_hex_strings() -> None:
    """No catalogue leaf is wider than 64 bits today, so check the engine on its own table."""
    table = {"t": {"size": 256, "fields": [
        {"n": "wide", "o": 0, "w": 128, "k": "int"},
        {"n": "odd", "o": 131, "w": 100, "k": "int"},
        {"n": "small", "o": 248, "w": 8, "k": "int", "e": "E"}]}}
    lset = LayoutSet.from_tables(table, {"E": {"seven": 7}})
    data = bytes(range(1, 33))
    root = decode_layout_in(lset, "t", data)
    wide, odd, small = root.children
    assert wide.value == data[:16] and isinstance(odd.value, bytes) and len(odd.value) == 13
    assert small.value == 32 and small.label is None
    tree = node_to_json(root)
    assert tree["wide"] == "0x" + data[:16].hex() and tree["odd"].startswith("0x")
    again = encode_layout_in(lset, "t", tree)
    assert node_to_json(decode_layout_in(lset, "t", again)) == tree
    assert encode_layout_in(lset, "t", {"small": "seven"})[-1] == 7


def test_roce_address_arrays_are_lists() -> None:
    tree = node_to_json(decode_output(catalogue.find("QUERY_ROCE_ADDRESS"), bytes(range(48))))
    assert tree["roce_address"]["source_l3_address"] == list(range(16, 32))
    assert tree["syndrome"] == 0x04050607


def test_encode_errors_name_the_field() -> None:
    cmd = catalogue.find("ACCESS_REG:PPCNT")
    with pytest.raises(EncodeError, match="local_port") as err:
        encode_input(cmd, {"local_prot": 1})
    assert "did you mean" in str(err.value) and err.value.field == "local_prot"
    with pytest.raises(EncodeError, match=r"register_data\.local_port.*8 bits.*max 255"):
        encode_input(cmd, {"local_port": 256})
    with pytest.raises(EncodeError, match="not a number"):
        encode_input(cmd, {"grp": "no_such_group"})
    with pytest.raises(EncodeError, match="does not fit"):
        encode_input(cmd, {"local_port": -1})
    with pytest.raises(EncodeError, match="bound to PPCNT"):
        encode_input(cmd, {"register_id": 0x5006})
    with pytest.raises(EncodeError, match="opcode"):
        encode_input(cmd, {"opcode": 1})
    with pytest.raises(EncodeError, match="op_mod"):
        encode_input(cmd, {"op_mod": "sideways"})
    with pytest.raises(EncodeError, match="is a struct"):
        encode_input(cmd, {"register_data": 5})


def test_ambiguous_shorthand_is_refused() -> None:
    cmd = catalogue.find("ACCESS_REG:MGIR")
    with pytest.raises(EncodeError, match=r"ambiguous.*fw_info\.major"):
        encode_output(cmd, {"major": 1})
    reply = encode_output(cmd, {"fw_info.major": 22})
    assert node_to_json(decode_output(cmd, reply))["register_data"]["fw_info"]["major"] == 22


def test_parse_hex_points_at_the_problem() -> None:
    assert parse_hex("0x01 02:03_04\n") == bytes([1, 2, 3, 4])
    with pytest.raises(DecodeError, match=r"character 5.*byte 2") as err:
        parse_hex("0102zz")
    assert err.value.position == 4
    with pytest.raises(DecodeError, match="odd number of hex digits"):
        parse_hex("012")


def test_flatten_accepts_the_json_shape() -> None:
    nested = {"a": {"b": 1, "c": [2, {"d": 3}]}, "e[1]": 4}
    assert flatten(nested) == {"a.b": 1, "a.c[0]": 2, "a.c[1].d": 3, "e[1]": 4}


def test_unknown_layout_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="unknown layout"):
        decode_layout("no_such_layout", b"")


def test_construct_envelopes_agree_with_the_engine() -> None:
    import random

    from fwctl_tui.decoders.mlx5.envelope import parse_reply_header, parse_request_header

    rng = random.Random(4)
    cmd = catalogue.generic_command(0x999)
    for _ in range(20):
        buf = rng.randbytes(16)
        tree = node_to_json(decode_input(cmd, buf))
        assert parse_request_header(buf) == {k: tree[k] for k in ("opcode", "uid", "op_mod")}
        out = node_to_json(decode_output(cmd, buf))
        assert parse_reply_header(buf) == {"status": out["status"], "syndrome": out["syndrome"]}
    with pytest.raises(DecodeError, match="needs 16"):
        parse_reply_header(bytes(7))


def test_open_ended_flex_element_is_decoded_once() -> None:
    """A flexible array of structs that end in their own flexible tail holds one element
    (the tail takes the rest); decoding a 4 KB reply must not explode into 1M nodes."""
    from fwctl_tui.decoders import catalogue, decode_output, node_to_json

    cmd = catalogue.find("QUERY_PACKET_REFORMAT_CONTEXT")
    doc = node_to_json(decode_output(cmd, bytes(4096)))
    contexts = doc["packet_reformat_context"]
    assert len(contexts) == 1
    assert len(contexts[0]["more_reformat_data"]) == 4096 - 28 - 8


@pytest.mark.parametrize(("obj_type", "member"), [
    ("VIRTIO_NET_Q", "virtio_net_q_object"), ("VIRTIO_Q_COUNTERS", "virtio_q_counters"),
    ("SAMPLER", "sampler_obj"), ("IPSEC", "ipsec_obj"), ("MACSEC", "macsec_offload_obj"),
    ("PAGE_TRACK", "page_track"),
])
def test_general_object_reply_layout_follows_obj_type(obj_type: str, member: str) -> None:
    cmd = catalogue.find("QUERY_GENERAL_OBJECT")
    request = encode_input(cmd, {"obj_type": obj_type, "obj_id": 5})
    reply = encode_output(cmd, {"obj_id": 5, f"object.{member}.modify_field_select": 3},
                          in_=request)
    tree = node_to_json(decode_output(cmd, reply, request))
    assert list(tree["object"]) == [member]
    assert tree["object"][member]["modify_field_select"] == 3 and tree["obj_id"] == 5
    assert reply_buffer_size(cmd, request) >= len(reply)


def test_general_object_of_another_type_is_raw_with_room() -> None:
    from fwctl_tui.decoders.mlx5.codec import TAIL_ROOM

    cmd = catalogue.find("QUERY_GENERAL_OBJECT")
    request = encode_input(cmd, {"obj_type": "QP", "obj_id": 5})
    reply = bytes(16) + bytes(range(40))
    assert node_to_json(decode_output(cmd, reply, request))["object"] == "0x" + bytes(
        range(40)).hex()
    assert reply_buffer_size(cmd, request) >= 16 + TAIL_ROOM
    assert cmd.note is not None and "VIRTIO_NET_Q" in cmd.note and "raw" in cmd.note


def test_unknown_register_id_leaves_register_data_raw() -> None:
    cmd = catalogue.find("ACCESS_REG")
    request = bytes.fromhex("0805000000000001" "00001234" "00000000") + b"\xaa" * 6
    tree = node_to_json(decode_input(cmd, request))
    assert tree["register_data"] == "0x" + "aa" * 6
    known = encode_input(cmd, {"register_id": "PAOS", "local_port": 1})
    assert node_to_json(decode_input(cmd, known))["register_data"]["local_port"] == 1

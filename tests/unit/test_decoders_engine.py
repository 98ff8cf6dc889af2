"""Layout engine behaviour: union contexts, pages, sizes, short buffers and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from fwctl_tui.decoders import (
    DecodeError,
    EncodeError,
    catalogue,
    decode_input,
    decode_layout,
    decode_output,
    describe_fields,
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
from fwctl_tui.decoders.node import node_at_bit
from fwctl_tui.decoders.plan import compile_plan
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


def test_query_other_hca_cap_reply_is_the_other_hca_cap_struct() -> None:
    """768-bit reply: header, then other_hca_cap (roce at bit 0); no capability pages."""
    cmd = catalogue.find("QUERY_OTHER_HCA_CAP")
    assert dict(cmd.op_mods) == {} and cmd.default_op_mod == 0
    assert output_size(cmd) == 96 and reply_buffer_size(cmd) == 96
    reply = encode_output(cmd, {"other_capability.roce": 1})
    assert len(reply) == 96 and reply[16] == 0x80
    # whatever op_mod the request carries, the reply layout stays the same
    for op_mod in (0, 1, 9):
        request = encode_input(cmd, {"function_id": 3, "op_mod": op_mod})
        assert node_to_json(decode_input(cmd, request))["function_id"] == 3
        tree = node_to_json(decode_output(cmd, reply, request))
        assert tree == {"status": 0, "syndrome": 0, "other_capability": {"roce": 1}}
        assert reply_buffer_size(cmd, request) == 96
    out_rows = describe_fields(cmd, "out")
    assert [r["path"] for r in out_rows] == ["status", "syndrome", "other_capability",
                                             "other_capability.roce"]
    with pytest.raises(EncodeError):
        encode_output(cmd, {"other_capability.cmd_hca_cap.log_max_qp": 9})
    assert "QUERY_HCA_CAP" in cmd.summary and "other_function=1" in cmd.summary


def test_query_hca_cap_reads_another_functions_pages() -> None:
    """What the QUERY_OTHER_HCA_CAP help points to: other_function/function_id exist."""
    cmd = catalogue.find("QUERY_HCA_CAP")
    request = encode_input(cmd, {"other_function": 1, "function_id": 5})
    tree = node_to_json(decode_input(cmd, request))
    assert tree["other_function"] == 1 and tree["function_id"] == 5


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


def test_flatten_leaves_out_none_unless_asked_to_keep_it() -> None:
    """None is "not given" to the encoder; a decoded reply's null is a value to show."""
    nested = {"name": None, "flags": [None, "CHANGEABLE"], "empty": [], "id": 0}
    assert flatten(nested) == {"flags[1]": "CHANGEABLE", "id": 0}
    assert flatten(nested, keep_none=True) == {"name": None, "flags[0]": None,
                                               "flags[1]": "CHANGEABLE", "id": 0}


def test_unknown_layout_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="unknown layout"):
        decode_layout("no_such_layout", b"")


def test_mailbox_header_parser_agrees_with_the_engine() -> None:
    import random

    from fwctl_tui.mbox_header import HeaderError, parse_reply, parse_request

    rng = random.Random(4)
    cmd = catalogue.generic_command(0x999)
    for _ in range(20):
        buf = rng.randbytes(16)
        tree = node_to_json(decode_input(cmd, buf))
        head = parse_request(buf)
        assert (head.opcode, head.uid, head.op_mod) == tuple(
            tree[k] for k in ("opcode", "uid", "op_mod"))
        out = node_to_json(decode_output(cmd, buf))
        reply = parse_reply(buf)
        assert (reply.status, reply.syndrome) == (out["status"], out["syndrome"])
    with pytest.raises(HeaderError, match="needs 16"):
        parse_reply(bytes(7))


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


# -- counted flexible arrays and zero-width unions of them (the RQT's RQ list) ----------
LISTS = {
    # a header whose `fmt` picks the list format and `n` counts its entries; the list is a
    # zero-width union of two flexible arrays starting where the header ends
    "hdr": {"size": 64, "fields": [
        {"n": "fmt", "o": 0, "w": 1, "k": "int"},
        {"n": "n", "o": 16, "w": 16, "k": "int"},
        {"n": "items", "o": 64, "w": 0, "k": "union", "t": "items_u",
         "sel": {"f": "fmt", "o": 0, "w": 1, "v": {"0": "narrow", "1": "wide"}},
         "cnt": {"f": "n", "o": 16, "w": 16}}]},
    "items_u": {"size": 0, "union": 1, "fields": [
        {"n": "narrow", "o": 0, "w": 0, "k": "array", "c": 0, "ew": 16, "flex": 1},
        {"n": "wide", "o": 0, "w": 0, "k": "array", "c": 0, "ew": 32, "flex": 1,
         "et": "pair"}]},
    "pair": {"size": 32, "fields": [{"n": "a", "o": 0, "w": 16, "k": "int"},
                                    {"n": "b", "o": 16, "w": 16, "k": "int"}]},
    # a plain flexible array counted by a field of the same struct
    "counted": {"size": 32, "fields": [
        {"n": "n", "o": 24, "w": 8, "k": "int"},
        {"n": "vals", "o": 32, "w": 0, "k": "array", "c": 0, "ew": 8, "flex": 1,
         "cnt": {"f": "n", "o": 24, "w": 8}}]},
}


def _lists() -> LayoutSet:
    return LayoutSet.from_tables(LISTS, {})


def test_counted_flexible_array_shows_the_stated_count_capped_by_the_buffer() -> None:
    lset = _lists()
    assert lset["counted"].by_name["vals"].counted_by is not None
    assert compile_plan(lset, "counted").flexible
    body = bytes([10, 11, 12, 13, 14])
    assert node_to_json(decode_layout_in(lset, "counted", bytes([0, 0, 0, 3]) + body)) == {
        "n": 3, "vals": [10, 11, 12]}
    # more stated than the buffer holds: what is there
    assert node_to_json(decode_layout_in(lset, "counted", bytes([0, 0, 0, 9]) + body))[
        "vals"] == [10, 11, 12, 13, 14]
    assert node_to_json(decode_layout_in(lset, "counted", bytes([0, 0, 0, 0]) + body))[
        "vals"] == []
    # the count field itself cut off: the buffer decides (here: nothing after it)
    assert node_to_json(decode_layout_in(lset, "counted", bytes(2)))["vals"] == []


def test_zero_width_union_of_lists_follows_its_selector_and_count() -> None:
    lset = _lists()
    plan = compile_plan(lset, "hdr")
    assert plan.size == 64 and plan.flexible
    body = bytes(range(1, 13))  # 12 bytes: six narrow or three wide entries
    narrow = decode_layout_in(lset, "hdr", bytes([0, 0, 0, 4]) + bytes(4) + body)
    assert node_to_json(narrow)["items"] == {"narrow": [0x0102, 0x0304, 0x0506, 0x0708]}
    wide = decode_layout_in(lset, "hdr", bytes([0x80, 0, 0, 9]) + bytes(4) + body)
    assert node_to_json(wide)["items"] == {"wide": [
        {"a": 0x0102, "b": 0x0304}, {"a": 0x0506, "b": 0x0708}, {"a": 0x090A, "b": 0x0B0C}]}
    # the plan never depends on the data: both replies decode with the same one
    assert compile_plan(lset, "hdr") is plan
    items = find_node(wide, "items")
    assert items is not None and items.label == "wide" and items.width_bits == 3 * 32
    assert items.children[0].path == "items.wide"
    leaf = node_at_bit(wide, 64 + 32 + 16)
    assert leaf is not None and leaf.path == "items.wide[1].b" and leaf.value == 0x0708
    # a buffer cut before the list: an empty list; before the selector: nothing chosen
    short = node_to_json(decode_layout_in(lset, "hdr", bytes([0, 0, 0, 4])))
    assert short["items"] == {"narrow": []} and short["n"] == 4
    assert node_to_json(decode_layout_in(lset, "hdr", b""))["items"] is None
    # the struct holding the list reaches to the list's end (hex view <-> tree)
    assert wide.width_bits == 64 + 3 * 32 and narrow.width_bits == 64 + 4 * 16


def test_zero_width_union_of_lists_encodes_and_sets_its_selector() -> None:
    lset = _lists()
    data = encode_layout_in(lset, "hdr", {"n": 2, "items.wide[1].b": 7, "items.wide[0].a": 5})
    assert data == bytes([0x80, 0, 0, 2]) + bytes(4) + bytes([0, 5, 0, 0, 0, 0, 0, 7])
    tree = node_to_json(decode_layout_in(lset, "hdr", data))
    assert tree["items"] == {"wide": [{"a": 5, "b": 0}, {"a": 0, "b": 7}]}
    assert encode_layout_in(lset, "hdr", tree) == data
    narrow = encode_layout_in(lset, "hdr", {"n": 1, "items": {"narrow": [0xBEEF]}})
    assert narrow == bytes([0, 0, 0, 1]) + bytes(4) + bytes([0xBE, 0xEF])
    with pytest.raises(EncodeError, match="needs fmt=1"):
        encode_layout_in(lset, "hdr", {"fmt": 0, "items.wide[0].a": 1})
    with pytest.raises(EncodeError, match="several pages"):
        encode_layout_in(lset, "hdr", {"items.wide[0].a": 1, "items.narrow[0]": 1})


RQT_LIST = "rqt_context.rq_num_or_rq_vhca"


def _rqt_reply(fmt: int, actual: int, entries: list[tuple[int, int]], extra: int = 0,
               ) -> tuple[bytes, bytes]:
    cmd = catalogue.find("QUERY_RQT")
    request = encode_input(cmd, {"rqtn": 4})
    values: dict[str, int] = {"rqt_context.rqt_max_size": 256,
                              "rqt_context.rq_vhca_id_format": fmt,
                              "rqt_context.rqt_actual_size": actual}
    for i, (rqn, vhca) in enumerate(entries):
        if fmt:
            values.update({f"{RQT_LIST}.rq_vhca[{i}].rq_num": rqn,
                           f"{RQT_LIST}.rq_vhca[{i}].rq_vhca_id": vhca})
        else:
            values[f"{RQT_LIST}.rq_num[{i}].rq_num"] = rqn
    return request, encode_output(cmd, values, in_=request) + bytes(extra)


def test_query_rqt_decodes_the_rq_number_list() -> None:
    cmd = catalogue.find("QUERY_RQT")
    request, reply = _rqt_reply(0, 3, [(0x10B, 0), (0x110, 0), (0x115, 0)], extra=64)
    assert len(reply) == 272 + 3 * 4 + 64 and reply[272:276] == bytes([0, 0, 1, 0x0B])
    tree = node_to_json(decode_output(cmd, reply, request))["rqt_context"]
    assert tree["rq_num_or_rq_vhca"] == {"rq_num": [{"rq_num": 0x10B}, {"rq_num": 0x110},
                                                    {"rq_num": 0x115}]}
    # the request is not needed: the reply's own rq_vhca_id_format picks the format
    assert node_to_json(decode_output(cmd, reply))["rqt_context"] == tree


def test_query_rqt_decodes_the_rq_vhca_list() -> None:
    cmd = catalogue.find("QUERY_RQT")
    request, reply = _rqt_reply(1, 2, [(0x10B, 3), (0x20C, 4)], extra=64)
    assert reply[272:280] == bytes([0, 0, 1, 0x0B, 0, 0, 0, 3])
    tree = node_to_json(decode_output(cmd, reply, request))["rqt_context"]
    assert tree["rq_vhca_id_format"] == 1
    assert tree["rq_num_or_rq_vhca"] == {"rq_vhca": [{"rq_num": 0x10B, "rq_vhca_id": 3},
                                                     {"rq_num": 0x20C, "rq_vhca_id": 4}]}
    leaves = {n.path: n.bit_offset for n in iter_leaves(decode_output(cmd, reply, request))}
    assert leaves[f"{RQT_LIST}.rq_vhca[1].rq_vhca_id"] == (272 + 8) * 8 + 48


def test_query_rqt_list_is_capped_at_the_count_and_the_buffer() -> None:
    cmd = catalogue.find("QUERY_RQT")
    # rqt_actual_size says 2 while the (zero-padded) buffer holds room for 1000 entries
    request, reply = _rqt_reply(0, 2, [(5, 0), (6, 0)], extra=4000)
    rq_list = node_to_json(decode_output(cmd, reply, request))["rqt_context"]
    assert rq_list["rq_num_or_rq_vhca"]["rq_num"] == [{"rq_num": 5}, {"rq_num": 6}]
    # rqt_actual_size says 256 but only 3 entries came back (out_len too small)
    request, reply = _rqt_reply(0, 256, [(n, 0) for n in range(256)])
    cut = decode_output(cmd, reply[:272 + 3 * 4 + 2], request)
    assert [e["rq_num"] for e in node_to_json(cut)["rqt_context"]["rq_num_or_rq_vhca"][
        "rq_num"]] == [0, 1, 2]
    # rq_vhca entries are twice as wide: the same bytes hold half as many
    request, reply = _rqt_reply(1, 256, [(n, 1) for n in range(256)])
    cut = decode_output(cmd, reply[:272 + 3 * 4], request)
    assert len(node_to_json(cut)["rqt_context"]["rq_num_or_rq_vhca"]["rq_vhca"]) == 1


def test_query_rqt_reply_buffer_has_room_for_the_list() -> None:
    from fwctl_tui.decoders.mlx5.codec import TAIL_ROOM

    cmd = catalogue.find("QUERY_RQT")
    request = encode_input(cmd, {"rqtn": 4})
    assert output_size(cmd, request) == 272  # the fixed part: what the reply needs at least
    assert reply_buffer_size(cmd, request) == 272 + TAIL_ROOM
    assert reply_buffer_size(cmd) == 272 + TAIL_ROOM
    assert TAIL_ROOM >= 256 * 8  # a 256-entry RSS table fits in either format
    row = next(r for r in describe_fields(cmd, "out") if r["path"] == RQT_LIST)
    assert row["selector"] == "rq_vhca_id_format" and row["count"] == "rqt_actual_size"
    assert row["pages"] == {"0": "rq_num", "1": "rq_vhca"}


# -- segmented lists: counted runs sharing a flag-picked stride (a flow entry's list) ----
SEGMENTED = {
    # `fmt` picks the stride (16 or 32 bits; 2: 64 bits, but run A has no layout for it),
    # `na` counts run A's entries, `nb` run B's, which follow them
    "seg_hdr": {"size": 32, "fields": [
        {"n": "fmt", "o": 0, "w": 2, "k": "int"},
        {"n": "na", "o": 8, "w": 8, "k": "int"},
        {"n": "nb", "o": 24, "w": 8, "k": "int"},
        {"n": "list", "o": 32, "w": 0, "k": "array", "c": 0, "ew": 32, "flex": 1,
         "et": "ab", "eu": 1,
         "segs": {"flag": {"f": "fmt", "o": 0, "w": 2},
                  "stride": {"0": 16, "1": 32, "2": 64},
                  "runs": [{"cnt": {"f": "na", "o": 8, "w": 8}, "m": {"0": "a16", "1": "a32"}},
                           {"cnt": {"f": "nb", "o": 24, "w": 8},
                            "m": {"0": "b8", "1": "b8", "2": "b8"}}]}}]},
    "ab": {"size": 32, "union": 1, "fields": [{"n": "a32", "o": 0, "w": 32, "k": "struct",
                                               "t": "a32"}]},
    "a16": {"size": 16, "fields": [{"n": "x", "o": 0, "w": 16, "k": "int", "e": "kinds"}]},
    "a32": {"size": 32, "fields": [{"n": "x", "o": 0, "w": 16, "k": "int", "e": "kinds"},
                                   {"n": "y", "o": 16, "w": 16, "k": "int"}]},
    "b8": {"size": 8, "fields": [{"n": "c", "o": 0, "w": 8, "k": "int"}]},
}
SEG_ENUMS = {"kinds": {"ONE": 1, "TWO": 2}}


def _segmented() -> LayoutSet:
    return LayoutSet.from_tables(SEGMENTED, SEG_ENUMS)


def _seg_header(fmt: int, na: int, nb: int) -> bytes:
    return bytes([fmt << 6, na, 0, nb])


def test_segmented_list_layout_is_typed() -> None:
    segs = _segmented()["seg_hdr"].by_name["list"].segments
    assert segs is not None and segs.flag.field == "fmt" and dict(segs.strides) == {
        0: 16, 1: 32, 2: 64}
    assert [run.count.field for run in segs.runs] == ["na", "nb"]
    assert segs.flags_for("a32") == {1} and segs.flags_for("b8") == {0, 1, 2}
    assert segs.run_of("b8", 1) == 1 and segs.run_of("a16", 1) is None
    assert segs.layout_names == ["a16", "a32", "b8"]


def test_segmented_list_narrow_stride_puts_run_b_after_run_a() -> None:
    lset = _segmented()
    plan = compile_plan(lset, "seg_hdr")
    assert plan.size == 32 and plan.flexible and plan.by_path["list"].is_list
    data = _seg_header(0, 2, 1) + bytes([0, 1, 0, 2, 7, 0xEE, 0xFF, 0xFF])
    root = decode_layout_in(lset, "seg_hdr", data)
    assert node_to_json(root)["list"] == [{"a16": {"x": 1}}, {"a16": {"x": 2}}, {"b8": {"c": 7}}]
    items = find_node(root, "list")
    assert items is not None and items.width_bits == 3 * 16 and root.width_bits == 32 + 48
    third = items.children[2]
    assert (third.name, third.label, third.kind, third.width_bits) == ("list[2]", "b8", "union", 16)
    leaf = node_at_bit(root, 32 + 32 + 3)
    assert leaf is not None and leaf.path == "list[2].b8.c" and leaf.value == 7
    assert node_at_bit(root, 32 + 32 + 8) is third  # the stride's padding: the element
    labels = {n.path: n.label for n in iter_leaves(root)}
    assert labels == {"fmt": None, "na": None, "nb": None, "list[0].a16.x": "ONE",
                      "list[1].a16.x": "TWO", "list[2].b8.c": None}
    # the plan never depends on the data
    assert compile_plan(lset, "seg_hdr") is plan


def test_segmented_list_wide_stride() -> None:
    lset = _segmented()
    body = bytes([0, 1, 0, 2, 9, 0, 0, 0, 10, 0, 0, 0])
    tree = node_to_json(decode_layout_in(lset, "seg_hdr", _seg_header(1, 1, 2) + body))
    assert tree["list"] == [{"a32": {"x": 1, "y": 2}}, {"b8": {"c": 9}}, {"b8": {"c": 10}}]
    leaves = {n.path: n.bit_offset for n in iter_leaves(decode_layout_in(
        lset, "seg_hdr", _seg_header(1, 1, 2) + body))}
    assert leaves["list[2].b8.c"] == 32 + 2 * 32


def test_segmented_list_is_capped_by_its_counts_and_the_buffer() -> None:
    lset = _segmented()

    def listed(data: bytes) -> list[Any]:
        return node_to_json(decode_layout_in(lset, "seg_hdr", data))["list"]

    body = bytes(range(1, 11))  # five 16-bit strides, two and a half 32-bit ones
    assert len(listed(_seg_header(0, 200, 200) + body)) == 5  # all run A: what is there
    assert [next(iter(e)) for e in listed(_seg_header(0, 3, 200) + body)] == [
        "a16", "a16", "a16", "b8", "b8"]
    assert len(listed(_seg_header(1, 1, 9) + body)) == 2  # a cut element is not shown
    assert listed(_seg_header(0, 0, 0) + body) == []
    assert listed(_seg_header(0, 0, 1) + body) == [{"b8": {"c": 1}}]  # no run A entries
    assert listed(_seg_header(2, 1, 1) + body) == []  # run A has no layout for fmt 2
    assert listed(_seg_header(3, 1, 1) + body) == []  # fmt 3 has no stride
    assert listed(_seg_header(0, 1, 1)[:3]) == []  # nb cut off: nothing after run A fits
    assert node_to_json(decode_layout_in(lset, "seg_hdr", b""))["list"] == []


def test_segmented_list_encodes_filling_its_flag_and_counts() -> None:
    lset = _segmented()
    data = encode_layout_in(lset, "seg_hdr", {"list[0].a32.y": 5, "list[1].b8.c": 9})
    assert data == _seg_header(1, 1, 1) + bytes([0, 0, 0, 5, 9, 0, 0, 0])
    tree = node_to_json(decode_layout_in(lset, "seg_hdr", data))
    assert tree["list"] == [{"a32": {"x": 0, "y": 5}}, {"b8": {"c": 9}}]
    assert encode_layout_in(lset, "seg_hdr", tree) == data  # the decode shape round-trips
    # counters only: the least flag (narrowest stride), no run A entries
    assert encode_layout_in(lset, "seg_hdr", {"list[0].b8.c": 3}) == (
        _seg_header(0, 0, 1) + bytes([3, 0]))
    # labels, a gap left zero, and given counts respected
    assert encode_layout_in(lset, "seg_hdr", {"na": 2, "list[0].a16.x": "TWO",
                                              "list[2].b8": b"\x04"}) == (
        _seg_header(0, 2, 1) + bytes([0, 2, 0, 0, 4, 0]))


@pytest.mark.parametrize(("values", "message"), [
    ({"fmt": 0, "list[0].a32.x": 1}, "needs fmt=1, but fmt=0 was given"),
    ({"list[0].a16.x": 1, "list[1].a32.x": 1}, "cannot share the list"),
    ({"na": 2, "list[1].b8.c": 1}, r"list\[1\]: a b8 entry, but nb=0 puts those at no entries"),
    ({"na": 2, "nb": 1, "list[3].b8.c": 1}, r"nb=1 puts those at \[2\]"),
    ({"na": 1, "list[1].a16.x": 1}, r"na=1 puts those at \[0\]"),
    ({"list[0].a16.x": 1, "list[0].b8.c": 1}, "an entry holds one"),
    ({"list[0].a64.x": 1}, "no entry layout named 'a64'"),
    ({"list[0]": 1}, r"name an entry's layout: list\[i\]"),
    ({"list.a16": 1}, "name an entry's layout"),
])
def test_segmented_list_encoding_names_what_is_wrong(values: dict[str, Any],
                                                      message: str) -> None:
    with pytest.raises(EncodeError, match=message):
        encode_layout_in(_segmented(), "seg_hdr", values)


def test_encoding_a_counted_list_fills_in_its_count() -> None:
    """Named elements without rqt_actual_size: the count is set so they decode back."""
    cmd = catalogue.find("QUERY_RQT")
    request = encode_input(cmd, {"rqtn": 4})
    reply = encode_output(cmd, {f"{RQT_LIST}.rq_num[0].rq_num": 7,
                                f"{RQT_LIST}.rq_num[1].rq_num": 9}, in_=request)
    tree = node_to_json(decode_output(cmd, reply, request))["rqt_context"]
    assert tree["rqt_actual_size"] == 2
    assert tree["rq_num_or_rq_vhca"] == {"rq_num": [{"rq_num": 7}, {"rq_num": 9}]}


def test_a_count_too_small_for_the_named_elements_is_refused() -> None:
    cmd = catalogue.find("QUERY_RQT")
    request = encode_input(cmd, {"rqtn": 4})
    with pytest.raises(EncodeError, match=r"rqt_actual_size=1 counts only 1 element"):
        encode_output(cmd, {"rqt_context.rqt_actual_size": 1,
                            f"{RQT_LIST}.rq_num[0].rq_num": 7,
                            f"{RQT_LIST}.rq_num[1].rq_num": 9}, in_=request)

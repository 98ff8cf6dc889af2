"""QUERY_FLOW_TABLE_ENTRY's destination list: destinations, then flow counters, every entry
8 bytes (extended_destination 0) or 16 bytes (1), decoded per entry and capped by the
counts and by the buffer; encoded from `flow_context.destination[i].<layout>...` paths."""

from __future__ import annotations

from typing import Any

import pytest

from fwctl_tui.decoders import (
    EncodeError,
    catalogue,
    decode_output,
    describe_fields,
    encode_input,
    encode_output,
    find_node,
    iter_leaves,
    node_to_json,
    output_size,
    reply_buffer_size,
)
from fwctl_tui.decoders.mlx5.codec import TAIL_ROOM, _decode_plan
from fwctl_tui.decoders.mlx5.data import layouts
from fwctl_tui.decoders.node import node_at_bit

DEST = "flow_context.destination"
FIXED = 832  # query_fte_out: 512-bit header + 6144-bit flow_context = 6656 bits
TIR, FLOW_TABLE, VPORT = 2, 1, 0
LABELS = {"VPORT": 0, "FLOW_TABLE": 1, "TIR": 2, "FLOW_SAMPLER": 6, "UPLINK": 8,
          "TABLE_TYPE": 10}


def _cmd() -> Any:
    return catalogue.find("QUERY_FLOW_TABLE_ENTRY")


def _request() -> bytes:
    return encode_input(_cmd(), {"table_type": 0, "table_id": 3, "flow_index": 7})


def _reply(values: dict[str, Any], extra: int = 0) -> bytes:
    return encode_output(_cmd(), values, in_=_request()) + bytes(extra)


def _listed(reply: bytes) -> list[Any]:
    tree = node_to_json(decode_output(_cmd(), reply, _request()))
    listed: list[Any] = tree["flow_context"]["destination"]
    return listed


def test_narrow_entries_are_eight_bytes_with_counters_after_destinations() -> None:
    reply = _reply({
        "flow_context.extended_destination": 0,
        f"{DEST}[0].dest_format_struct.destination_type": "TIR",
        f"{DEST}[0].dest_format_struct.destination_id": 0x12,
        f"{DEST}[1].dest_format_struct.destination_type": "FLOW_TABLE",
        f"{DEST}[1].dest_format_struct.destination_id": 0x34,
        f"{DEST}[2].flow_counter_list.flow_counter_id": 0x800001}, extra=64)
    assert reply[FIXED:FIXED + 24] == bytes.fromhex(
        "0200001200000000" "0100003400000000" "0080000100000000")
    root = decode_output(_cmd(), reply, _request())
    context = node_to_json(root)["flow_context"]
    assert (context["extended_destination"], context["destination_list_size"],
            context["flow_counter_list_size"]) == (0, 2, 1)
    entries = context["destination"]
    assert [next(iter(e)) for e in entries] == ["dest_format_struct"] * 2 + ["flow_counter_list"]
    assert entries[1]["dest_format_struct"]["destination_id"] == 0x34
    assert entries[2] == {"flow_counter_list": {"flow_counter_id": 0x800001}}
    labels = {n.path: n.label for n in iter_leaves(root) if n.path.endswith("destination_type")}
    assert labels == {f"{DEST}[0].dest_format_struct.destination_type": "TIR",
                      f"{DEST}[1].dest_format_struct.destination_type": "FLOW_TABLE"}
    counter = node_at_bit(root, (FIXED + 16) * 8 + 5)
    assert counter is not None and counter.path == f"{DEST}[2].flow_counter_list.flow_counter_id"
    lst = find_node(root, DEST)
    assert lst is not None and lst.width_bits == 3 * 64 and lst.bit_offset == FIXED * 8


def test_extended_entries_are_sixteen_bytes_for_destinations_and_counters() -> None:
    reply = _reply({
        f"{DEST}[0].extended_dest_format.destination_entry.destination_type": "VPORT",
        f"{DEST}[0].extended_dest_format.destination_entry.destination_id": 5,
        f"{DEST}[0].extended_dest_format.packet_reformat_id": 0xAB,
        f"{DEST}[1].flow_counter_list.flow_counter_id": 9,
        f"{DEST}[2].flow_counter_list.flow_counter_id": 10}, extra=64)
    # the encoder set the flag and both counts from the entries it was given
    assert reply[80] >> 7 == 1 and reply[81:84] == bytes([0, 0, 1])
    assert reply[85:88] == bytes([0, 0, 2])
    assert reply[FIXED:FIXED + 48] == bytes.fromhex(
        "0000000500000000" "000000ab00000000" "0000000900000000" "0000000000000000"
        "0000000a00000000" "0000000000000000")
    root = decode_output(_cmd(), reply, _request())
    assert node_to_json(root)["flow_context"]["destination"] == [
        {"extended_dest_format": {"destination_entry": {
            "destination_type": 0, "destination_id": 5,
            "destination_eswitch_owner_vhca_id_valid": 0, "packet_reformat": 0,
            "destination_table_type": 0, "destination_eswitch_owner_vhca_id": 0},
            "packet_reformat_id": 0xAB}},
        {"flow_counter_list": {"flow_counter_id": 9}},
        {"flow_counter_list": {"flow_counter_id": 10}}]
    leaves = {n.path: (n.bit_offset, n.label) for n in iter_leaves(root)}
    assert leaves[f"{DEST}[2].flow_counter_list.flow_counter_id"] == ((FIXED + 32) * 8, None)
    assert leaves[f"{DEST}[0].extended_dest_format.destination_entry.destination_type"][1] == (
        "VPORT")
    lst = find_node(root, DEST)
    assert lst is not None and lst.width_bits == 3 * 128


@pytest.mark.parametrize("ext", [0, 1])
def test_list_is_capped_by_the_counts_and_by_the_buffer(ext: int) -> None:
    entry = "extended_dest_format.destination_entry" if ext else "dest_format_struct"
    stride = 16 if ext else 8
    values: dict[str, Any] = {"flow_context.extended_destination": ext,
                              "flow_context.destination_list_size": 100,
                              "flow_context.flow_counter_list_size": 100}
    values.update({f"{DEST}[{i}].{entry}.destination_id": i for i in range(100)})
    values.update({f"{DEST}[{100 + i}].flow_counter_list.flow_counter_id": i + 1
                   for i in range(100)})
    full = _reply(values)
    assert len(full) == FIXED + 200 * stride
    assert len(_listed(full)) == 200
    # out_len cut after 3.5 entries: three shown, the partial one not
    assert len(_listed(full[:FIXED + 3 * stride + stride // 2])) == 3
    assert _listed(full[:FIXED]) == [] and _listed(full[:FIXED - 1]) == []
    # cut inside the counters: the destinations, then what counters fit
    cut = _listed(full[:FIXED + 102 * stride])
    assert [next(iter(e)) for e in cut[99:]] == [
        entry.split(".")[0], "flow_counter_list", "flow_counter_list"]
    assert cut[101]["flow_counter_list"]["flow_counter_id"] == 2
    # counts smaller than the zero-padded buffer: the counts decide
    small = _reply({"flow_context.extended_destination": ext,
                    f"{DEST}[0].{entry}.destination_type": "TIR",
                    f"{DEST}[1].flow_counter_list.flow_counter_id": 4}, extra=TAIL_ROOM)
    assert [next(iter(e)) for e in _listed(small)] == [entry.split(".")[0], "flow_counter_list"]


def test_destination_type_labels_come_from_the_reference_enum() -> None:
    field = layouts()["dest_format_struct"].by_name["destination_type"]
    assert field.enum is not None and dict(field.enum.by_label) == LABELS
    for label, value in LABELS.items():
        reply = _reply({f"{DEST}[0].dest_format_struct.destination_type": label}, extra=8)
        assert reply[FIXED] == value
        leaf = next(n for n in iter_leaves(decode_output(_cmd(), reply, _request()))
                    if n.path.endswith("destination_type"))
        assert (leaf.value, leaf.label) == (value, label)


def test_reply_buffer_has_room_for_the_list() -> None:
    cmd = _cmd()
    assert output_size(cmd, _request()) == FIXED  # the fixed part: what the reply needs
    assert reply_buffer_size(cmd, _request()) == reply_buffer_size(cmd) == FIXED + TAIL_ROOM
    # the simulated profiles' limit: 2^log_max_destination (7) extended destinations, and
    # a counter entry each
    assert TAIL_ROOM >= (1 << 7) * 16 * 2


def test_describe_fields_names_the_flag_counts_and_layouts() -> None:
    row = next(r for r in describe_fields(_cmd(), "out") if r["path"] == DEST)
    assert row["dynamic"] == "segments" and row["kind"] == "array"
    assert row["stride_by"] == "extended_destination" and row["strides"] == {"0": 64, "1": 128}
    assert row["runs"] == [
        {"count": "destination_list_size",
         "layouts": {"0": "dest_format_struct", "1": "extended_dest_format"}},
        {"count": "flow_counter_list_size",
         "layouts": {"0": "flow_counter_list", "1": "flow_counter_list"}}]
    assert "extended_destination" in (row["doc"] or "")


def test_one_cached_plan_serves_replies_of_either_stride() -> None:
    """The flag and counts live in the reply: the plan cached by the request's selector
    bytes decodes both strides."""
    cmd, request = _cmd(), _request()
    narrow = _reply({f"{DEST}[0].flow_counter_list.flow_counter_id": 1})
    wide = _reply({"flow_context.extended_destination": 1,
                   f"{DEST}[0].flow_counter_list.flow_counter_id": 2})
    assert len(narrow) == FIXED + 8 and len(wide) == FIXED + 16
    plan = _decode_plan(cmd, "out", request)
    for _ in range(2):
        assert _listed(narrow) == [{"flow_counter_list": {"flow_counter_id": 1}}]
        assert _listed(wide) == [{"flow_counter_list": {"flow_counter_id": 2}}]
    assert _decode_plan(cmd, "out", request) is plan


def test_decoded_reply_encodes_back_to_the_same_bytes() -> None:
    reply = _reply({
        f"{DEST}[0].extended_dest_format.destination_entry.destination_type": "TIR",
        f"{DEST}[0].extended_dest_format.destination_entry.destination_id": 77,
        f"{DEST}[1].extended_dest_format.destination_entry.destination_type": "UPLINK",
        f"{DEST}[2].flow_counter_list.flow_counter_id": 3})
    tree = node_to_json(decode_output(_cmd(), reply, _request()))
    assert encode_output(_cmd(), tree, in_=_request()) == reply


def test_encoding_refuses_entries_the_flag_cannot_hold() -> None:
    with pytest.raises(EncodeError, match="extended_destination=1, but extended_destination=0"):
        _reply({"flow_context.extended_destination": 0,
                f"{DEST}[0].extended_dest_format.packet_reformat_id": 1})
    with pytest.raises(EncodeError, match="cannot share the list"):
        _reply({f"{DEST}[0].dest_format_struct.destination_id": 1,
                f"{DEST}[1].extended_dest_format.packet_reformat_id": 1})
    with pytest.raises(EncodeError, match="destination_list_size=1 puts those at"):
        _reply({"flow_context.destination_list_size": 1,
                f"{DEST}[1].dest_format_struct.destination_id": 1})


def test_set_flow_table_entry_is_not_in_the_catalogue() -> None:
    """Only QUERY_FLOW_TABLE_ENTRY carries a flow_context: SET_FLOW_TABLE_ENTRY is not
    allow-listed, so the list is encoded for replies (the simulator) only."""
    with pytest.raises(LookupError):
        catalogue.find("SET_FLOW_TABLE_ENTRY")
    holders = {cmd.name for cmd in catalogue.commands()
               for layout in (cmd.in_layout, cmd.out_layout) if layout
               and any(f.type == "flow_context" for f in layouts()[layout].fields)}
    assert holders == {"QUERY_FLOW_TABLE_ENTRY"}

"""`fwctl-tui send` shows what the decoder makes of replies the catalogue got wrong before:
QUERY_RQT's RQ list (a count-capped list after the fixed reply), QUERY_OTHER_HCA_CAP's
single roce bit (not a capability page) and QUERY_FLOW_TABLE_ENTRY's destination list
(destinations then counters, not raw 16-byte blobs)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.decoders import catalogue, reply_buffer_size
from fwctl_tui.decoders.mlx5.codec import TAIL_ROOM
from fwctl_tui.sim.host import SimHost

RQ_LIST = "rqt_context.rq_num_or_rq_vhca.rq_num"


def _objects() -> Any:
    """The objects of this test's simulated cx7, as the next `fwctl-tui` run finds them."""
    return SimHost.persistent("cx7").functions[0].firmware.device.objects


def _rss_rqt() -> tuple[int, list[int]]:
    """The simulated cx7's RSS indirection table: its number and its RQs, in order."""
    objects = _objects()
    rss = max(objects.of_kind("rqt"), key=lambda o: len(o.items))
    return rss.number, list(rss.items)


def test_send_query_rqt_json_lists_the_rq_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    rqtn, rqs = _rss_rqt()
    code = main(["send", "sim:cx7", "QUERY_RQT", f"rqtn={rqtn}", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["status"] == 0
    assert doc["out_len"] == reply_buffer_size(catalogue.find("QUERY_RQT")) == 272 + TAIL_ROOM
    context = doc["reply"]["rqt_context"]
    assert context["rqt_actual_size"] == len(rqs) == 256
    assert [e["rq_num"] for e in context["rq_num_or_rq_vhca"]["rq_num"]] == rqs


def test_send_query_rqt_table_shows_each_rq_number(capsys: pytest.CaptureFixture[str]) -> None:
    rqtn, rqs = _rss_rqt()
    assert main(["send", "sim:cx7", "QUERY_RQT", f"rqtn={rqtn}"]) == 0
    text = capsys.readouterr().out
    rows = re.findall(rf"{re.escape(RQ_LIST)}\[(\d+)\]\.rq_num\s*│\s*(\d+)", text)
    assert [int(value) for _, value in rows] == rqs
    assert [int(index) for index, _ in rows] == list(range(len(rqs)))


def test_send_query_other_hca_cap_shows_one_roce_bit(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["send", "sim:cx7", "QUERY_OTHER_HCA_CAP", "function_id=0", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["status"] == 0 and doc["op_mod"] == 0 and doc["out_len"] == 96
    assert doc["reply"]["other_capability"] == {"roce": 1}


DEST = "flow_context.destination"


def _ftes() -> list[tuple[tuple[int, int, int], Any]]:
    """The simulated cx7's flow table entries: (table_type, table_id, index) and object."""
    objects = _objects()
    return [(key, objects.get("fte", key)) for key in objects.keys("fte")]


def test_send_query_flow_table_entry_json_lists_destinations_then_counters(
        capsys: pytest.CaptureFixture[str]) -> None:
    key, fte = next((k, o) for k, o in _ftes() if len(o.items) == 2)  # a TTC rule: TIR + counter
    args = [f"table_type={key[0]}", f"table_id={key[1]}", f"flow_index={key[2]}"]
    code = main(["send", "sim:cx7", "QUERY_FLOW_TABLE_ENTRY", *args, "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["status"] == 0
    cmd = catalogue.find("QUERY_FLOW_TABLE_ENTRY")
    assert doc["out_len"] == reply_buffer_size(cmd) == 832 + TAIL_ROOM
    context = doc["reply"]["flow_context"]
    assert (context["extended_destination"], context["destination_list_size"],
            context["flow_counter_list_size"]) == (0, 1, 1)
    (dest_type, dest_id), counter = fte.items
    assert context["destination"] == [
        {"dest_format_struct": {
            "destination_type": dest_type, "destination_id": dest_id,
            "destination_eswitch_owner_vhca_id_valid": 0, "packet_reformat": 0,
            "destination_table_type": 0, "destination_eswitch_owner_vhca_id": 0}},
        {"flow_counter_list": {"flow_counter_id": counter}}]


def test_send_query_flow_table_entry_table_shows_labelled_destinations(
        capsys: pytest.CaptureFixture[str]) -> None:
    for key, fte in _ftes()[:6]:
        args = [f"table_type={key[0]}", f"table_id={key[1]}", f"flow_index={key[2]}"]
        assert main(["send", "sim:cx7", "QUERY_FLOW_TABLE_ENTRY", *args]) == 0
        text = capsys.readouterr().out
        dest_type, dest_id = fte.items[0]
        label = {1: "FLOW_TABLE", 2: "TIR"}[dest_type]
        path = re.escape(f"{DEST}[0].dest_format_struct.")
        assert re.search(rf"{path}destination_type\s*│\s*{dest_type}\s*│\s*{label}", text)
        assert re.search(rf"{path}destination_id\s*│\s*{dest_id}(\s|\s\(0x)", text)
        counters = re.findall(rf"{re.escape(DEST)}\[1\]\.flow_counter_list\.flow_counter_id"
                              r"\s*│\s*(\d+)", text)
        assert [int(c) for c in counters] == fte.items[1:]
        assert f"{DEST}[2]" not in text and "trailing bytes" not in text

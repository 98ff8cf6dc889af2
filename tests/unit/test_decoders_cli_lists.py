"""`fwctl-tui send` shows what the decoder makes of replies the catalogue got wrong before:
QUERY_RQT's RQ list (a count-capped list after the fixed reply) and QUERY_OTHER_HCA_CAP's
single roce bit (not a capability page)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.decoders import catalogue, reply_buffer_size
from fwctl_tui.decoders.mlx5.codec import TAIL_ROOM
from fwctl_tui.sim import host as sim_host

RQ_LIST = "rqt_context.rq_num_or_rq_vhca.rq_num"


@pytest.fixture(autouse=True)
def fresh_hosts() -> Iterator[None]:
    """Each test gets its own simulated host (taint and unplug are per process)."""
    sim_host.get_host.cache_clear()
    yield
    sim_host.get_host.cache_clear()


def _rss_rqt() -> tuple[int, list[int]]:
    """The simulated cx7's RSS indirection table: its number and its RQs, in order."""
    objects = sim_host.get_host("cx7").functions[0].firmware.device.objects
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

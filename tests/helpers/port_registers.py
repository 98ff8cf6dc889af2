"""Port register values read from raw ACCESS_REG bytes: the oracle of the dashboard tests.

What the port dashboard and `link` show (BER, lane monitors, discard counters, the module
temperature) is checked against values this module reads itself: field positions from the
vendor layouts (reference_layouts.py: nothing of fwctl_tui, not even its generated
tables) and the bytes parsed with construct BitStructs. So a wrong group, offset, join of a
64-bit counter or scale in the code under test shows as a mismatch.

`Replies` collects the exchanges of a run (a session listener, or a capture's records)
and finds the last reply of one register read by the INDEX values of its request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import construct as cs

from helpers import reference_layouts as ref

MTMP_DEGREES_PER_COUNT = 0.125  # MTMP `temperature`: PRM "0.125 Celsius", two's complement


@cache
def _bits(offset: int, width: int, total: int) -> cs.Construct:
    return cs.BitStruct(cs.Padding(offset), "v" / cs.BitsInteger(width),
                        cs.Padding(total - offset - width))


@cache
def _fields(register: str, pages: tuple[tuple[str, int], ...]) -> dict[str, ref.Field]:
    _, node, _ = ref.register(register)
    return {f.path: f for f in ref.register_fields(node, dict(pages))}


def _read(data: bytes, base: int, register: str, path: str, pages: dict[str, int]) -> int:
    fields = _fields(register, tuple(sorted(pages.items())))
    if path not in fields and f"{path}_high" in fields:  # one 64-bit counter in two halves
        high = _read(data, base, register, f"{path}_high", pages)
        return high << 32 | _read(data, base, register, f"{path}_low", pages)
    f = fields[path]
    value: int = _bits(base + f.offset_bits, f.width_bits, len(data) * 8).parse(data).v
    return value


def reply_value(reply: bytes, register: str, path: str, **pages: int) -> int:
    """Field `path` (reference name) of `register` in an ACCESS_REG reply."""
    base = ref.ifc_field("access_register_out", "register_data").offset_bits
    return _read(reply, base, register, path, pages)


def request_value(request: bytes, register: str, path: str, **pages: int) -> int:
    base = ref.ifc_field("access_register_in", "register_data").offset_bits
    return _read(request, base, register, path, pages)


def mtmp_celsius(raw: int) -> float:
    """MTMP's signed 16-bit count in degC, by the PRM's stated step."""
    return (raw - (1 << 16) if raw & 0x8000 else raw) * MTMP_DEGREES_PER_COUNT


@dataclass
class Replies:
    """(command, request, reply) of every exchange seen, in order."""

    seen: list[tuple[str, bytes, bytes]] = field(default_factory=list)

    def record(self, exchange: Any) -> None:
        """A Session listener."""
        if exchange.reply is not None:
            self.seen.append((exchange.command, exchange.request, exchange.reply))

    @classmethod
    def from_capture(cls, path: Path) -> Replies:
        replies = cls()
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if record.get("type") == "rpc" and record.get("reply"):
                replies.seen.append((record["command"], bytes.fromhex(record["request"]),
                                     bytes.fromhex(record["reply"])))
        return replies

    def last(self, register: str, **index: int) -> bytes:
        """The last reply of `register` whose request has these INDEX values."""
        for command, request, reply in reversed(self.seen):
            if command == f"ACCESS_REG:{register}" and all(
                    request_value(request, register, name) == value
                    for name, value in index.items()):
                return reply
        raise LookupError(f"no {register} read with {index}")

    def value(self, register: str, path: str, index: dict[str, int], **pages: int) -> int:
        """Field `path` of the last `register` read at `index` (union pages by `pages`,
        by default the index values themselves: PPCNT's grp, PDDR's page_select)."""
        return reply_value(self.last(register, **index), register, path,
                           **(pages or index))


STAT = "counter_set.phys_layer_stat_cntrs_ext."
DISCARDS = (  # dashboard label -> (PPCNT group, reference path)
    ("in discards", 0x1, "counter_set.eth_2863_cntrs_grp_data_layout_ext.if_in_discards"),
    ("out discards", 0x1, "counter_set.eth_2863_cntrs_grp_data_layout_ext.if_out_discards"),
    ("ingress discards (all)", 0x6, "counter_set.eth_discard_cntrs_grp_ext.ingress_discard_all"),
    ("egress link-down discards", 0x6,
     "counter_set.eth_discard_cntrs_grp_ext.egress_link_down"),
)


def ber_text(replies: Replies, kind: str) -> str:
    """PPCNT group 0x16's `kind` ("raw" or "effective") BER as coef * 10^-magnitude, in the
    form the dashboard and `link` print it (`2e-08`; `0` when the coefficient is 0)."""
    index = {"local_port": 1, "grp": 0x16}
    coef = replies.value("PPCNT", f"{STAT}{kind}_ber_coef", index)
    magnitude = replies.value("PPCNT", f"{STAT}{kind}_ber_magnitude", index)
    return "0" if coef == 0 else f"{coef}e-{magnitude:02d}"


def lane_monitors(replies: Replies, lanes: int) -> list[dict[str, int]]:
    """PDDR module page (3) per-lane rx/tx power and tx bias, raw, for `lanes` lanes."""
    index = {"local_port": 1, "page_select": 3}
    prefix = "page_data.pddr_module_info_ext."
    return [{"lane": lane, **{kind: replies.value("PDDR", f"{prefix}{kind}_lane{lane}", index)
                              for kind in ("rx_power", "tx_power", "tx_bias")}}
            for lane in range(lanes)]

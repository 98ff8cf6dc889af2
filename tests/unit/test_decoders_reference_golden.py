"""Golden decodes checked against an independent reading of the reference layouts.

The decoder's own oracle and round-trip tests share its generated tables, so a wrong
offset in a table would pass them. Here every expected position and value comes from
tests/helpers/reference_layouts.py, which reads ../shared/reference by itself (vendor
`adb_offset` positions, converted by the rule the file states) and never touches the
project's tables, generator or encoder. For each layout the test hand-builds an
ACCESS_REG request and reply (envelope offsets from mlx5_ifc.json's access_register_in/
_out), puts a different random value in every field, decodes the reply with the
project's decoder, and asserts that each field is decoded at the reference position,
with the reference name (or the kernel header's name for the same bits), to the value
that was put there.

The cases include every register the port dashboard reads: PAOS, PTYS, PDDR (operational,
troubleshooting, module pages), PPCNT (IEEE 802.3, RFC 2863, physical layer groups),
MTMP, MCIA, MGIR, PPLM and PMAOS.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import pytest
from helpers import reference_layouts as ref

from fwctl_tui.decoders import catalogue, decode_output, iter_leaves

ACCESS_REG = 0x805
REG_READ = 1  # op_mod


@dataclass(frozen=True)
class Case:
    register: str
    pages: tuple[tuple[str, int], ...] = ()  # union selectors: (field, value)

    @property
    def id(self) -> str:
        return self.register + "".join(f"-{field}={value}" for field, value in self.pages)


DASHBOARD = [
    Case("PAOS"),
    Case("PTYS", (("proto_mask", 4),)),  # Ethernet
    Case("PDDR", (("page_select", 0),)),  # operational info
    Case("PDDR", (("page_select", 1),)),  # troubleshooting info
    Case("PDDR", (("page_select", 3),)),  # module info
    Case("PPCNT", (("grp", 0x00),)),  # IEEE 802.3
    Case("PPCNT", (("grp", 0x01),)),  # RFC 2863
    Case("PPCNT", (("grp", 0x12),)),  # physical layer
    Case("MTMP"),
    Case("MCIA"),
    Case("MGIR"),
    Case("PPLM"),
    Case("PMAOS"),
]
MORE = [
    Case("PTYS", (("proto_mask", 1),)),  # InfiniBand: the ext_ib_proto unions resolve
    *(Case("PDDR", (("page_select", page),)) for page in (2, 6, 8, 9, 11)),
    *(Case("PPCNT", (("grp", grp),)) for grp in (0x02, 0x03, 0x05, 0x06, 0x10, 0x11, 0x13,
                                                 0x16, 0x1A, 0x20, 0x21, 0x23)),
    Case("PPLM", (("fec_generation", 0),)),
    Case("PCAM", (("feature_group", 0),)),
    Case("MCQI", (("info_type", 0),)),
    Case("MPCNT", (("grp", 0),)),
    Case("MPCNT", (("grp", 3),)),
    *(Case(name) for name in ("PMTU", "PMLP", "PFCC", "PPAD", "MCAM", "MTCAP", "MCQS",
                              "PMDR", "PPLR", "PCMR", "MPEIN", "MPEGC", "MFRL")),
]
CASES = DASHBOARD + MORE


def _envelope(struct: str, name: str) -> ref.Field:
    return ref.ifc_field(struct, name)


def build(case: Case) -> tuple[bytes, bytes, list[ref.Field], dict[str, int]]:
    """(request, reply, the register's fields, the value put in each) built by hand."""
    reg_id, node, size_bits = ref.register(case.register)
    pages = dict(case.pages)
    fields = ref.register_fields(node, pages)
    data, values = ref.fill(fields, size_bits, seed=zlib.crc32(case.id.encode()), fixed=pages)
    data_in = _envelope("access_register_in", "register_data").offset_bits // 8
    request = bytearray(data_in + len(data))
    for name, value in (("opcode", ACCESS_REG), ("op_mod", REG_READ), ("register_id", reg_id)):
        field = _envelope("access_register_in", name)
        ref.put(request, field.offset_bits, field.width_bits, value)
    request[data_in:] = data
    reply = bytearray(_envelope("access_register_out", "register_data").offset_bits // 8)
    syndrome = _envelope("access_register_out", "syndrome")
    ref.put(reply, syndrome.offset_bits, syndrome.width_bits, 0x5A5A1234)
    return bytes(request), bytes(reply) + data, fields, values


def decoded_leaves(case: Case, request: bytes, reply: bytes) -> dict[tuple[int, int], Any]:
    """The project's decode: (offset in the register, width) -> (name, value as int)."""
    root = decode_output(catalogue.find(f"ACCESS_REG:{case.register}"), reply, request)
    base = _envelope("access_register_out", "register_data").offset_bits
    found: dict[tuple[int, int], Any] = {}
    for leaf in iter_leaves(root):
        if leaf.path.startswith("register_data."):
            value = leaf.value
            if isinstance(value, bytes):
                value = int.from_bytes(value, "big")
            name = leaf.path.rpartition(".")[2]
            found[(leaf.bit_offset - base, leaf.width_bits)] = (name, value)
    status = {leaf.path: leaf.value for leaf in iter_leaves(root) if "." not in leaf.path}
    assert status.get("syndrome") == 0x5A5A1234, "the reply header is misread"
    return found


def disagreements(case: Case, request: bytes, reply: bytes, fields: list[ref.Field],
                  values: dict[str, int]) -> list[str]:
    got = decoded_leaves(case, request, reply)
    kernel = ref.kernel_names(case.register)
    problems = []
    for field in fields:
        at = (field.offset_bits, field.width_bits)
        name = field.path.rpartition(".")[2]
        if at not in got:
            problems.append(f"{field.path}: no decoded field at bit {at[0]}, width {at[1]}")
            continue
        got_name, got_value = got[at]
        if got_name != name and got_name != kernel.get(at):
            problems.append(f"{field.path}: decoded as {got_name!r}")
        if got_value != values[field.path]:
            problems.append(f"{field.path}: decoded {got_value:#x}, "
                            f"bytes hold {values[field.path]:#x}")
    # a decoded field the reference does not place must not overlap one it does
    taken = {bit for f in fields for bit in range(f.offset_bits, f.offset_bits + f.width_bits)}
    for (offset, width), (name, _) in got.items():
        if (offset, width) not in {(f.offset_bits, f.width_bits) for f in fields} and \
                taken & set(range(offset, offset + width)):
            problems.append(f"{name}: decoded at bit {offset}, width {width}, over other fields")
    return problems


def test_the_dashboard_registers_and_at_least_30_layouts_are_covered() -> None:
    assert len({case.id for case in CASES}) == len(CASES) >= 30
    for name in ("PAOS", "PTYS", "PDDR", "PPCNT", "MTMP", "MCIA", "MGIR", "PPLM", "PMAOS"):
        assert name in {case.register for case in DASHBOARD}


def test_the_reader_places_fields_where_the_prm_tables_do() -> None:
    """Anchors read off the PRM tables by hand: the reader's conversion is right."""
    _, paos, _ = ref.register("PAOS")
    at = {f.path: (f.offset_bits, f.width_bits) for f in ref.register_fields(paos)}
    assert at["local_port"] == (8, 8)  # byte 1
    assert at["admin_status"] == (20, 4)  # low nibble of byte 2
    assert at["oper_status"] == (28, 4)  # low nibble of byte 3
    assert at["ase"] == (32, 1)  # top bit of byte 4
    _, ppcnt, _ = ref.register("PPCNT")
    at = {f.path: (f.offset_bits, f.width_bits)
          for f in ref.register_fields(ppcnt, {"grp": 0})}
    assert at["grp"] == (26, 6)  # low 6 bits of byte 3
    first = "counter_set.eth_802_3_cntrs_grp_data_layout_ext.a_frames_transmitted_ok_high"
    assert at[first] == (64, 32)  # the counters start at byte 8
    _, mgir, _ = ref.register("MGIR")
    at = {f.path: (f.offset_bits, f.width_bits) for f in ref.register_fields(mgir)}
    assert at["fw_info.psid[0]"][1] == 8
    assert at["fw_info.psid[1]"][0] == at["fw_info.psid[0]"][0] + 8  # a string, in order


def test_a_misplaced_field_is_reported() -> None:
    """The comparison can fail: bytes shifted by one byte disagree with the reference."""
    case = Case("PAOS")
    request, reply, fields, values = build(case)
    shifted = reply[:16] + reply[17:] + b"\0"
    assert disagreements(case, request, shifted, fields, values)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_decoded_like_the_reference(case: Case) -> None:
    request, reply, fields, values = build(case)
    assert fields, f"{case.id}: the reference gives no fields to check"
    problems = disagreements(case, request, reply, fields, values)
    assert not problems, f"{case.id}:\n" + "\n".join(problems)

"""Every allow-listed command on every profile, through FwctlDevice and the kernel emulator:
no errno at the least scope, the documented status, a reply the catalogue decodes; and the
firmware errors real firmware gives (op_mod, missing object, missing cap page, lengths).

What each card must answer comes from an expectation table kept here, independent of the
simulator's own examples.py: command families a card lacks (FPGA, CAPI, NVMF, RegEx, DPA,
DPU emulation on plain NICs) are BAD_OP, and the commands used every day are OK. Commands
the table does not pin fall back to the example's expectation."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import pytest

from fwctl_tui.allowlist import entries, least_scope
from fwctl_tui.decoders.mlx5.catalogue import cap_pages, find
from fwctl_tui.decoders.mlx5.codec import decode_output, encode_input, reply_buffer_size
from fwctl_tui.decoders.mlx5.status import explain_syndrome
from fwctl_tui.decoders.node import Node, iter_leaves, node_to_json
from fwctl_tui.sim.connectx import ConnectXFirmware
from fwctl_tui.sim.host import SimHost
from fwctl_tui.sim.mlx5.syndromes import ErrorKind, explain, syndrome, table
from fwctl_tui.sim.profile import load_profile
from fwctl_tui.syndrome_source import syndromes_for
from fwctl_tui.uapi import Scope

PROFILE_NAMES = ("cx6dx", "cx7", "bf3")
OPCODES = sorted(entries())

# The independent expectation table (see module docstring).
FAMILIES = {  # family -> command names it covers (regex on the allow-list name)
    "FPGA": r"^FPGA_", "CAPI": r"^QUERY_(AFU|CAPI_PEC)$", "NVMF": r"NVMF", "RegEx": r"REGEXP",
    "DPA": r"DPA_PARTITION", "DPU emulation": r"EMULAT",
}
LACKS = {  # profile -> families its firmware does not implement: BAD_OP
    "cx6dx": {"FPGA", "CAPI", "NVMF", "RegEx", "DPA", "DPU emulation"},
    "cx7": {"FPGA", "CAPI", "NVMF", "RegEx", "DPA", "DPU emulation"},
    "bf3": {"FPGA", "CAPI", "RegEx"},
}
HAS = {"bf3": {"DPA", "DPU emulation"}}  # families a DPU implements: OK
DAILY = (  # what mlx5 tooling reads every day: OK on every card
    "QUERY_HCA_CAP", "QUERY_ADAPTER", "QUERY_ISSI", "QUERY_PAGES", "NOP", "ACCESS_REG",
    "ACCESS_REGISTER_USER", "QUERY_VPORT_STATE", "QUERY_NIC_VPORT_CONTEXT",
    "QUERY_HCA_VPORT_CONTEXT", "QUERY_HCA_VPORT_GID", "QUERY_HCA_VPORT_PKEY",
    "QUERY_ROCE_ADDRESS", "QUERY_VPORT_COUNTER", "QUERY_Q_COUNTER", "QUERY_VNIC_ENV",
    "QUERY_EQ", "QUERY_CQ", "QUERY_QP", "QUERY_SQ", "QUERY_RQ", "QUERY_TIR", "QUERY_TIS",
    "QUERY_RQT", "QUERY_MKEY", "QUERY_FLOW_TABLE", "QUERY_FLOW_GROUP",
    "QUERY_FLOW_TABLE_ENTRY", "QUERY_FLOW_COUNTER", "QUERY_CONG_STATUS", "QUERY_CONG_PARAMS",
    "QUERY_CONG_STATISTICS", "QUERY_DIAGNOSTIC_PARAMS", "QUERY_SPECIAL_CONTEXTS", "QUERY_UCTX",
    "QUERY_SCHEDULING_ELEMENT",
)
STATE_REFUSED = {"QUERY_DIAGNOSTIC_COUNTERS": "BAD_SYS_STATE"}  # no sampling session yet


def _families(name: str) -> set[str]:
    return {family for family, pattern in FAMILIES.items() if re.search(pattern, name)}


def required_status(profile: str, name: str) -> str | None:
    """BAD_OP, OK or a state refusal the table demands of `name` on `profile`; None if
    the table does not pin it."""
    families = _families(name)
    if families & LACKS[profile]:
        return "BAD_OP"
    if families & HAS.get(profile, set()) or name in DAILY:
        return "OK"
    return STATE_REFUSED.get(name)


@dataclass
class Answer:
    errno: int
    out: bytes
    request: bytes
    command: Any

    @property
    def status(self) -> int:
        return self.out[0]

    @property
    def syndrome(self) -> int:
        return int.from_bytes(self.out[4:8], "big")

    def tree(self) -> Node:
        return decode_output(self.command, self.out, self.request)

    def fields(self) -> dict[str, Any]:
        return {leaf.path: leaf.value for leaf in iter_leaves(self.tree())}


class Rig:
    """One simulated host, function 0 open, a settable clock."""

    def __init__(self, profile: str = "cx7", seed: int = 7) -> None:
        self.t = 0.0
        self.host = SimHost(profile, seed=seed, clock=lambda: self.t)
        self.firmware = self.host.functions[0].firmware
        self.dev = self.host.functions[0].open()

    def call(self, name: str, values: dict[str, Any] | None = None, *, op_mod: int | None = None,
             out_len: int | None = None, request: bytes | None = None,
             scope: Scope | None = None) -> Answer:
        cmd = find(name)
        data = request if request is not None else encode_input(cmd, values or {}, op_mod=op_mod)
        op = int.from_bytes(data[6:8], "big")
        need = least_scope(cmd.opcode, op)
        size = out_len if out_len is not None else reply_buffer_size(cmd, data)  # as send asks
        result = self.dev.rpc(scope if scope is not None else need or Scope.DEBUG_READ_ONLY,
                              data, size)
        return Answer(result.errno, result.data(), data, cmd)

    def example(self, name: str) -> Answer:
        ex = self.firmware.example(name)
        return self.call(name, ex.values, op_mod=ex.op_mod)


@pytest.fixture(scope="module", params=PROFILE_NAMES)
def rig(request: pytest.FixtureRequest) -> Rig:
    return Rig(request.param)


@pytest.mark.parametrize("opcode", OPCODES, ids=[entries()[o].name for o in OPCODES])
def test_every_command_answers_as_documented(rig: Rig, opcode: int) -> None:
    name = entries()[opcode].name
    required = required_status(rig.firmware.profile.name, name)
    expected = rig.firmware.example(name).expect
    if required == "BAD_OP":  # refused by opcode alone, whatever the input
        answer = rig.call(name)
        assert (answer.status, answer.syndrome) == (
            ErrorKind.UNSUPPORTED_COMMAND.status,
            syndrome(opcode, ErrorKind.UNSUPPORTED_COMMAND)), name
        assert expected is ErrorKind.UNSUPPORTED_COMMAND, name  # examples.py agrees
    elif required == "OK":
        answer = rig.example(name)
        assert (answer.errno, answer.status, answer.syndrome) == (0, 0, 0), name
        assert expected is None, name
    else:
        answer = rig.example(name)
        if required is not None:
            assert expected is not None and expected.value[0] == required, name
        assert answer.status == (0 if expected is None else expected.status), name
        if expected is None:
            assert answer.syndrome == 0
        else:
            assert answer.syndrome == syndrome(opcode, expected)
    assert answer.errno == 0
    node_to_json(answer.tree())  # the catalogue decodes the whole reply


def test_the_expectation_table_names_real_commands() -> None:
    names = {entry.name for entry in entries().values()}
    for family, pattern in FAMILIES.items():
        assert any(re.search(pattern, name) for name in names), family
    assert set(DAILY) <= names and set(STATE_REFUSED) <= names
    assert all(len(_families(name)) <= 1 for name in names)


def test_plain_nics_refuse_hardware_they_lack_and_bf3_has_dpa() -> None:
    for profile, status in (("cx7", ErrorKind.UNSUPPORTED_COMMAND.status), ("bf3", 0)):
        assert Rig(profile).call("QUERY_DPA_PARTITIONS").status == status
    cx6dx = Rig("cx6dx")
    for name in ("FPGA_QUERY_QP", "QUERY_AFU", "QUERY_NVMF_CC_RESPONSE", "QUERY_REGEXP_PARAMS",
                 "QUERY_VUID", "QUERY_CRYPTO_STATE"):
        answer = cx6dx.call(name)
        assert (answer.status, answer.syndrome) == (
            ErrorKind.UNSUPPORTED_COMMAND.status,
            syndrome(find(name).opcode, ErrorKind.UNSUPPORTED_COMMAND)), name


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_every_capability_page_of_the_profile_answers_max_and_current(profile: str) -> None:
    rig = Rig(profile)
    pages = {p["name"]: p for p in cap_pages()}
    for name, page in rig.firmware.profile.caps.items():
        member = pages[name]["member"]
        maximum = rig.call("QUERY_HCA_CAP", op_mod=pages[name]["type"] << 1)
        current = rig.call("QUERY_HCA_CAP", op_mod=pages[name]["type"] << 1 | 1)
        assert (maximum.status, current.status) == (0, 0), name
        got_max, got_cur = maximum.fields(), current.fields()
        for path in page.max:
            key = f"capability.{member}.{path}"
            if path not in ("vhca_id", "native_port_num"):
                assert got_max[key] == page.max[path], key
            assert got_cur[key] <= got_max[key], key


def test_capability_page_the_card_lacks_is_bad_param() -> None:
    rig = Rig("cx6dx")
    tls = next(p["type"] for p in cap_pages() if p["name"] == "TLS")
    answer = rig.call("QUERY_HCA_CAP", op_mod=tls << 1 | 1)
    assert answer.status == ErrorKind.UNSUPPORTED_CAP_TYPE.status
    assert answer.syndrome == syndrome(0x100, ErrorKind.UNSUPPORTED_CAP_TYPE)


def test_general_caps_carry_the_function_identity() -> None:
    rig = Rig("cx7")
    second = rig.host.functions[1].open()
    cmd = find("QUERY_HCA_CAP")
    data = encode_input(cmd, {}, op_mod=1)
    result = second.rpc(Scope.CONFIGURATION, data, reply_buffer_size(cmd, data))
    fields = {leaf.path: leaf.value for leaf in iter_leaves(decode_output(cmd, result.data(),
                                                                         data))}
    assert fields["capability.cmd_hca_cap.vhca_id"] == 1
    assert fields["capability.cmd_hca_cap.native_port_num"] == 2


def test_unknown_op_mod_is_bad_param_with_a_syndrome() -> None:
    answer = Rig().call("QUERY_ISSI", op_mod=5)
    assert answer.status == ErrorKind.BAD_OP_MOD.status == 3
    info = explain(answer.syndrome)
    assert info is not None and info.kind is ErrorKind.BAD_OP_MOD and info.command == "QUERY_ISSI"


def test_nonexistent_object_is_bad_resource() -> None:
    rig = Rig()
    for name, field in (("QUERY_CQ", "cqn"), ("QUERY_QP", "qpn"), ("QUERY_TIR", "tirn"),
                        ("QUERY_MKEY", "mkey_index")):
        answer = rig.call(name, {field: 0xABCDE})
        assert answer.status == ErrorKind.NO_SUCH_OBJECT.status == 5, name  # BAD_RES
        assert answer.syndrome == syndrome(find(name).opcode, ErrorKind.NO_SUCH_OBJECT)


def test_short_input_and_short_output() -> None:
    rig = Rig()
    counters = encode_input(find("QUERY_VPORT_COUNTER"), {})
    assert len(counters) == 32
    short_in = rig.call("QUERY_VPORT_COUNTER", request=counters[:16])
    assert short_in.status == ErrorKind.INPUT_TOO_SHORT.status == 0x50
    padded_header_only = rig.call("QUERY_HCA_CAP", op_mod=1, out_len=64)
    assert padded_header_only.errno == 0
    assert padded_header_only.status == ErrorKind.OUTPUT_TOO_SHORT.status == 0x51
    assert len(padded_header_only.out) == 64
    reg = find("ACCESS_REG:PPCNT")
    data = encode_input(reg, rig.firmware.register_example("PPCNT"), op_mod=1)
    truncated = rig.call("ACCESS_REG", request=data[:64])
    assert truncated.status == ErrorKind.INPUT_TOO_SHORT.status == 0x50


def test_syndromes_are_unique_and_explained() -> None:
    assert len(table()) == len(entries()) * len(ErrorKind)
    info = explain(syndrome(0x805, ErrorKind.BAD_INDEX))
    assert info is not None and "simulator" in info.text
    assert explain(0) is None


@pytest.mark.parametrize("kind", list(ErrorKind), ids=[k.name for k in ErrorKind])
def test_status_decoder_explains_simulator_syndromes(kind: ErrorKind) -> None:
    text = explain_syndrome(syndrome(0x100, kind), 0x100, syndromes_for(True)) or ""
    assert kind.name in text and "QUERY_HCA_CAP" in text
    assert "simulator" in text and "not publicly documented" not in text


def test_real_unknown_syndromes_stay_undocumented() -> None:
    unknown = next(v for v in range(0x1234ABCD, 0x1234ABFF) if explain(v) is None)
    assert "not publicly documented" in (explain_syndrome(unknown, 0x100, syndromes_for(True))
                                         or "")


def test_decoders_explain_without_importing_the_simulator() -> None:
    code = ("import sys; from fwctl_tui.decoders.mlx5.status import explain_syndrome;"
            " explain_syndrome(1, 0x100);"
            " assert not [m for m in sys.modules if m.startswith('fwctl_tui.sim')]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_mailbox_shorter_than_its_header_is_a_short_input() -> None:
    fw = ConnectXFirmware(load_profile("cx7"), 0, seed=1, clock=lambda: 0.0)
    out = fw.execute(bytes.fromhex("0100"), 64)
    assert out[0] == ErrorKind.INPUT_TOO_SHORT.status
    assert int.from_bytes(out[4:8], "big") == syndrome(0x100, ErrorKind.INPUT_TOO_SHORT)


def test_op_mod_comes_from_the_request_header() -> None:
    fw = ConnectXFirmware(load_profile("cx7"), 0, seed=1, clock=lambda: 0.0)
    cmd = find("QUERY_HCA_CAP")
    data = bytearray(encode_input(cmd, {}, op_mod=1))
    assert fw.execute(bytes(data), reply_buffer_size(cmd, bytes(data)))[0] == 0
    data[6:8] = (0x7F).to_bytes(2, "big")  # a capability page nobody defines
    out = fw.execute(bytes(data), reply_buffer_size(cmd, bytes(data)))
    assert (out[0], int.from_bytes(out[4:8], "big")) == (
        ErrorKind.BAD_OP_MOD.status, syndrome(0x100, ErrorKind.BAD_OP_MOD))


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_query_other_hca_cap_answers_the_functions_roce_bit(profile: str) -> None:
    """A 96-byte other_hca_cap reply whose roce bit is the function's RoCE capability."""
    rig = Rig(profile)
    device = rig.firmware.device
    answer = rig.call("QUERY_OTHER_HCA_CAP", {"function_id": 0})
    assert (answer.errno, answer.status, len(answer.out)) == (0, 0, 96)
    roce = rig.firmware.profile.caps["GENERAL"].cur["roce"]
    assert answer.fields() == {"status": 0, "syndrome": 0, "other_capability.roce": roce}
    assert answer.out[16] >> 7 == roce and answer.out[17:] == bytes(79)  # the rest reserved
    device.caps_cur["GENERAL"]["roce"] = 0  # RoCE switched off for the function
    assert rig.call("QUERY_OTHER_HCA_CAP", {"function_id": 0}).fields()[
        "other_capability.roce"] == 0


def test_query_other_hca_cap_has_no_op_mod_variants() -> None:
    answer = Rig().call("QUERY_OTHER_HCA_CAP", {"function_id": 0}, op_mod=1)
    assert answer.status == ErrorKind.BAD_OP_MOD.status
    assert answer.syndrome == syndrome(find("QUERY_OTHER_HCA_CAP").opcode, ErrorKind.BAD_OP_MOD)

"""The CXL fwctl wire format (include/uapi/fwctl/cxl.h, include/uapi/cxl/features.h).

Every offset and size comes from the packaged facts (fwctl_facts.json `structs`, and
cxl_pds.json for opcodes, flags, effects and return codes), never from a literal here.
All CXL fields are little-endian and the structs are packed.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from fwctl_tui.facts import facts


@cache
def cxl_facts() -> dict[str, Any]:
    """The `cxl` section of the packaged cxl_pds.json (../shared/reference/cxl-pds.json)."""
    text = resources.files("fwctl_tui").joinpath("data/cxl_pds.json").read_text("utf-8")
    section: dict[str, Any] = json.loads(text)["cxl"]
    return section


def _fields(struct: str) -> dict[str, tuple[int, int]]:
    """name -> (offset, size) of a uAPI struct in the kernel facts."""
    return {f["name"]: (f["offset"], f["size"]) for f in facts()["structs"][struct]["fields"]}


def _size(struct: str) -> int:
    size: int = facts()["structs"][struct]["size"]
    return size


RPC_IN = _fields("fwctl_rpc_cxl")
RPC_IN_HEADER = RPC_IN["get_sup_feats_in"][0]  # the payload union starts after the header
RPC_OUT = _fields("fwctl_rpc_cxl_out")
RPC_OUT_SIZE = _size("fwctl_rpc_cxl_out")  # sizeof(): what the driver adds to every reply
RPC_OUT_HEADER = RPC_OUT["payload"][0]
GSF_IN = _fields("cxl_mbox_get_sup_feats_in")
GSF_IN_SIZE = _size("cxl_mbox_get_sup_feats_in")
GSF_OUT = _fields("cxl_mbox_get_sup_feats_out")
GSF_OUT_SIZE = _size("cxl_mbox_get_sup_feats_out")
ENTRY = _fields("cxl_feat_entry")
ENTRY_SIZE = _size("cxl_feat_entry")
GET_FEAT_IN = _fields("cxl_mbox_get_feat_in")
GET_FEAT_IN_SIZE = _size("cxl_mbox_get_feat_in")
SET_FEAT_IN = _fields("cxl_mbox_set_feat_in")
SET_FEAT_IN_HEADER = _size("cxl_mbox_set_feat_in")

OPCODES: dict[str, int] = {
    name.removeprefix("CXL_MBOX_OP_"): value for name, value in facts()["cxl"]["opcodes"].items()
}
GET_SUPPORTED_FEATURES = OPCODES["GET_SUPPORTED_FEATURES"]
GET_FEATURE = OPCODES["GET_FEATURE"]
SET_FEATURE = OPCODES["SET_FEATURE"]

FEATURE_FLAGS: dict[str, int] = {k: 1 << v for k, v in cxl_facts()["feat_flags"].items()}
EFFECTS: dict[str, int] = {
    k: 1 << v for k, v in cxl_facts()["effects_bits"].items() if isinstance(v, int)
}
RETURN_CODES: dict[str, int] = {name: i for i, name in enumerate(cxl_facts()["return_codes"])}
_SET_FLAGS = cxl_facts()["set_feat_flags"]
DATA_TRANSFER: dict[str, int] = next(v for k, v in _SET_FLAGS.items() if "data_transfer" in k)
DATA_TRANSFER_MASK = (1 << max(DATA_TRANSFER.values()).bit_length()) - 1


def put(buf: bytearray, where: tuple[int, int], value: int | bytes) -> None:
    """Store an integer (little-endian, the field's width) or raw bytes at a field."""
    offset, size = where
    raw = value if isinstance(value, bytes) else value.to_bytes(size, "little")
    buf[offset:offset + len(raw)] = raw


def get(buf: bytes, where: tuple[int, int], base: int = 0) -> int:
    """A little-endian integer field of `buf` (a struct starting at `base`)."""
    offset, size = where
    return int.from_bytes(buf[base + offset:base + offset + size], "little")


def rpc_request(opcode: int, payload: bytes = b"", *, flags: int = 0,
                op_size: int | None = None, reserved: int = 0) -> bytes:
    """struct fwctl_rpc_cxl: the 16-byte header then the command payload."""
    head = bytearray(RPC_IN_HEADER)
    put(head, RPC_IN["opcode"], opcode)
    put(head, RPC_IN["flags"], flags)
    put(head, RPC_IN["op_size"], len(payload) if op_size is None else op_size)
    put(head, RPC_IN["reserved1"], reserved)
    return bytes(head) + payload


def get_supported_features_in(count: int, start: int = 0) -> bytes:
    """cxl_mbox_get_sup_feats_in: `count` bytes of entries wanted from index `start`."""
    buf = bytearray(GSF_IN_SIZE)
    put(buf, GSF_IN["count"], count)
    put(buf, GSF_IN["start_idx"], start)
    return bytes(buf)


def get_feature_in(uuid: bytes, count: int, offset: int = 0, selection: int = 0) -> bytes:
    """cxl_mbox_get_feat_in: read `count` bytes of a feature's data from `offset`."""
    buf = bytearray(GET_FEAT_IN_SIZE)
    put(buf, GET_FEAT_IN["uuid"], uuid)
    put(buf, GET_FEAT_IN["offset"], offset)
    put(buf, GET_FEAT_IN["count"], count)
    put(buf, GET_FEAT_IN["selection"], selection)
    return bytes(buf)


def set_feature_in(uuid: bytes, data: bytes, *, flags: int = 0, offset: int = 0,
                   version: int = 1) -> bytes:
    """cxl_mbox_set_feat_in: its 32-byte header then the feature data."""
    buf = bytearray(SET_FEAT_IN_HEADER)
    put(buf, SET_FEAT_IN["uuid"], uuid)
    put(buf, SET_FEAT_IN["flags"], flags)
    put(buf, SET_FEAT_IN["offset"], offset)
    put(buf, SET_FEAT_IN["version"], version)
    return bytes(buf) + data

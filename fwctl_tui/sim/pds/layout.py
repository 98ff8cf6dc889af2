"""struct fwctl_rpc_pds (include/uapi/fwctl/pds.h): offsets and sizes from the facts.

FWCTL_RPC's `in` and `out` both point at this one 48-byte struct; the request and
response payloads travel through the user addresses inside it.
"""

from __future__ import annotations

from fwctl_tui.facts import facts

FIELDS: dict[str, tuple[int, int]] = {
    f["name"]: (f["offset"], f["size"]) for f in facts()["structs"]["fwctl_rpc_pds"]["fields"]
}
SIZE: int = facts()["structs"]["fwctl_rpc_pds"]["size"]


def get(buf: bytes, name: str) -> int:
    offset, size = FIELDS[name]
    return int.from_bytes(buf[offset:offset + size], "little")


def put(buf: bytearray, name: str, value: int) -> None:
    offset, size = FIELDS[name]
    buf[offset:offset + size] = value.to_bytes(size, "little")


def rpc_struct(ep: int, op: int, in_len: int, in_addr: int, out_len: int,
               out_addr: int) -> bytes:
    """The 48-byte request: endpoint, operation, and where the payloads are."""
    buf = bytearray(SIZE)
    for name, value in (("in.ep", ep), ("in.op", op), ("in.len", in_len),
                        ("in.payload", in_addr), ("out.len", out_len),
                        ("out.payload", out_addr)):
        put(buf, name, value)
    return bytes(buf)

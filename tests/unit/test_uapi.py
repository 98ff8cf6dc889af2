"""Every uAPI number and offset the code uses equals the kernel facts in ../shared/reference."""

from __future__ import annotations

import ctypes
import json
import pathlib

import pytest

from fwctl_tui import allowlist, uapi
from fwctl_tui.facts import facts

REPO = pathlib.Path(__file__).resolve().parents[2]
REFERENCE = REPO.parent / "shared" / "reference" / "fwctl-facts.json"


@pytest.fixture(scope="module")
def reference() -> dict:
    if not REFERENCE.is_file():
        pytest.skip(f"reference facts not found at {REFERENCE}")
    return json.loads(REFERENCE.read_text())


def test_packaged_facts_are_the_reference(reference: dict) -> None:
    assert facts() == reference, "run `make generate` to refresh fwctl_tui/data/fwctl_facts.json"


def test_ioctl_numbers(reference: dict) -> None:
    assert uapi.FWCTL_INFO == reference["ioctl"]["FWCTL_INFO"] == 0x9A00
    assert uapi.FWCTL_RPC == reference["ioctl"]["FWCTL_RPC"] == 0x9A01
    # _IO(type, nr): type in bits 8..15, nr in bits 0..7, no size or direction bits.
    meta = reference["ioctl_meta"]
    assert (meta["FWCTL_TYPE"] << 8) | meta["FWCTL_CMD_INFO"] == uapi.FWCTL_INFO
    assert (meta["FWCTL_TYPE"] << 8) | meta["FWCTL_CMD_RPC"] == uapi.FWCTL_RPC


@pytest.mark.parametrize(
    ("struct", "ctype"),
    [("fwctl_info", uapi.FwctlInfo), ("fwctl_rpc", uapi.FwctlRpc),
     ("fwctl_info_mlx5", uapi.FwctlInfoMlx5)],
)
def test_struct_layouts(reference: dict, struct: str, ctype: type[ctypes.Structure]) -> None:
    spec = reference["structs"][struct]
    assert ctypes.sizeof(ctype) == spec["size"]
    assert ctypes.alignment(ctype) == spec["align"]
    for field in spec["fields"]:
        descriptor = getattr(ctype, field["name"])
        assert descriptor.offset == field["offset"], field["name"]
        assert descriptor.size == field["size"], field["name"]


def test_sizes_match_kernel_minimums(reference: dict) -> None:
    assert ctypes.sizeof(uapi.FwctlInfo) == reference["limits"]["fwctl_info_min_size"] == 24
    assert ctypes.sizeof(uapi.FwctlRpc) == reference["limits"]["fwctl_rpc_min_size"] == 32


def test_scopes_device_types_taint_limits(reference: dict) -> None:
    assert {f"FWCTL_RPC_{s.name}": int(s) for s in uapi.Scope} == reference["scopes"]
    assert {f"FWCTL_DEVICE_TYPE_{t.name}": int(t) for t in uapi.DeviceType} == reference[
        "device_types"
    ]
    assert uapi.TAINT_FWCTL_BIT == reference["taint"]["bit"] == 19
    assert uapi.TAINT_FWCTL_MASK == 1 << 19 == reference["taint"]["mask"]
    assert uapi.TAINT_FWCTL_LETTER == "J"
    assert uapi.MAX_RPC_LEN == reference["limits"]["MAX_RPC_LEN"] == 2 * 1024 * 1024
    assert {s.name for s in uapi.TAINTING_SCOPES} == {"DEBUG_WRITE", "DEBUG_WRITE_FULL"}
    assert {s.name for s in uapi.CAP_SYS_RAWIO_SCOPES} == {"DEBUG_WRITE_FULL"}


def test_allow_list_matches_reference(reference: dict) -> None:
    rows = reference["mlx5"]["allow_list"]
    assert len(allowlist.entries()) == len(rows) == reference["mlx5"]["allow_list_counts"][
        "newest_total"
    ]
    for row in rows:
        entry = allowlist.entries()[row["opcode"]]
        rule = row.get("op_mod_rule")
        if rule:
            assert entry.min_scope_for(0) == rule["op_mod_0_write_min_scope_value"]
            assert entry.min_scope_for(1) == rule["op_mod_nonzero_min_scope_value"]
        else:
            assert entry.min_scope_for(0) == row["min_scope_value"]
            assert entry.min_scope_for(7) == row["min_scope_value"]


def test_allow_list_grows_with_kernel_version(reference: dict) -> None:
    counts = reference["mlx5"]["allow_list_counts"]
    v615 = [op for op in allowlist.entries() if allowlist.lookup(op, (6, 15))]
    assert len(v615) == counts["v6.15_total"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", uapi.Scope.DEBUG_READ_ONLY), ("debug_write", uapi.Scope.DEBUG_WRITE),
     ("FWCTL_RPC_CONFIGURATION", uapi.Scope.CONFIGURATION), ("debug-write-full", 3)],
)
def test_parse_scope(text: str, expected: int) -> None:
    assert uapi.parse_scope(text) == expected


def test_parse_scope_rejects_unknown() -> None:
    with pytest.raises(ValueError, match="unknown scope"):
        uapi.parse_scope("root")

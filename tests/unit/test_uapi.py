"""Every uAPI number and offset the code uses equals the kernel facts in ../shared/reference."""

from __future__ import annotations

import ctypes
import json
import os
import pathlib

import pytest

from fwctl_tui import allowlist, uapi
from fwctl_tui.facts import facts

REPO = pathlib.Path(__file__).resolve().parents[2]
# the same place tools/reference.py looks: $FWCTL_TUI_REFERENCE, else ../shared/reference
REFERENCE = pathlib.Path(
    os.environ.get("FWCTL_TUI_REFERENCE") or REPO.parent / "shared" / "reference"
) / "fwctl-facts.json"


def reference_or_skip(path: pathlib.Path) -> dict:
    """The reference facts; skipped in a developer's clone without them, a failure in CI."""
    if not path.is_file():
        message = f"reference facts not found at {path}"
        if os.environ.get("CI"):  # in CI the guarantee must never silently disappear
            pytest.fail(f"CI is set but {message}", pytrace=False)
        pytest.skip(message)
    data: dict = json.loads(path.read_text())
    return data


@pytest.fixture(scope="module")
def reference() -> dict:
    return reference_or_skip(REFERENCE)


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


@pytest.mark.parametrize("text", ["root", "7", 7, "-1"])
def test_parse_scope_rejects_unknown(text: object) -> None:
    with pytest.raises(ValueError, match=r"unknown scope .*expected one of .* or 0\.\.3"):
        uapi.parse_scope(text)  # type: ignore[arg-type]


GUARDS = {
    "test_facts_guard.py": """
import pathlib
import sys
sys.path[:0] = [{repo!r}, {unit!r}]
from test_uapi import reference_or_skip

def test_facts():
    reference_or_skip(pathlib.Path("/nonexistent/fwctl-facts.json"))
""",
    "test_generator_guard.py": """
import sys
sys.path[:0] = [{repo!r}, {unit!r}]
import test_catalogue_generator  # noqa: F401  (its module-level guard runs on import)
""",
}


@pytest.mark.parametrize(("ci", "expected"), [("true", "1 failed, 1 error"), ("", "2 skipped")])
def test_missing_reference_skips_locally_and_fails_in_ci(
    tmp_path: pathlib.Path, ci: str, expected: str
) -> None:
    """Both guards (this file's and test_catalogue_generator's) in a run without the
    reference: skipped in a developer's clone, failed (not skipped) when CI is set."""
    import subprocess
    import sys

    for name, text in GUARDS.items():
        (tmp_path / name).write_text(
            text.format(repo=str(REPO), unit=str(REPO / "tests" / "unit")))
    env = {**os.environ, "CI": ci, "FWCTL_TUI_REFERENCE": str(tmp_path / "nowhere")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs",
         "--continue-on-collection-errors", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )
    assert expected in done.stdout, done.stdout
    assert ("CI is set but" in done.stdout) == bool(ci)

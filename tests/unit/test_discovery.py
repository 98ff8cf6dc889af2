"""Discovery over fake sysfs//dev trees: normal hosts and every way a tree can be odd."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from fwctl_tui.discovery import ROOT_ENV, DeviceEntry, resolve, scan

CAP_NAME = "MLX5_UCTX_OBJECT_CAP_TOOLS_RESOURCES"

ENTRY_KEYS = {
    "name", "dev_node", "kind", "major_minor", "device_type", "device_type_value",
    "type_source", "pci_bdf", "pci_ids", "cxl_memdev", "parent", "driver", "netdevs", "rdma",
    "can_open", "reason", "info", "firmware_version", "board", "psid", "notes",
}  # fmt: skip


def test_dual_port_mlx5_host(fake_sysfs) -> None:
    fake_sysfs.mlx5_dual_port()
    entries = scan(fake_sysfs.root)
    assert [e.name for e in entries] == ["fwctl0", "fwctl1"]
    first = entries[0]
    assert first.dev_node == str(fake_sysfs.root / "dev/fwctl/fwctl0")
    assert first.kind == "live"
    assert first.major_minor == "511:0"
    assert first.pci_bdf == "0000:3b:00.0"
    assert first.pci_ids == "15b3:1021"
    assert first.driver == "mlx5_core"
    assert first.netdevs == ("ens1f0np0",)
    assert first.rdma == ("mlx5_0",)
    assert first.firmware_version == "28.39.1002"
    assert first.psid == "MT_0000000838"
    assert first.cxl_memdev is None
    assert first.parent is not None and first.parent.endswith("0000:3b:00.0")
    assert entries[1].pci_bdf == "0000:3b:00.1"
    assert entries[1].major_minor == "511:1"


def test_regular_file_node_gives_enotty_and_type_from_driver(fake_sysfs) -> None:
    fake_sysfs.mlx5_dual_port()
    entry = scan(fake_sysfs.root)[0]
    assert entry.can_open is False
    assert entry.reason is not None and "ENOTTY" in entry.reason
    assert "/dev/fwctl/fwctlN" in entry.reason  # what to do
    assert entry.device_type == "mlx5"
    assert entry.device_type_value is None  # FWCTL_INFO did not say it
    assert entry.type_source == "parent driver mlx5_core"
    assert any("stands in" in note for note in entry.notes)


def test_fwctl_info_success_fills_type_and_info(fake_sysfs, stub_fwctl_info) -> None:
    fake_sysfs.mlx5_dual_port()
    entry = scan(fake_sysfs.root)[0]
    assert entry.can_open is True
    assert entry.reason is None
    assert entry.device_type == "mlx5"
    assert entry.device_type_value == 1
    assert entry.type_source == "FWCTL_INFO"
    assert entry.info == {"uid": 0x11, "uctx_caps": 0x4, "uctx_cap_names": [CAP_NAME]}


def test_probe_false_opens_nothing(fake_sysfs, monkeypatch) -> None:
    fake_sysfs.mlx5_dual_port()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("opened")

    monkeypatch.setattr("fwctl_tui.discovery.FwctlDevice.open", refuse)
    entry = scan(fake_sysfs.root, probe=False)[0]
    assert (entry.can_open, entry.reason, entry.device_type) == (False, None, "mlx5")


def test_names_sort_numerically(fake_sysfs) -> None:
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    for index in (10, 2, 1):
        fake_sysfs.fwctl(f"fwctl{index}", parent, dev=f"511:{index}")
    fake_sysfs.dev_node("README")  # not a fwctl name: ignored
    assert [e.name for e in scan(fake_sysfs.root)] == ["fwctl1", "fwctl2", "fwctl10"]


def test_missing_dev_node(fake_sysfs) -> None:
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    fake_sysfs.fwctl("fwctl0", parent, dev="511:0", node=False)
    (entry,) = scan(fake_sysfs.root)
    assert entry.can_open is False
    assert entry.reason is not None
    assert "missing" in entry.reason and "mknod" in entry.reason and "c 511 0" in entry.reason
    assert entry.device_type == "mlx5"


def test_dev_node_without_sysfs_entry(fake_sysfs) -> None:
    fake_sysfs.dev_node("fwctl3")
    (entry,) = scan(fake_sysfs.root)
    assert entry.name == "fwctl3"
    assert entry.can_open is False
    assert entry.reason is not None and "no sysfs entry" in entry.reason
    assert entry.device_type == "unknown"
    assert entry.parent is None


def test_dangling_device_link(fake_sysfs) -> None:
    gone = fake_sysfs.root / "sys/devices/pci0000:00/0000:99:00.0"
    fake_sysfs.fwctl("fwctl0", gone)
    (entry,) = scan(fake_sysfs.root)
    assert entry.parent is None and entry.pci_bdf is None and entry.driver is None
    assert any("dangling" in note for note in entry.notes)
    assert entry.device_type == "unknown"


def test_missing_device_link(fake_sysfs) -> None:
    fake_sysfs.fwctl("fwctl0", None)
    (entry,) = scan(fake_sysfs.root)
    assert entry.parent is None
    assert any("parent device unknown" in note for note in entry.notes)


def test_unreadable_dev_file(fake_sysfs) -> None:
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    devdir = fake_sysfs.fwctl("fwctl0", parent)
    (devdir / "dev").unlink()
    (devdir / "dev").mkdir()  # reading it fails with EISDIR, like an unreadable attribute
    (entry,) = scan(fake_sysfs.root)
    assert entry.major_minor is None
    assert any("cannot read" in note for note in entry.notes)


def test_permission_denied(fake_sysfs, monkeypatch) -> None:
    """Tests run as root, so EACCES comes from a patched os.open, as a 0600 node would give."""
    fake_sysfs.mlx5_dual_port()
    denied = str(fake_sysfs.root / "dev/fwctl/fwctl1")
    real_open = os.open

    def fake_open(path, flags, *args, **kwargs):
        if str(path) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    entries = scan(fake_sysfs.root)
    assert entries[1].can_open is False
    assert entries[1].reason is not None
    assert "EACCES" in entries[1].reason and "udev rule" in entries[1].reason
    assert "ENOTTY" in (entries[0].reason or "")  # the other node is unaffected


def test_cxl_memdev_parent(fake_sysfs) -> None:
    mem = fake_sysfs.cxl_memdev("mem0", bdf="0000:35:00.0", firmware_version="2.0.1")
    fake_sysfs.fwctl("fwctl0", mem, dev="511:0")
    (entry,) = scan(fake_sysfs.root)
    assert entry.cxl_memdev == "mem0"
    assert entry.pci_bdf == "0000:35:00.0"
    assert entry.driver == "cxl_mem"
    assert entry.device_type == "cxl"
    assert entry.firmware_version == "2.0.1"
    assert entry.netdevs == () and entry.rdma == ()


def test_mlx5_aux_parent_finds_pci_function(fake_sysfs) -> None:
    pci = fake_sysfs.pci_function("0000:3b:00.0", net=["eth0"])
    aux = pci / "mlx5_core.fwctl.0"
    aux.mkdir()
    fake_sysfs.fwctl("fwctl0", aux)
    (entry,) = scan(fake_sysfs.root)
    assert entry.pci_bdf == "0000:3b:00.0"
    assert entry.netdevs == ("eth0",)
    assert entry.driver == "mlx5_core"
    assert entry.device_type == "mlx5"


@pytest.mark.parametrize("make_class_dir", [False, True])
def test_no_fwctl_devices(tmp_path: Path, make_class_dir: bool) -> None:
    if make_class_dir:
        (tmp_path / "sys/class/fwctl").mkdir(parents=True)
        (tmp_path / "dev").mkdir()
    assert scan(tmp_path) == []


def test_root_from_environment(fake_sysfs, monkeypatch) -> None:
    fake_sysfs.mlx5_dual_port()
    monkeypatch.setenv(ROOT_ENV, str(fake_sysfs.root))
    assert [e.name for e in scan()] == ["fwctl0", "fwctl1"]


def test_fifo_node_is_never_opened(fake_sysfs) -> None:
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    fake_sysfs.fwctl("fwctl0", parent, node=False)
    node = fake_sysfs.root / "dev/fwctl/fwctl0"
    node.parent.mkdir(parents=True)
    os.mkfifo(node)
    (entry,) = scan(fake_sysfs.root)
    assert entry.reason is not None and "not a character device" in entry.reason


def _mknod_or_skip(path: Path, major: int, minor: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(major, minor))
    except OSError as exc:
        pytest.skip(f"cannot mknod here: {exc}")


def test_char_node_with_other_major_minor_is_not_opened(fake_sysfs) -> None:
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    fake_sysfs.fwctl("fwctl0", parent, dev="511:0", node=False)
    _mknod_or_skip(fake_sysfs.root / "dev/fwctl/fwctl0", 1, 3)  # /dev/null's numbers
    (entry,) = scan(fake_sysfs.root)
    assert entry.reason is not None and "stale" in entry.reason and "1:3" in entry.reason


def test_char_node_matching_sysfs_is_asked_for_info(fake_sysfs) -> None:
    """A real character device (the null device) through the real syscall: ENOTTY."""
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    fake_sysfs.fwctl("fwctl0", parent, dev="1:3", node=False)
    _mknod_or_skip(fake_sysfs.root / "dev/fwctl/fwctl0", 1, 3)
    (entry,) = scan(fake_sysfs.root)
    assert entry.reason is not None and "FWCTL_INFO" in entry.reason and "ENOTTY" in entry.reason
    assert not entry.notes


def test_as_json_shape(fake_sysfs, stub_fwctl_info) -> None:
    fake_sysfs.mlx5_dual_port()
    record = scan(fake_sysfs.root)[0].as_json()
    assert set(record) == ENTRY_KEYS
    assert record["netdevs"] == ["ens1f0np0"]
    assert json.loads(json.dumps(record)) == record


def test_entry_is_hashable_and_frozen() -> None:
    entry = DeviceEntry(name="fwctl0", info={"uid": 1})
    assert hash(entry) == hash(DeviceEntry(name="fwctl0", info={"uid": 2}))
    assert entry.index == 0
    with pytest.raises(AttributeError):
        entry.name = "x"  # type: ignore[misc]


# --- resolve ---------------------------------------------------------------------------

ENTRIES = [
    DeviceEntry(name="fwctl0", dev_node="/dev/fwctl/fwctl0", pci_bdf="0000:3b:00.0"),
    DeviceEntry(name="fwctl1", dev_node="/tmp/root/dev/fwctl/fwctl1", pci_bdf="0000:3b:00.1"),
    DeviceEntry(name="sim:cx7", kind="simulated", pci_bdf="0000:08:00.0"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fwctl0", "fwctl0"),
        (" fwctl1 ", "fwctl1"),
        ("/dev/fwctl/fwctl0", "fwctl0"),
        ("/dev/fwctl/fwctl1", "fwctl1"),  # the node as the user knows it, under a fake root
        ("/tmp/root/dev/fwctl/fwctl1", "fwctl1"),
        ("0000:3b:00.1", "fwctl1"),
        ("3b:00.0", "fwctl0"),
        ("0000:3B:00.1", "fwctl1"),
        ("sim:cx7", "sim:cx7"),
        ("sim:cx7.0", "sim:cx7"),
    ],
)
def test_resolve(text: str, expected: str) -> None:
    assert resolve(text, ENTRIES).name == expected


def test_resolve_unknown_lists_known_names() -> None:
    with pytest.raises(LookupError) as info:
        resolve("fwctl7", ENTRIES)
    message = str(info.value)
    assert "fwctl7" in message and "fwctl0, fwctl1, sim:cx7" in message


def test_resolve_with_no_devices_suggests_simulation() -> None:
    with pytest.raises(LookupError, match="--simulate"):
        resolve("fwctl0", [])


def test_resolve_ambiguous_bdf() -> None:
    twins = [DeviceEntry(name=f"fwctl{i}", pci_bdf="0000:35:00.0") for i in (0, 1)]
    with pytest.raises(LookupError, match="fwctl0, fwctl1; name one"):
        resolve("35:00.0", twins)


def test_resolve_paths_never_pick_simulated_entries() -> None:
    simulated = [DeviceEntry(name="sim:cx7", dev_node="/dev/fwctl/fwctl0", kind="simulated")]
    with pytest.raises(LookupError):
        resolve("/dev/fwctl/fwctl0", simulated)


def test_resolve_bdf_prefers_live() -> None:
    both = [
        DeviceEntry(name="sim:cx7", kind="simulated", pci_bdf="0000:3b:00.0"),
        DeviceEntry(name="fwctl0", pci_bdf="0000:3b:00.0"),
    ]
    assert resolve("3b:00.0", both).name == "fwctl0"
    assert resolve("3b:00.0", both[:1]).name == "sim:cx7"


# --- nodes that cannot be verified are never opened --------------------------------------


def _refuse_open(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unverifiable node was opened")

    monkeypatch.setattr("fwctl_tui.discovery.FwctlDevice.open", refuse)


@pytest.mark.parametrize("dev", [None, "garbage", "511", "a:b", "511:0:1", ""])
def test_symlink_to_dev_zero_is_not_opened_without_a_usable_dev(
    fake_sysfs, monkeypatch, dev: str | None
) -> None:
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    devdir = fake_sysfs.fwctl("fwctl0", parent, node=False)
    if dev is None:
        (devdir / "dev").unlink()
    else:
        (devdir / "dev").write_text(dev + "\n")
    node = fake_sysfs.root / "dev/fwctl/fwctl0"
    node.parent.mkdir(parents=True)
    node.symlink_to("/dev/zero")
    _refuse_open(monkeypatch)
    (entry,) = scan(fake_sysfs.root)
    assert entry.major_minor is None  # garbage is never passed through
    assert entry.can_open is False
    assert entry.reason is not None and "cannot be verified" in entry.reason
    assert "1:5" in entry.reason  # what the node really is
    if dev:
        assert any(repr(dev) in note and "not MAJOR:MINOR" in note for note in entry.notes)
    else:
        assert any("cannot read" in note for note in entry.notes)


def test_regular_file_stand_in_needs_a_usable_dev_too(fake_sysfs, monkeypatch) -> None:
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    fake_sysfs.fwctl("fwctl0", parent, dev="not-a-number")
    _refuse_open(monkeypatch)
    (entry,) = scan(fake_sysfs.root)
    assert entry.reason is not None and "cannot be verified" in entry.reason


def test_dev_with_leading_zeros_is_normalised(fake_sysfs) -> None:
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    fake_sysfs.fwctl("fwctl0", parent, dev="0511:007", node=False)
    (entry,) = scan(fake_sysfs.root)
    assert entry.major_minor == "511:7" and "c 511 7" in (entry.reason or "")


PROC_DEVICES = "Character devices:\n  1 mem\n  4 tty\n{chr}\nBlock devices:\n{blk}\n"


@pytest.mark.parametrize(
    ("chr_line", "blk_line", "expected"),
    [
        ("511 fwctl", "", 511),
        ("", "511 fwctl", None),  # a block major of that name does not count
        ("", "", None),
        ("abc fwctl", "", None),
    ],
)
def test_registered_major(chr_line: str, blk_line: str, expected: int | None) -> None:
    from fwctl_tui.discovery import _registered_major

    text = PROC_DEVICES.format(chr=chr_line, blk=blk_line)
    assert _registered_major(text) == expected


@pytest.mark.parametrize(
    ("chr_line", "fragment"),
    [("511 fwctl", "registered major 511"), ("", "lists no 'fwctl'")],
)
def test_char_node_major_must_be_the_fwctl_major(fake_sysfs, chr_line, fragment) -> None:
    """/proc/devices (read under the root, so / on a real host) must agree as well."""
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    fake_sysfs.fwctl("fwctl0", parent, dev="1:3", node=False)
    _mknod_or_skip(fake_sysfs.root / "dev/fwctl/fwctl0", 1, 3)
    proc = fake_sysfs.root / "proc/devices"
    proc.parent.mkdir(parents=True)
    proc.write_text(PROC_DEVICES.format(chr=chr_line, blk=""))
    (entry,) = scan(fake_sysfs.root)
    assert entry.can_open is False
    assert entry.reason is not None and fragment in entry.reason


def test_char_node_with_the_registered_major_is_asked_for_info(fake_sysfs) -> None:
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    fake_sysfs.fwctl("fwctl0", parent, dev="1:3", node=False)
    _mknod_or_skip(fake_sysfs.root / "dev/fwctl/fwctl0", 1, 3)
    proc = fake_sysfs.root / "proc/devices"
    proc.parent.mkdir(parents=True)
    proc.write_text(PROC_DEVICES.format(chr="  1 fwctl", blk=""))
    (entry,) = scan(fake_sysfs.root)
    assert entry.reason is not None and "FWCTL_INFO" in entry.reason


def test_index_beyond_the_kernel_limit_is_listed_but_never_opened(fake_sysfs, monkeypatch) -> None:
    fake_sysfs.dev_node("fwctl99999999999999")
    parent = fake_sysfs.pci_function("0000:3b:00.0")
    fake_sysfs.fwctl("fwctl4096", parent, dev="511:4096")
    _refuse_open(monkeypatch)
    entries = scan(fake_sysfs.root)
    assert [e.name for e in entries] == ["fwctl4096", "fwctl99999999999999"]
    for entry in entries:
        assert entry.reason is not None and "beyond 4095" in entry.reason


@pytest.mark.parametrize("text", ["fwctl99999999999999", "fwctl4096", "/dev/fwctl/fwctl4096"])
def test_resolve_rejects_impossible_indexes(text: str) -> None:
    with pytest.raises(LookupError, match=r"numbered 0\.\.4095") as info:
        resolve(text, ENTRIES)
    assert "cannot exist" in str(info.value)


def test_resolve_highest_possible_index_is_just_unknown() -> None:
    with pytest.raises(LookupError, match="known devices"):
        resolve("fwctl4095", ENTRIES)


# --- roots that hold no sysfs --------------------------------------------------------------


def test_root_problem(tmp_path: Path, fake_sysfs) -> None:
    from fwctl_tui.discovery import root_problem

    assert "does not exist" in (root_problem(tmp_path / "nowhere") or "")
    assert "no sys/ directory" in (root_problem(tmp_path) or "")
    fake_sysfs.mlx5_dual_port()
    assert root_problem(fake_sysfs.root) is None


def test_scan_of_a_missing_root_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="fwctl_tui.discovery"):
        assert scan(tmp_path / "nowhere") == []
    assert any("does not exist" in record.getMessage() for record in caplog.records)


def test_cli_devices_on_a_missing_root_warns_on_stderr_only(tmp_path: Path) -> None:
    """The real stderr (no pytest logging capture): JSON on stdout stays parseable."""
    import subprocess
    import sys

    missing = str(tmp_path / "nowhere")
    done = subprocess.run(
        [sys.executable, "-m", "fwctl_tui", "--root", missing, "devices", "--json"],
        capture_output=True, text=True, check=False, cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    records = json.loads(done.stdout)
    assert all(record["kind"] == "simulated" for record in records)
    assert missing in done.stderr and "no sysfs" in done.stderr

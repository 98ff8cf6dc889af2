"""The same intent sends the same bytes from `send` and from the TUI's preview path.

For every register with update-enable bits and every field they govern, the CLI
(`send --set --dry-run --json`) and the TUI's headless path (the form's FormWrite built by
Workspace.prepare, as the App's worker does) build the write on the same simulated card;
the bytes must be equal and carry the enable bit. The enable-bit table itself is checked
against the register layouts' own access flags (the PRM marks enable bits write-only).
"""

from __future__ import annotations

import json

import pytest

from fwctl_tui.__main__ import main
from fwctl_tui.connect import SimHosts
from fwctl_tui.decoders import catalogue, decode_input, iter_leaves
from fwctl_tui.register_writes import ALSO_NEEDS, ENABLE_BITS, REGISTER_DATA
from fwctl_tui.workbench import catalogue_model
from fwctl_tui.workbench.workspace import DeviceSource, Workspace
from fwctl_tui.write_intent import build_write, write_only_given

CASES = [(register, governed) for register, table in ENABLE_BITS.items() for governed in table]


@pytest.fixture(scope="module")
def hosts() -> SimHosts:
    """One simulated cx7 for the module: the TUI's workspace and the CLI runs share it."""
    return SimHosts()


@pytest.fixture(scope="module")
def workspace(hosts: SimHosts):
    space = Workspace(DeviceSource(host=hosts.get("cx7"), hosts=hosts), recording=False)
    space.open("sim:cx7")
    yield space
    space.close()


def index_values(hosts: SimHosts, register: str) -> dict[str, int]:
    firmware = hosts.get("cx7").functions[0].firmware
    return firmware.register_example(register)


def cli_bytes(capsys: pytest.CaptureFixture[str], hosts: SimHosts, register: str,
              values: dict[str, int]) -> bytes:
    pairs = [f"{path.removeprefix(REGISTER_DATA)}={value}" for path, value in values.items()]
    code = main(["send", "sim:cx7", f"ACCESS_REG:{register}", *pairs, "--set", "--dry-run",
                 "--json"], hosts=hosts)
    doc = json.loads(capsys.readouterr().out)
    assert code == 0, doc
    return bytes.fromhex(doc["hex"])


def tui_bytes(workspace: Workspace, register: str, values: dict[str, int]) -> bytes:
    """What CommandScreen._write_plan hands the App for a form where the user typed
    `values` (no read first), after Workspace.prepare built it at preview time."""
    command = catalogue_model.find(f"ACCESS_REG:{register}").command
    request = catalogue_model.encode(command, values, 0)
    form_write = catalogue_model.form_write(values, values, None)
    plan = catalogue_model.plan(command, 0, values, request, form_write=form_write)
    return workspace.prepare(plan).request


def leaf(command_name: str, request: bytes, path: str) -> int:
    command = catalogue.find(command_name)
    return next(int(n.value) for n in iter_leaves(decode_input(command, request))
                if n.path == path)


@pytest.mark.parametrize(("register", "governed"), CASES)
def test_cli_and_tui_send_the_same_bytes(capsys, hosts, workspace, register: str,
                                         governed: str) -> None:
    values = {**index_values(hosts, register), REGISTER_DATA + governed: 0}
    cli = cli_bytes(capsys, hosts, register, values)
    tui = tui_bytes(workspace, register, values)
    assert cli == tui
    needed = (ENABLE_BITS[register][governed][0], *ALSO_NEEDS.get(register, {}).get(governed, ()))
    for enable in needed:
        assert leaf(f"ACCESS_REG:{register}", cli, REGISTER_DATA + enable) == 1, (
            f"{register}.{governed}=0 given: {enable} must be set so firmware applies it")


def test_ppsc_up_threshold_0_without_a_read_sets_up_th_vld(capsys, hosts, workspace) -> None:
    values = {"register_data.local_port": 1, "register_data.up_threshold": 0}
    cli = cli_bytes(capsys, hosts, "PPSC", values)
    assert cli == tui_bytes(workspace, "PPSC", values)
    assert leaf("ACCESS_REG:PPSC", cli, "register_data.up_th_vld") == 1


@pytest.mark.parametrize(("register", "governed"), CASES)
def test_enable_bit_table_matches_the_register_layouts(register: str, governed: str) -> None:
    """Independent of our table: the PRM layout has both fields, the enable bit is
    write-only (WO) and the field it governs is one a write uses (RW)."""
    reg = catalogue.find_register(register)
    enable = ENABLE_BITS[register][governed][0]
    assert reg.access.get(enable) == "WO"
    assert reg.access.get(governed) == "RW"


def test_every_registers_write_only_enable_bits_are_in_the_table() -> None:
    """Every register of the catalogue whose layout has a write-only update-enable or
    valid bit (`ase`, `ee*`, `*_vld`) is in ENABLE_BITS with all of them (else the TUI
    and CLI would not set them for the user, and a write would change nothing)."""
    for reg in catalogue.registers():
        bits = {f for f, a in reg.access.items() if a == "WO" and "." not in f
                and (f == "ase" or f.startswith("ee_") or f == "ee" or f.endswith("_vld"))}
        known = {e for e, _ in ENABLE_BITS.get(reg.name, {}).values()}
        assert bits <= known, f"{reg.name}: {sorted(bits - known)} not in ENABLE_BITS"


def test_build_write_overlays_given_fields_on_the_value_read() -> None:
    from fwctl_tui.write_intent import CurrentValue

    command = catalogue.find("ACCESS_REG:PAOS")
    current = CurrentValue({"register_data.admin_status": 2, "register_data.e": 1,
                            "register_data.ase": 0}, 0.0)
    given = {"register_data.local_port": 1, "register_data.admin_status": 1}
    write = build_write(command, 0, given, current)
    assert write.values["register_data.e"] == 1, "a field not given is written as read"
    changes = {c.path: (c.before, c.after, c.auto_set) for c in write.changes()}
    assert changes == {"register_data.admin_status": (2, 1, False),
                       "register_data.ase": (0, 1, True)}
    assert write_only_given(command, given) == ["register_data.admin_status"]

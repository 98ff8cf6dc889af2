"""A meaningful input for every allow-listed command on a given simulated function.

Object queries name objects that exist (the first completion EQ, an RX CQ, QP1, the TTC
table ...), register commands read PAOS, and `expect` says which firmware error the card
answers when it answers one (a command for hardware the profile lacks, an object kind the
running stack never creates, a state-dependent refusal). Tests walk every command with
these; a UI can offer them as "try it" defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fwctl_tui.decoders.mlx5.catalogue import find, find_register
from fwctl_tui.sim.mlx5.commands.queues import NEVER_CREATED
from fwctl_tui.sim.mlx5.device import Device
from fwctl_tui.sim.mlx5.dispatch import HANDLERS
from fwctl_tui.sim.mlx5.syndromes import ErrorKind


@dataclass(frozen=True)
class Example:
    """Input values (catalogue paths), op_mod, and the expected firmware error if any."""

    values: dict[str, Any] = field(default_factory=dict)
    op_mod: int | None = None
    expect: ErrorKind | None = None


ALWAYS_REFUSED = {
    "SET_HCA_CAP": ErrorKind.BAD_SYS_STATE,  # a running function cannot change its caps
    "QUERY_DIAGNOSTIC_COUNTERS": ErrorKind.BAD_SYS_STATE,  # until a session is enabled
    "QUERY_DCT": ErrorKind.NO_SUCH_OBJECT, "QUERY_RMP": ErrorKind.NO_SUCH_OBJECT,
    "QUERY_XRQ": ErrorKind.NO_SUCH_OBJECT, "QUERY_GENERAL_OBJECT": ErrorKind.NO_SUCH_OBJECT,
}


def _first(dev: Device, kind: str, **where: Any) -> Any:
    for key, obj in dev.objects.tables.get(kind, {}).items():
        if all(getattr(obj, k) == v for k, v in where.items()):
            return key
    raise LookupError(f"no {kind} on this function")


def _objects(dev: Device) -> dict[str, dict[str, Any]]:
    rx_cq = _first(dev, "cq", direction="rx")
    table, entry = _first(dev, "flow_table")[1], _first(dev, "fte")
    return {
        "QUERY_EQ": {"eq_number": _first(dev, "eq", channel=0)},
        "QUERY_CQ": {"cqn": rx_cq}, "QUERY_SQ": {"sqn": _first(dev, "sq", direction="tx")},
        "QUERY_RQ": {"rqn": _first(dev, "rq", direction="rx")},
        "QUERY_TIR": {"tirn": _first(dev, "tir")}, "QUERY_TIS": {"tisn": _first(dev, "tis")},
        "QUERY_RQT": {"rqtn": _first(dev, "rqt")},
        "QUERY_MKEY": {"mkey_index": _first(dev, "mkey")},
        "QUERY_QP": {"qpn": 1}, "QUERY_SRQ": {"srqn": _first(dev, "srq")},
        "QUERY_XRC_SRQ": {"xrc_srqn": _first(dev, "xrc_srq")},
        "QUERY_FLOW_TABLE": {"table_type": 0, "table_id": table},
        "QUERY_FLOW_GROUP": {"table_type": 0, "table_id": table,
                             "group_id": _first(dev, "flow_group")[2]},
        "QUERY_FLOW_TABLE_ENTRY": {"table_type": 0, "table_id": entry[1], "flow_index": entry[2]},
        "QUERY_FLOW_COUNTER": {"flow_counter_id": _first(dev, "flow_counter")},
        "QUERY_SCHEDULING_ELEMENT": {"scheduling_hierarchy": 0,
                                     "scheduling_element_id": _first(dev, "sched_element")[1]},
        "QUERY_Q_COUNTER": {"counter_set_id": dev.objects.named["q_counter"]},
    }


def _fixed(dev: Device) -> dict[str, Example]:
    paos = find_register("PAOS").id
    reg = Example({"register_id": paos, "register_data.local_port": 1}, op_mod=1)
    return {
        "QUERY_HCA_CAP": Example(op_mod=1), "QUERY_PAGES": Example({"function_id": dev.func},
                                                                   op_mod=2),
        "QUERY_OTHER_HCA_CAP": Example({"function_id": dev.func}),
        "QUERY_VHCA_MIGRATION_STATE": Example({"vhca_id": dev.func}),
        "QUERY_HCA_VPORT_CONTEXT": Example({"port_num": 1}),
        "QUERY_ROCE_ADDRESS": Example({"roce_address_index": 1}),
        "QUERY_CONG_STATUS": Example({"cong_protocol": 1}),
        "QUERY_CONG_PARAMS": Example({"cong_protocol": 1}),
        "MODIFY_CONG_STATUS": Example({"cong_protocol": 1, "enable": 1}),
        "ACCESS_REG": reg, "ACCESS_REGISTER_USER": reg,
    }


REGISTER_INDEXES: dict[str, dict[str, int]] = {
    "PTYS": {"proto_mask": 4},  # Ethernet
    "MCIA": {"i2c_device_address": 0x50, "device_address": 128, "size": 48},  # vendor block
    "PPCNT": {"grp": 0},
    "PDDR": {"page_select": 0},
}


def register_example(dev: Device, name: str) -> dict[str, Any]:
    """Index values that make a read of the named register succeed on this function."""
    reg = find_register(name)
    values: dict[str, Any] = {f"register_data.{k}": v
                              for k, v in REGISTER_INDEXES.get(reg.name, {}).items()}
    if "local_port" in reg.index_fields:
        values["register_data.local_port"] = 1
    if "module" in reg.index_fields:
        values["register_data.module"] = dev.func
    return values


def example(dev: Device, name: str) -> Example:
    """A working input for the named command on this function (see module docstring)."""
    cmd = find(name)
    entry = HANDLERS.get(cmd.opcode)
    if entry is None or (entry.requires and not dev.profile.has(entry.requires)):
        return Example(expect=ErrorKind.UNSUPPORTED_COMMAND)
    if cmd.name in NEVER_CREATED or cmd.name in ALWAYS_REFUSED:
        return Example(expect=ALWAYS_REFUSED.get(cmd.name, ErrorKind.NO_SUCH_OBJECT))
    values = _objects(dev).get(cmd.name)
    if values is not None:
        return Example(values)
    return _fixed(dev).get(cmd.name, Example())

"""Input defaults that work: objects that exist, the port last used, selectors that fit.

An object query with the form's zeros (QUERY_QP qpn=0) asks for an object nobody
created, and PTYS with proto_mask=0 is BAD_PARAM. So: on a simulated device the
objects its firmware really holds are offered (its inventory); on a live or replayed
one, the numbers seen in earlier replies of the session (a TIR's RQT, a flow table's
groups), with a sentence on how to find more. INDEX fields (`local_port`, `module` ...)
keep the value last used in the session, and selectors default to what fits the
device (Ethernet when it has a netdev). `send --example` and the TUI form both ask
here. Headless (no textual import).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fwctl_tui.decoders import decode_input, decode_output, input_fields, iter_leaves
from fwctl_tui.decoders.catalogue import Command, find

if TYPE_CHECKING:
    from fwctl_tui.connect import Connection
    from fwctl_tui.exchange import Exchange

CHOICES_SHOWN = 40  # objects offered per field (a function holds ~160 CQs)

# object-query input field -> the reply/request field names that carry such numbers
OBJECT_FIELDS: dict[str, tuple[str, ...]] = {
    "qpn": ("qpn", "remote_qpn"), "cqn": ("cqn", "cqn_rcv", "cqn_snd", "cqn_rq", "cqn_sq"),
    "sqn": ("sqn",), "rqn": ("rqn", "inline_rqn", "rq_num"), "srqn": ("srqn", "srqn_rmpn_xrqn"),
    "xrc_srqn": ("xrc_srqn",), "tirn": ("tirn",), "tisn": ("tisn", "tis_num_0"),
    "rqtn": ("rqtn", "indirect_table"), "eq_number": ("eq_number", "c_eqn"),
    "mkey_index": ("mkey_index",), "table_id": ("table_id", "root_table_id", "next_table_id"),
    "group_id": ("group_id",), "flow_index": ("flow_index",),
    "flow_counter_id": ("flow_counter_id",), "counter_set_id": ("counter_set_id",),
    "scheduling_element_id": ("scheduling_element_id",),
}

HOW_TO_FIND = (
    "Object numbers come from the replies that name them: QUERY_TIR gives its RQT "
    "(indirect_table) and QUERY_RQT its RQs, QUERY_FLOW_TABLE its groups, QUERY_SQ/RQ "
    "their CQ; on the host, `rdma resource show qp|cq|mr` lists RDMA objects and "
    "`devlink health` / debugfs (mlx5 `QPs`, `CQs`, `EQs`) list the driver's."
)

# register -> INDEX selector -> (value on an Ethernet port, value on an InfiniBand port)
SELECTOR_DEFAULTS: dict[str, dict[str, tuple[int, int]]] = {
    "PTYS": {"proto_mask": (4, 1)},  # Ethernet / InfiniBand
}
PORT_INDEX = ("local_port",)  # INDEX fields whose zero names no port: default to port 1


@dataclass(frozen=True)
class Hints:
    """Defaults for a command's input fields (full paths) and where they came from."""

    values: dict[str, int] = field(default_factory=dict)
    choices: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)  # path -> where the default comes from
    note: str | None = None  # how to find more (live devices)


def _paths(cmd: Command) -> dict[str, str]:
    """Leaf name and full path -> full path of the command's input fields."""
    out: dict[str, str] = {}
    for spec in input_fields(cmd):
        out.setdefault(spec.name, spec.path)
        out[spec.path] = spec.path
    return out


def _firmware(connection: Connection | None) -> Any:
    """A simulated function's firmware model (its inventory), or None (live, replay)."""
    emulator = connection.emulator if connection is not None else None
    firmware = getattr(getattr(emulator, "driver", None), "firmware", None)
    return firmware if hasattr(firmware, "inventory") else None


def _sim_hints(firmware: Any, cmd: Command, paths: dict[str, str]) -> Hints:
    if cmd.register is not None:
        example = firmware.register_example(cmd.register.name)
        return Hints({k: v for k, v in example.items() if k in paths},
                     why=dict.fromkeys(example, "a value this simulated function answers"))
    example = firmware.example(cmd.name)
    values = {paths.get(k, k): v for k, v in example.values.items()}
    choices: dict[str, list[tuple[int, str]]] = {}
    kinds = {obj.kind for obj in firmware.inventory()}
    for name in values:
        kind = _kind_for(paths, name, kinds)
        if kind is None:
            continue
        objs = [obj for obj in firmware.inventory() if obj.kind == kind][:CHOICES_SHOWN]
        choices[name] = [(obj.number, f"{kind.upper()} {obj.number:#x}: {obj.role} "
                          f"({obj.owner})") for obj in objs]
    why = dict.fromkeys(values, "an object this simulated function holds")
    return Hints(values, choices, why)


def _kind_for(paths: dict[str, str], path: str, kinds: set[str]) -> str | None:
    """The inventory kind an object-number field names (qpn -> qp, tirn -> tir)."""
    name = path.rsplit(".", 1)[-1]
    for candidate in (name.removesuffix("n"), name.removesuffix("_number"),
                      name.removesuffix("_index"), name.removesuffix("_id")):
        if candidate in kinds:
            return candidate
    return None


def _seen(history: Iterable[Exchange], names: tuple[str, ...]) -> list[int]:
    """Distinct non-zero values of fields called `names` in the session's replies and
    requests, newest first."""
    found: list[int] = []
    for exchange in reversed(list(history)):
        row = _command(exchange.command)
        if row is None:
            continue
        trees = []
        try:
            trees.append(decode_input(row, exchange.request))
            if exchange.reply is not None and exchange.status == 0:
                trees.append(decode_output(row, exchange.reply, exchange.request))
        except ValueError:
            continue
        for tree in trees:
            for leaf in iter_leaves(tree):
                if (leaf.name in names or leaf.name.split("[")[0] in names) \
                        and isinstance(leaf.value, int) and leaf.value and leaf.value not in found:
                    found.append(leaf.value)
    return found[:CHOICES_SHOWN]


def _command(name: str) -> Command | None:
    try:
        return find(name)
    except LookupError:
        return None


def _session_hints(cmd: Command, paths: dict[str, str], history: list[Exchange]) -> Hints:
    values: dict[str, int] = {}
    choices: dict[str, list[tuple[int, str]]] = {}
    wanted = [path for name, path in paths.items() if name in OBJECT_FIELDS]
    for path in dict.fromkeys(wanted):
        seen = _seen(history, OBJECT_FIELDS[path.rsplit(".", 1)[-1]])
        if seen:
            values[path] = seen[0]
            choices[path] = [(n, f"{n:#x}: seen in an earlier reply") for n in seen]
    note = HOW_TO_FIND if wanted else None
    return Hints(values, choices, dict.fromkeys(values, "seen in an earlier reply"), note)


def selector_defaults(cmd: Command, ethernet: bool) -> dict[str, int]:
    """INDEX selectors that fit the device (PTYS proto_mask: Ethernet on an Ethernet
    port) and port 1 for local_port (port 0 is no port)."""
    if cmd.register is None:
        return {}
    out = {f"register_data.{name}": eth if ethernet else ib
           for name, (eth, ib) in SELECTOR_DEFAULTS.get(cmd.register.name, {}).items()}
    for name in PORT_INDEX:
        if name in cmd.register.index_fields:
            out[f"register_data.{name}"] = 1
    return out


def hints_for(cmd: Command, connection: Connection | None, history: list[Exchange],
              last_index: Mapping[str, int] | None = None) -> Hints:
    """Defaults for `cmd`'s input on this device: objects that exist, selectors that fit,
    and the INDEX values last used in this session (they win: the user chose them)."""
    paths = _paths(cmd)
    firmware = _firmware(connection)
    base = (_sim_hints(firmware, cmd, paths) if firmware is not None
            else _session_hints(cmd, paths, history))
    ethernet = connection is None or bool(connection.entry.netdevs)
    values = {**selector_defaults(cmd, ethernet), **base.values}
    why = {**dict.fromkeys(selector_defaults(cmd, ethernet),
                           "fits this device" if ethernet else "fits this InfiniBand port"),
           **base.why}
    index = set(cmd.register.index_fields) if cmd.register is not None else set()
    for name, value in (last_index or {}).items():
        path = paths.get(name)
        if path is not None and path.rsplit(".", 1)[-1] in index:
            values[path] = value
            why[path] = "the value last used in this session"
    return Hints(values, base.choices, why, base.note)


def remember_index(cmd: Command, values: Mapping[str, Any], memory: dict[str, int]) -> None:
    """Record the INDEX values of a request the user sent (`local_port` -> 2)."""
    if cmd.register is None:
        return
    for path, value in values.items():
        name = path.rsplit(".", 1)[-1]
        if name in cmd.register.index_fields and isinstance(value, int):
            memory[name] = value

"""ACCESS_REG and ACCESS_REGISTER_USER: every register in the catalogue, read and write.

Any register reads back consistently: its INDEX fields echo the request, its RW fields hold
whatever was last written for that index (sticky), and its RO fields are zero unless a
model computes them. Models (port.py, management.py) own the registers with behaviour:
link state, counters, temperatures, module EEPROM, firmware identity. A port index other
than this function's port, or a register the catalogue does not know, is BAD_PARAM.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fwctl_tui.decoders.mlx5.catalogue import Register
from fwctl_tui.decoders.mlx5.context import register_by_id
from fwctl_tui.sim.mlx5.commands.registry import handles
from fwctl_tui.sim.mlx5.device import Device
from fwctl_tui.sim.mlx5.mailbox import FirmwareError, Reply, Request
from fwctl_tui.sim.mlx5.syndromes import ErrorKind

DATA = "register_data."
OP_WRITE = 0
LOCAL_PORT = 1  # every PF addresses its own port as local port 1
_ELEMENT = re.compile(r"\[\d+\]")
ZERO_INDEXES = ("lp_msb", "plane_ind", "slot_index", "swid", "asic_index")


@dataclass
class Access:
    """One register access: the register, its request fields (register-relative), direction."""

    dev: Device
    reg: Register
    fields: dict[str, Any]
    write: bool

    def int(self, name: str, default: int = 0) -> int:
        value = self.fields.get(name, default)
        return value if isinstance(value, int) else int.from_bytes(value, "big")

    def access_of(self, path: str) -> str | None:
        """INDEX/RW/RO/WO/OP of a request path (array elements inherit their array's)."""
        name = _ELEMENT.sub("", path)
        while name:
            found = self.reg.access.get(name)
            if found is not None:
                return found
            name = name.rpartition(".")[0]
        return None

    @property
    def index_values(self) -> dict[str, Any]:
        return {path: value for path, value in self.fields.items()
                if self.access_of(path) == "INDEX"}

    @property
    def index(self) -> tuple[Any, ...]:
        return tuple(sorted(self.index_values.items()))


Model = Callable[[Access], dict[str, Any]]
MODELS: dict[str, Model] = {}


def model(*names: str) -> Callable[[Model], Model]:
    """Register the behaviour of the named registers (read and write)."""
    def register(fn: Model) -> Model:
        for name in names:
            MODELS[name] = fn
        return fn
    return register


def check_index(acc: Access) -> None:
    """The index checks every register shares: port, lane of the port, plane, slot, module."""
    index = acc.reg.index_fields
    if "local_port" in index and acc.int("local_port") != LOCAL_PORT:
        raise FirmwareError(ErrorKind.BAD_INDEX,
                            f"local_port {acc.int('local_port')}: this function has port 1")
    lanes = acc.dev.port.lanes
    if "local_port" in index and "lane" in index and acc.int("lane") >= lanes:
        raise FirmwareError(ErrorKind.BAD_INDEX, f"lane {acc.int('lane')}: the port has {lanes}")
    for name in ZERO_INDEXES:
        if name in index and acc.int(name):
            raise FirmwareError(ErrorKind.BAD_INDEX, f"{name} {acc.int(name)} does not exist")
    if "module" in index and acc.int("module") >= acc.dev.profile.functions:
        raise FirmwareError(ErrorKind.BAD_INDEX, f"module {acc.int('module')} does not exist")


def sticky(acc: Access) -> dict[str, Any]:
    """RW fields last written at this index (a write stores them first)."""
    key = (acc.reg.id, acc.index)
    store = acc.dev.registers.setdefault(key, {})
    if acc.write:
        store.update({path: value for path, value in acc.fields.items()
                      if acc.access_of(path) == "RW"})
    return dict(store)


@handles("ACCESS_REG", "ACCESS_REGISTER_USER")
def access_register(dev: Device, req: Request) -> Reply:
    reg = register_by_id(req.int("register_id"))
    if reg is None:
        raise FirmwareError(ErrorKind.UNKNOWN_REGISTER, f"register {req.int('register_id'):#x}")
    fields = {path.removeprefix(DATA): value for path, value in req.fields.items()
              if path.startswith(DATA)}
    acc = Access(dev, reg, fields, req.op_mod == OP_WRITE)
    check_index(acc)
    values = acc.index_values
    values.update(sticky(acc))
    behaviour = MODELS.get(reg.name)
    if behaviour is not None:
        values.update(behaviour(acc))
    return Reply({DATA + path: value for path, value in values.items()})

"""The objects a running driver stack owns on one function, as firmware would report them.

A real mlx5 function that has been up for a while holds EQs, CQs, SQs, RQs, TIRs, TISes,
RQTs, flow tables, mkeys and a few RDMA resources, all cross-referencing each other by
number. `HwObject.values` holds each object's query reply as field values (paths relative
to the reply layout, enum labels allowed), so a handler only looks the object up and adds
the live counters. Numbers come from per-kind allocators the way firmware hands them out:
in creation order, SQs, RQs and QPs sharing one number space.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Key = Any  # an int object number, or a tuple for flow-steering objects


@dataclass
class HwObject:
    """One firmware object: its number, who created it and its query reply values."""

    kind: str
    number: int
    owner: str  # the driver that created it: mlx5_core, mlx5e (netdev) or mlx5_ib (RDMA)
    role: str
    values: dict[str, Any]
    channel: int | None = None
    direction: str | None = None  # rx/tx: which traffic drives its live counters
    refs: list[tuple[str, Key]] = field(default_factory=list)  # (kind, key) it points at
    items: list[Any] = field(default_factory=list)  # RQT members, FTE destinations, shares


class Allocator:
    """Object numbers in creation order, per number space."""

    def __init__(self, starts: dict[str, int]) -> None:
        self.next = dict(starts)

    def take(self, space: str) -> int:
        number = self.next[space]
        self.next[space] = number + 1
        return number


@dataclass
class Population:
    """Every object of one function, by kind and key."""

    tables: dict[str, dict[Key, HwObject]] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)
    named: dict[str, int] = field(default_factory=dict)  # pdn, tdn, uar, q counter ids ...
    channels: int = 0
    toeplitz: list[int] = field(default_factory=list)  # the RSS hash key, ten dwords

    def add(self, obj: HwObject, key: Key | None = None) -> HwObject:
        self.tables.setdefault(obj.kind, {})[obj.number if key is None else key] = obj
        return obj

    def get(self, kind: str, key: Key) -> HwObject | None:
        return self.tables.get(kind, {}).get(key)

    def of_kind(self, kind: str) -> list[HwObject]:
        return list(self.tables.get(kind, {}).values())

    def keys(self, kind: str) -> list[Key]:
        return list(self.tables.get(kind, {}))

    def __iter__(self) -> Iterator[HwObject]:
        for table in self.tables.values():
            yield from table.values()

    def dma_address(self) -> int:
        """A plausible, 64-byte aligned host DMA address for doorbell records and buffers."""
        return 0x1_0000_0000 + self.rng.randrange(0, 1 << 28) * 64

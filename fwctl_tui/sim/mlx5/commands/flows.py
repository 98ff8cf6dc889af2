"""Flow steering and QoS queries: flow tables, groups, entries, counters, scheduling elements.

Entries return their destination list after the fixed reply (destinations, then counters,
8 or 16 bytes each as the entry's extended_destination says; the entry's values hold the
list and the catalogue's encoder lays it out), so a trainee can follow a rule to its TIR.
Flow counters count the rule's share of received traffic and honour `clear`.
"""

from __future__ import annotations

from fwctl_tui.sim.mlx5.commands.registry import handles
from fwctl_tui.sim.mlx5.device import Device
from fwctl_tui.sim.mlx5.mailbox import FirmwareError, Reply, Request
from fwctl_tui.sim.mlx5.population import HwObject
from fwctl_tui.sim.mlx5.syndromes import ErrorKind

MAX_TABLE_TYPE = 6  # NIC_RX .. SNIFFER_TX
BULK_MAX = 1 << 16


def _table(dev: Device, req: Request) -> tuple[int, int]:
    table_type, table_id = req.int("table_type"), req.int("table_id")
    if table_type > MAX_TABLE_TYPE:
        raise FirmwareError(ErrorKind.BAD_FIELD, f"table_type {table_type} is not a table type")
    if dev.objects.get("flow_table", (table_type, table_id)) is None:
        raise FirmwareError(ErrorKind.NO_SUCH_OBJECT, f"no flow table {table_id:#x}")
    return table_type, table_id


def _get(dev: Device, kind: str, key: tuple[int, ...], what: str) -> HwObject:
    obj = dev.objects.get(kind, key)
    if obj is None:
        raise FirmwareError(ErrorKind.NO_SUCH_OBJECT, f"no {what} {key[-1]:#x}")
    return obj


@handles("QUERY_FLOW_TABLE")
def query_flow_table(dev: Device, req: Request) -> Reply:
    return Reply(dict(_get(dev, "flow_table", _table(dev, req), "flow table").values))


@handles("QUERY_FLOW_GROUP")
def query_flow_group(dev: Device, req: Request) -> Reply:
    key = (*_table(dev, req), req.int("group_id"))
    return Reply(dict(_get(dev, "flow_group", key, "flow group").values))


@handles("QUERY_FLOW_TABLE_ENTRY")
def query_flow_table_entry(dev: Device, req: Request) -> Reply:
    key = (*_table(dev, req), req.int("flow_index"))
    fte = _get(dev, "fte", key, "flow table entry")
    # the values hold the destination list (steering.destination_list): the encoder lays
    # it after the fixed reply, and fit() cuts what out_len lacks
    return Reply(dict(fte.values))


@handles("QUERY_FLOW_COUNTER")
def query_flow_counter(dev: Device, req: Request) -> Reply:
    first, count = req.int("flow_counter_id"), max(1, req.int("num_of_counters"))
    if count > BULK_MAX:
        raise FirmwareError(ErrorKind.BAD_FIELD, f"bulk of {count} counters")
    now = dev.now()
    values: dict[str, int] = {}
    for i in range(count):
        counter = dev.objects.get("flow_counter", first + i)
        if counter is None:
            raise FirmwareError(ErrorKind.NO_SUCH_OBJECT, f"no flow counter {first + i:#x}")
        share = counter.items[0]
        counters = dev.counters(("flow_counter", first + i))
        values[f"flow_statistics[{i}].packets"] = int(counters.read("rx_packets", now) * share)
        values[f"flow_statistics[{i}].octets"] = int(counters.read("rx_octets", now) * share)
        if req.int("clear"):
            counters.clear(now)
    return Reply(values)


@handles("QUERY_SCHEDULING_ELEMENT")
def query_scheduling_element(dev: Device, req: Request) -> Reply:
    key = (req.int("scheduling_hierarchy"), req.int("scheduling_element_id"))
    return Reply(dict(_get(dev, "sched_element", key, "scheduling element").values))

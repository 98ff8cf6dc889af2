"""Object queries: EQ, CQ, SQ, RQ, TIR, TIS, RQT, mkey, QP, SRQ and the kinds nobody created.

Each answer is the object's stored context plus its live counters: queue producer and
consumer indexes advance with the channel's share of the port traffic, so two queries a
second apart differ the way they do on a busy NIC. A number no object has is
BAD_RES (the resource does not exist), the status that agrees with its syndrome's reason.
"""

from __future__ import annotations

from fwctl_tui.sim.mlx5.commands.registry import Handler, handles
from fwctl_tui.sim.mlx5.device import Device
from fwctl_tui.sim.mlx5.mailbox import FirmwareError, Reply, Request
from fwctl_tui.sim.mlx5.population import HwObject
from fwctl_tui.sim.mlx5.syndromes import ErrorKind

# command -> (object kind, input field holding its number)
OBJECT_QUERIES = {
    "QUERY_EQ": ("eq", "eq_number"), "QUERY_CQ": ("cq", "cqn"), "QUERY_SQ": ("sq", "sqn"),
    "QUERY_RQ": ("rq", "rqn"), "QUERY_TIR": ("tir", "tirn"), "QUERY_TIS": ("tis", "tisn"),
    "QUERY_RQT": ("rqt", "rqtn"), "QUERY_MKEY": ("mkey", "mkey_index"),
    "QUERY_QP": ("qp", "qpn"), "QUERY_SRQ": ("srq", "srqn"),
    "QUERY_XRC_SRQ": ("xrc_srq", "xrc_srqn"), "QUERY_DCT": ("dct", "dctn"),
    "QUERY_RMP": ("rmp", "rmpn"), "QUERY_XRQ": ("xrq", "xrqn"),
}
# Commands for objects the running stack never creates; their layouts are not public, so
# the number cannot even be read: whatever is asked, it does not exist.
NEVER_CREATED = ("QUERY_PSV", "QUERY_UMEM", "QUERY_XRQ_DC_PARAMS_ENTRY",
                 "QUERY_XRQ_ERROR_PARAMS", "USER_QUERY_XRQ_DC_PARAMS_ENTRY",
                 "USER_QUERY_XRQ_ERROR_PARAMS", "QUERY_MODIFY_HEADER_CONTEXT",
                 "QUERY_PACKET_REFORMAT_CONTEXT")
COUNTER_MASK_24 = (1 << 24) - 1
COUNTER_MASK_32 = (1 << 32) - 1
EVENTS_PER_INTERRUPT = 16  # interrupt moderation: completions per EQ event


def lookup(dev: Device, kind: str, number: int) -> HwObject:
    obj = dev.objects.get(kind, number)
    if obj is None:
        raise FirmwareError(ErrorKind.NO_SUCH_OBJECT, f"no {kind.upper()} {number:#x}")
    return obj


def channel_completions(dev: Device, obj: HwObject) -> int:
    """Completions so far on this object's channel and direction."""
    if obj.channel is None or obj.direction is None:
        return obj.number % 97  # control queues: a few completions at setup
    total = dev.rx_packets() if obj.direction == "rx" else dev.tx_packets()
    return total // max(1, dev.objects.channels)


def live_values(dev: Device, obj: HwObject) -> dict[str, int]:
    """Counters that move with traffic, per object kind."""
    if obj.kind == "cq":
        done = channel_completions(dev, obj) & COUNTER_MASK_24
        return {"cq_context.producer_counter": done, "cq_context.consumer_counter": done}
    if obj.kind == "eq" and obj.channel is not None:
        channel_total = (dev.rx_packets() + dev.tx_packets()) // max(1, dev.objects.channels)
        events = channel_total // EVENTS_PER_INTERRUPT & COUNTER_MASK_24
        return {"eq_context_entry.producer_counter": events,
                "eq_context_entry.consumer_counter": events}
    if obj.kind in ("sq", "rq"):
        done = channel_completions(dev, obj) & COUNTER_MASK_32
        ctx = "sq_context" if obj.kind == "sq" else "rq_context"
        return {f"{ctx}.wq.hw_counter": done, f"{ctx}.wq.sw_counter": done}
    return {}


def _object_handler(kind: str, field: str) -> Handler:
    def handler(dev: Device, req: Request) -> Reply:
        obj = lookup(dev, kind, req.int(field))
        # an RQT's values hold its RQ list too (rqt_context.rq_num_or_rq_vhca.rq_num[i]):
        # the encoder lays it after the fixed reply, and fit() cuts what out_len lacks
        return Reply({**obj.values, **live_values(dev, obj)})
    return handler


for _name, (_kind, _field) in OBJECT_QUERIES.items():
    handles(_name)(_object_handler(_kind, _field))


def _never_created(_dev: Device, req: Request) -> Reply:
    raise FirmwareError(ErrorKind.NO_SUCH_OBJECT, f"no such object for {req.command.name}")


handles(*NEVER_CREATED)(_never_created)


@handles("QUERY_GENERAL_OBJECT")
def query_general_object(dev: Device, req: Request) -> Reply:
    obj_type = req.int("obj_type")
    supported = dev.cap("GENERAL", "general_obj_types") | (
        dev.cap("GENERAL_2", "general_obj_types_127_64") << 64)
    if obj_type >= 128 or not supported >> obj_type & 1:
        raise FirmwareError(ErrorKind.BAD_FIELD, f"general object type {obj_type:#x} unsupported")
    raise FirmwareError(ErrorKind.NO_SUCH_OBJECT, f"no object {req.int('obj_id'):#x}")

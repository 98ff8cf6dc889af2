"""Capability commands: QUERY_HCA_CAP (every page the card has, maximum and current),
SET_HCA_CAP and QUERY_OTHER_HCA_CAP (the one `roce` bit of a function this PF manages).

QUERY_HCA_CAP's op_mod is `cap_type << 1 | current`; a page type the catalogue knows but
the card lacks (IPoIB offloads on an Ethernet NIC, PSP, ...) is BAD_PARAM. SET_HCA_CAP is
how the driver configures its own function before INIT_HCA; on a running function the
firmware refuses it (BAD_SYS_STATE), and other functions exist only when VFs or SFs do.
QUERY_OTHER_HCA_CAP's reply is not a capability page but the 80-byte other_hca_cap struct,
whose only defined bit is `roce`; it has no op_mod variants (any other op_mod is refused
before the handler runs).
"""

from __future__ import annotations

from functools import cache

from fwctl_tui.decoders.mlx5.catalogue import cap_pages
from fwctl_tui.sim.mlx5.commands.registry import handles
from fwctl_tui.sim.mlx5.device import Device
from fwctl_tui.sim.mlx5.mailbox import FirmwareError, Reply, Request
from fwctl_tui.sim.mlx5.syndromes import ErrorKind


@cache
def pages_by_type() -> dict[int, tuple[str, str | None]]:
    """cap type -> (page name, union member name in the reply)."""
    return {p["type"]: (p["name"], p["member"]) for p in cap_pages()}


def page_values(dev: Device, cap_type: int, current: bool, prefix: str) -> dict[str, int]:
    """A capability page as reply values, or FirmwareError when the card lacks it."""
    name, member = pages_by_type().get(cap_type, (None, None))
    if name is None:
        raise FirmwareError(ErrorKind.BAD_OP_MOD, f"no capability type {cap_type}")
    pages = dev.caps_cur if current else dev.caps_max
    if name not in pages or member is None:
        raise FirmwareError(ErrorKind.UNSUPPORTED_CAP_TYPE,
                            f"{dev.profile.family} has no {name} capability page")
    return {f"{prefix}.{member}.{path}": value for path, value in pages[name].items()}


def _check_function(dev: Device, req: Request) -> None:
    if req.int("other_function") and req.int("function_id") != dev.func:
        raise FirmwareError(ErrorKind.BAD_INDEX,
                            f"function {req.int('function_id')} is not a VF or SF of this PF")


@handles("QUERY_HCA_CAP")
def query_hca_cap(dev: Device, req: Request) -> Reply:
    _check_function(dev, req)
    return Reply(page_values(dev, req.op_mod >> 1, bool(req.op_mod & 1), "capability"))


@handles("SET_HCA_CAP")
def set_hca_cap(dev: Device, req: Request) -> Reply:
    if req.op_mod & 1 or (req.op_mod >> 1) not in pages_by_type():
        raise FirmwareError(ErrorKind.BAD_OP_MOD, "SET_HCA_CAP op_mod is cap_type << 1")
    _check_function(dev, req)
    raise FirmwareError(ErrorKind.BAD_SYS_STATE,
                        "capabilities are set before INIT_HCA; this function is running")


@handles("QUERY_OTHER_HCA_CAP")
def query_other_hca_cap(dev: Device, req: Request) -> Reply:
    if not dev.cap("GENERAL", "vport_group_manager"):
        raise FirmwareError(ErrorKind.BAD_SYS_STATE, "only a vport group manager may ask")
    if req.int("function_id") != dev.func:
        raise FirmwareError(ErrorKind.BAD_INDEX,
                            f"function {req.int('function_id')} is not managed by this PF")
    # the function's RoCE bit as its general capability page has it in effect
    return Reply({"other_capability.roce": dev.cap("GENERAL", "roce")})

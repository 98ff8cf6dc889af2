"""Device-level queries: adapter identity, ISSI, pages, special mkeys, VUID, SF partitions,
migration state, eswitch functions, and the small fixed-answer ones (NOP, LAG, WoL, MAD
demux). Commands whose reply layout is not public answer OK with a zero payload.
"""

from __future__ import annotations

from fwctl_tui.sim.mlx5.commands.common import byte_array
from fwctl_tui.sim.mlx5.commands.registry import handles, header_only
from fwctl_tui.sim.mlx5.device import Device
from fwctl_tui.sim.mlx5.mailbox import FirmwareError, Reply, Request
from fwctl_tui.sim.mlx5.syndromes import ErrorKind

MELLANOX_OUI = 0x0002C9
SUPPORTED_ISSI = 0b11  # ISSI 0 and 1
CURRENT_ISSI = 1
PAGES = {1: 0x0C0, 2: 0x1E00, 3: 0}  # boot, init, regular (after init nothing is owed)
SPECIAL_MKEYS = {"dump_fill_mkey": 0x600, "resd_lkey": 0x100, "null_mkey": 0x200,
                 "terminate_scatter_list_mkey": 0x300, "repeated_mkey": 0x400}
VUID_BYTES = 128
MIGRATION_UMEM = 0x10000

handles("NOP", "QUERY_DRIVER_VERSION", "QUERY_UCTX", "QUERY_VHCA_STATE",
        "QUERY_DC_CNAK_TRACE", "QUERY_RSV_RESOURCES", "QUERY_SCHED_QUEUE", "QUERY_RATE_LIMIT",
        "QUERY_BURST_SIZE", "QUERY_DELAY_DROP_PARAMS")(header_only)
handles("QUERY_ADJACENT_FUNCTIONS_ID", "DELEGATE_VHCA_MANAGEMENT", "QUERY_DELEGATED_VHCA",
        requires="adjacent_functions")(header_only)
handles("QUERY_MATCH_SAMPLE_INFO", requires="hws")(header_only)
handles("QUERY_CRYPTO_STATE", requires="crypto")(header_only)
handles("POSTPONE_CONNECTED_QP_TIMEOUT", requires="postpone_qp_timeout")(header_only)
handles("QUERY_DPA_PARTITION", "QUERY_DPA_PARTITIONS", requires="dpa")(header_only)
handles("QUERY_EMULATED_FUNCTIONS_INFO", "QUERY_EMULATION_DEVICE_EQ_MSIX_MAPPING",
        "QUERY_EMULATED_RESOURCES_INFO", requires="emulation")(header_only)
handles("FPGA_QUERY_QP", "FPGA_QUERY_QP_COUNTERS", requires="fpga")(header_only)
handles("QUERY_AFU", "QUERY_CAPI_PEC", requires="capi")(header_only)
handles("QUERY_NVMF_BACKEND_CONTROLLER", "QUERY_NVMF_NAMESPACE_CONTEXT",
        "QUERY_NVMF_CC_RESPONSE", requires="nvmf")(header_only)
handles("QUERY_REGEXP_PARAMS", "QUERY_REGEXP_REGISTER", requires="regexp")(header_only)
handles("QUERY_RDB", "QUERY_MTT", requires="legacy_debug")(header_only)  # pre-ConnectX-6


@handles("QUERY_ADAPTER")
def query_adapter(dev: Device, _req: Request) -> Reply:
    p = "query_adapter_struct"
    values: dict[str, int] = {f"{p}.ieee_vendor_id": MELLANOX_OUI,
                              f"{p}.vsd_vendor_id": int(dev.profile.pci_vendor, 16)}
    values.update(byte_array(f"{p}.vsd", dev.profile.part_number.encode(), 208))
    values.update(byte_array(f"{p}.vsd_contd_psid", dev.profile.psid.encode(), 16))
    return Reply(values)


@handles("QUERY_ISSI")
def query_issi(_dev: Device, _req: Request) -> Reply:
    return Reply({"current_issi": CURRENT_ISSI, "supported_issi_dw0": SUPPORTED_ISSI})


@handles("QUERY_PAGES")
def query_pages(dev: Device, req: Request) -> Reply:
    if req.int("function_id") != dev.func and not req.int("embedded_cpu_function"):
        raise FirmwareError(ErrorKind.BAD_INDEX, "no such function")
    return Reply({"function_id": req.int("function_id"), "num_pages": PAGES[req.op_mod],
                  "embedded_cpu_function": req.int("embedded_cpu_function")})


@handles("QUERY_SPECIAL_CONTEXTS")
def query_special_contexts(_dev: Device, _req: Request) -> Reply:
    return Reply(dict(SPECIAL_MKEYS))


@handles("QUERY_VUID", requires="vuid")
def query_vuid(dev: Device, req: Request) -> Reply:
    if req.int("query_vfs_vuid"):
        return Reply({"num_of_entries": 0})  # no VFs
    vuid = f"{dev.profile.serial}MLNXS0D0F{dev.func}".encode().ljust(VUID_BYTES, b"\0")
    return Reply({"num_of_entries": 1, "vuid[0]": vuid})


@handles("QUERY_SF_PARTITION")
def query_sf_partition(dev: Device, _req: Request) -> Reply:
    return Reply({"num_sf_partitions": 1,
                  "sf_partition[0].log_num_sf": dev.cap("GENERAL", "log_max_sf"),
                  "sf_partition[0].log_sf_bar_size": 16})


@handles("QUERY_VHCA_MIGRATION_STATE", requires="migration")
def query_vhca_migration_state(dev: Device, req: Request) -> Reply:
    if req.int("vhca_id") != dev.func:
        raise FirmwareError(ErrorKind.BAD_INDEX, f"vhca {req.int('vhca_id')} is not a VF here")
    return Reply({"required_umem_size": MIGRATION_UMEM, "remaining_total_size": 0})


@handles("QUERY_ESW_FUNCTIONS")
def query_esw_functions(dev: Device, _req: Request) -> Reply:
    if not dev.cap("GENERAL", "eswitch_manager"):
        raise FirmwareError(ErrorKind.BAD_SYS_STATE, "only the eswitch manager may ask")
    bus = int(dev.profile.pci_bus.rsplit(":", 2)[1], 16)
    p = "host_params_context"
    return Reply({f"{p}.host_number": 0, f"{p}.host_num_of_vfs": 0,
                  f"{p}.host_total_vfs": 16, f"{p}.host_pci_bus": bus,
                  f"{p}.host_pci_device": 0, f"{p}.host_pci_function": dev.func})


@handles("QUERY_MAD_DEMUX")
def query_mad_demux(_dev: Device, _req: Request) -> Reply:
    return Reply({"mad_dumux_parameters_block": 0})


@handles("QUERY_WOL_ROL")
def query_wol_rol(_dev: Device, _req: Request) -> Reply:
    return Reply({"wol_mode": 0, "rol_mode": 0})


@handles("QUERY_LAG")
def query_lag(_dev: Device, _req: Request) -> Reply:
    return Reply({"ctx.lag_state": 0, "ctx.active_port": 0})

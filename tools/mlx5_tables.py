"""Our knowledge of which reference entries belong together, for tools/gen_mlx5.py.

Names only (aliases, enum prefixes, union selectors); every number still comes from the
reference files.
"""

from __future__ import annotations

# Commands whose layouts the reference has under another name (cmd_layouts has no entry).
LAYOUT_ALIASES: dict[str, tuple[str | None, str | None]] = {
    "QUERY_OTHER_HCA_CAP": ("query_other_hca_cap_in", "query_other_hca_cap_out"),
    "FPGA_QUERY_QP": ("fpga_query_qp_in", "fpga_query_qp_out"),
    "FPGA_QUERY_QP_COUNTERS": ("fpga_query_qp_counters_in", "fpga_query_qp_counters_out"),
    "QUERY_DIAGNOSTIC_COUNTERS": ("query_diagnostic_cntrs_in", "query_diagnostic_cntrs_out"),
    "QUERY_DIAGNOSTIC_PARAMS": ("query_diagnostic_params_in", "query_diagnostic_params_out"),
    "SET_DIAGNOSTIC_PARAMS": ("set_diagnostic_params_in", "set_diagnostic_params_out"),
    "ACCESS_REGISTER_USER": ("access_register_in", "access_register_out"),
}

# op_mod variants named by an enum prefix of mlx5_ifc.json (the capability commands and
# the register commands are built from related.cap_types / facts reg_access_op instead).
OP_MOD_ENUMS: dict[str, str] = {
    "QUERY_PAGES": "MLX5_QUERY_PAGES_IN_OP_MOD_",
    "QUERY_VPORT_STATE": "MLX5_VPORT_STATE_OP_MOD_",
    "QUERY_VNIC_ENV": "MLX5_QUERY_VNIC_ENV_IN_OP_MOD_",
    "QUERY_VPORT_COUNTER": "MLX5_QUERY_VPORT_COUNTER_IN_OP_MOD_",
}
# Commands whose op_mod names a capability page (`cap_type << 1 | cap_mode`). Not
# QUERY_OTHER_HCA_CAP: its reply is the fixed struct other_hca_cap (only `roce` defined),
# not a page; another function's pages are read with QUERY_HCA_CAP other_function=1.
CAP_QUERY_COMMANDS = ("QUERY_HCA_CAP",)
REGISTER_COMMANDS = ("ACCESS_REG", "ACCESS_REGISTER_USER")

# Enum labels for mlx5_ifc fields: (struct, field) -> enum name prefix(es) in mlx5_ifc.json.
FIELD_ENUMS: dict[tuple[str, str], str | tuple[str, ...]] = {
    ("cmd_hca_cap", "port_type"): "MLX5_CAP_PORT_TYPE_",
    ("cmd_hca_cap", "cmdif_checksum"): "MLX5_CMD_HCA_CAP_CMDIF_CHECKSUM_",
    ("cmd_hca_cap", "gid_table_size"): "MLX5_CMD_HCA_CAP_GID_TABLE_SIZE_",
    ("cmd_hca_cap", "pkey_table_size"): "MLX5_CMD_HCA_CAP_PKEY_TABLE_SIZE_",
    ("cmd_hca_cap", "umr_fence"): "MLX5_CAP_UMR_FENCE_",
    ("qpc", "state"): "MLX5_QPC_STATE_",
    ("qpc", "st"): "MLX5_QPC_ST_",
    ("qpc", "pm_state"): "MLX5_QPC_PM_STATE_",
    ("qpc", "mtu"): "MLX5_QPC_MTU_",
    ("sqc", "state"): "MLX5_SQC_STATE_",
    ("rqc", "state"): "MLX5_RQC_STATE_",
    ("rqc", "mem_rq_type"): "MLX5_RQC_MEM_RQ_TYPE_",
    ("rmpc", "state"): "MLX5_RMPC_STATE_",
    ("srqc", "state"): "MLX5_SRQC_STATE_",
    ("xrc_srqc", "state"): "MLX5_XRC_SRQC_STATE_",
    ("xrqc", "state"): "MLX5_XRQC_STATE_",
    ("xrqc", "topology"): "MLX5_XRQC_TOPOLOGY_",
    ("cqc", "status"): "MLX5_CQC_STATUS_",
    ("cqc", "cqe_sz"): "MLX5_CQC_CQE_SZ_",
    ("cqc", "st"): "MLX5_CQC_ST_",
    ("eqc", "status"): "MLX5_EQC_STATUS_",
    ("eqc", "st"): "MLX5_EQC_ST_",
    ("dctc", "state"): "MLX5_DCTC_STATE_",
    ("dctc", "mtu"): "MLX5_DCTC_MTU_",
    ("tirc", "disp_type"): "MLX5_TIRC_DISP_TYPE_",
    ("tirc", "rx_hash_fn"): "MLX5_RX_HASH_FN_",
    ("wq", "wq_type"): "MLX5_WQ_WQ_TYPE_",
    ("scheduling_context", "element_type"): "SCHEDULING_CONTEXT_ELEMENT_TYPE_",
    ("tsar_element", "tsar_type"): "TSAR_ELEMENT_TSAR_TYPE_",
    ("query_vport_state_out", "state"): "MLX5_QUERY_VPORT_STATE_OUT_STATE_",
    ("query_vport_state_out", "admin_state"): "MLX5_QUERY_VPORT_STATE_OUT_STATE_",
    ("general_obj_in_cmd_hdr", "obj_type"): ("MLX5_OBJ_TYPE_", "MLX5_GENERAL_OBJECT_TYPES_"),
    ("query_flow_table_in", "table_type"): "MLX5_FLOW_TABLE_TYPE_",
    ("query_flow_group_in", "table_type"): "MLX5_FLOW_TABLE_TYPE_",
    ("query_fte_in", "table_type"): "MLX5_FLOW_TABLE_TYPE_",
    ("flow_table_context", "table_miss_action"): "MLX5_FLOW_TABLE_MISS_ACTION_",
    # where a flow entry sends packets (the reference's enum tag mlx5_ifc_flow_destination_type)
    ("dest_format_struct", "destination_type"): "MLX5_IFC_FLOW_DESTINATION_TYPE_",
    ("mfrl_reg", "reset_state"): "MLX5_MFRL_REG_RESET_STATE_",
    ("mtctr_reg", "first_clock_timestamp_request"): "MLX5_MTCTR_REQUEST_",
    ("mtctr_reg", "second_clock_timestamp_request"): "MLX5_MTCTR_REQUEST_",
}

IP_VERSION_MEMBERS = {"4": "ipv4_layout", "6": "ipv6_layout"}  # IP version numbers

# Unions in mlx5_ifc.json chosen by a sibling field: (struct, union field) ->
# (selector field, {selector value: member}). Values are enum members or plain numbers.
IFC_SELECTORS: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("scheduling_context", "element_attributes"): (
        "element_type",
        {
            "SCHEDULING_CONTEXT_ELEMENT_TYPE_TSAR": "tsar",
            "SCHEDULING_CONTEXT_ELEMENT_TYPE_VPORT": "vport",
            "SCHEDULING_CONTEXT_ELEMENT_TYPE_VPORT_TC": "vport_tc",
        },
    ),
    ("fte_match_set_lyr_2_4", "src_ipv4_src_ipv6"): ("ip_version", IP_VERSION_MEMBERS),
    ("fte_match_set_lyr_2_4", "dst_ipv4_dst_ipv6"): ("ip_version", IP_VERSION_MEMBERS),
    # The RQ list of an RQT: plain RQ numbers, or RQ number plus owning vhca_id per entry.
    # Inferred from the field names (rq_vhca_id_format beside the rq_num[]/rq_vhca[] union);
    # the reference does not state it. The kernel's en/rqt.c (fill_rqn_list) confirms: it
    # sets rq_vhca_id_format=1 exactly when it fills rq_vhca[] entries.
    ("rqtc", "rq_num_or_rq_vhca"): ("rq_vhca_id_format", {"0": "rq_num", "1": "rq_vhca"}),
}

# Flexible arrays whose element count a sibling field states: (struct, field) -> the count
# field in the same struct. On a union of flexible arrays the count applies to the member
# in use. The decoder shows min(count, what the buffer holds) elements.
IFC_COUNTS: dict[tuple[str, str], str] = {
    # rqt_actual_size counts the RQ list's entries: inferred from the field names, not
    # stated by the reference; en/rqt.c fills exactly rqt_actual_size entries.
    ("rqtc", "rq_num_or_rq_vhca"): "rqt_actual_size",
}

# Flexible arrays made of consecutive counted runs, every element one stride wide, the
# stride picked by a flag field: (struct, array field) -> (flag field, {flag value: stride
# in bits}, ((count field, {flag value: element struct}), ... in list order)). The flag,
# count and element structs' offsets come from the reference; which run comes first and
# the strides do not.
IFC_SEGMENTS: dict[tuple[str, str],
                   tuple[str, dict[int, int], tuple[tuple[str, dict[int, str]], ...]]] = {
    # A flow entry's list: destination_list_size destinations, then flow_counter_list_size
    # flow counters. Kernel knowledge, NOT stated by the reference (which declares only a
    # flexible array of the 128-bit union dest_format_flow_counter_list_auto): the mlx5
    # driver's fs_cmd.c builds the list this way, stepping every entry, destination and
    # counter alike, by 128 bits (extended_dest_format) when extended_destination=1 and by
    # 64 bits (dest_format_struct; a counter is flow_counter_list, 64 bits) when it is 0.
    ("flow_context", "destination"): (
        "extended_destination",
        {0: 64, 1: 128},
        (("destination_list_size", {0: "dest_format_struct", 1: "extended_dest_format"}),
         ("flow_counter_list_size", {0: "flow_counter_list", 1: "flow_counter_list"})),
    ),
}

# QUERY_GENERAL_OBJECT: the reply after the common header depends on the input's obj_type.
# Object type enumerator -> the reference's query struct for that type (header + object).
# The generator builds one reply layout: general_obj_out_cmd_hdr, then a union `object`
# of the object structs these query structs end with, picked by obj_type when decoding.
# Object types without a query struct in the reference are shown raw.
GENERAL_OBJECT_COMMAND = "QUERY_GENERAL_OBJECT"
GENERAL_OBJECT_HEADER = "general_obj_out_cmd_hdr"
GENERAL_OBJECT_REPLY = "query_general_object_out"
GENERAL_OBJECT_QUERIES: dict[str, str] = {
    "MLX5_GENERAL_OBJECT_TYPES_IPSEC": "query_ipsec_obj_out",
    "MLX5_GENERAL_OBJECT_TYPES_MACSEC": "query_macsec_obj_out",
    "MLX5_GENERAL_OBJECT_TYPES_SAMPLER": "query_sampler_obj_out",
    "MLX5_OBJ_TYPE_PAGE_TRACK": "query_page_track_obj_out",
    "MLX5_OBJ_TYPE_VIRTIO_NET_Q": "query_virtio_net_q_out",
    "MLX5_OBJ_TYPE_VIRTIO_Q_COUNTERS": "query_virtio_q_counters_out",
}
OBJ_TYPE_PREFIXES = ("MLX5_OBJ_TYPE_", "MLX5_GENERAL_OBJECT_TYPES_")

MBOX_IN = "mbox_in_generic"
MBOX_OUT = "mbox_out_generic"
RAW_PAYLOAD_BIT = 64  # bytes 8.. of a mailbox without a public layout are shown raw

"""Short help for fields an engineer fills in or looks at first (our own words).

Looked up as (layout, field) first, then by field name alone, so common names such as
`local_port` or `op_mod` get one explanation everywhere.
"""

from __future__ import annotations

BY_NAME: dict[str, str] = {
    # mailbox headers
    "opcode": "Command opcode; filled in from the catalogue.",
    "uid": "User context id; the fwctl driver overwrites it with the id of your open file.",
    "op_mod": "Opcode modifier: selects a variant of the command (a capability page, read or "
              "write, ...).",
    "payload": "Bytes of a mailbox whose layout is not public, shown raw.",
    "register_id": "Which access register to read or write.",
    "argument": "Register-specific argument; zero for almost every register.",
    "register_data": "The register contents: keys to fill for a read, values for a write.",
    "other_function": "Set to ask about another function (VF/SF) named by function_id.",
    "ec_vf_function": "Set when function_id names a VF of the embedded CPU (DPU Arm) function.",
    "function_id": "The function (vhca id or VF number) the question is about.",
    "vport_number": "Virtual port to query; 0 is the function's own vport.",
    "other_vport": "Set to query another function's vport (needs e-switch manager rights).",
    "obj_type": "Type of a general object (virtio queue, encryption key, flow meter, ...).",
    "obj_id": "Object id returned when the object was created.",
    "clear": "Clear the counters after reading them.",
    "capability": "The capability page selected by op_mod.",
    "other_capability": "Capability bits of the function named by function_id (only roce is "
                        "defined); its full pages come from QUERY_HCA_CAP other_function=1.",
    # register keys
    "local_port": "Port number on the device (1 for the first port on most NICs).",
    "lp_msb": "High bits of the port number, for devices with more than 255 ports.",
    "pnat": "How local_port is numbered: 0 local port, 1 InfiniBand port number, other values "
            "for host or out-of-band ports.",
    "swid": "Switch partition; always 0 on a NIC.",
    "plane_ind": "Plane index of an aggregated (multi-plane) port; 0 for ordinary ports.",
    "port_type": "Which side of the port: the network port, or a near/far end of an "
                 "internal link.",
    "grp": "Counter group to read; the reply's counter_set holds that group.",
    "clr": "Write 1 to clear the group's counters as they are read.",
    "prio_tc": "Priority or traffic class for per-priority and per-TC counter groups.",
    "page_select": "Which page of the register to read.",
    "counter_set": "The counters of the group selected by grp.",
    "page_data": "The page selected by page_select.",
    "module": "Module (cage) number, counted from 0.",
    "slot_index": "Line-card slot; 0 on a NIC.",
    "sensor_index": "Temperature sensor to read (see MTCAP for valid indexes).",
    "admin_status": "Requested (administrative) state.",
    "oper_status": "Actual (operational) state.",
    "feature_group": "Which capability group of the mask to return.",
    "access_reg_group": "Which group of registers the mask describes.",
    # capabilities people look up
    "log_max_qp": "Log2 of the number of queue pairs the function can create.",
    "log_max_cq": "Log2 of the number of completion queues.",
    "log_max_eq": "Log2 of the number of event queues.",
    "log_max_mkey": "Log2 of the number of memory keys.",
    "log_max_msg": "Log2 of the largest message size.",
    "num_ports": "Number of physical ports of the function.",
    "vhca_id": "The function's virtual HCA id, used to address it in other commands.",
    "uctx_cap": "User-context capabilities; fwctl needs this to create its context.",
    "general_obj_types": "Bit mask of the general object types the device supports.",
    "max_num_sf": "How many sub-functions the function may create.",
    "log_max_current_uc_list": "Log2 of the number of unicast MACs a vport can hold.",
    "roce": "RoCE is supported.",
    "eswitch_manager": "This function manages the e-switch (it is the PF in switchdev).",
    "vport_group_manager": "This function manages a group of vports.",
}

# Reply headers: `status` and `syndrome` mean this only in a command's output mailbox.
REPLY_HEADER: dict[str, str] = {
    "status": "Firmware status of the command: 0 means OK, anything else is an error code.",
    "syndrome": "Firmware-internal code identifying the failing check; quote it with the "
                "opcode and firmware version when reporting a failure.",
}

BY_LAYOUT: dict[tuple[str, str], str] = {
    ("mcia_ext", "i2c_device_address"): "I2C address of the module memory (commonly 0x50 "
                                        "or 0x51).",
    ("mcia_ext", "page_number"): "Module memory page to read.",
    ("mcia_ext", "device_address"): "Byte offset inside the module memory page.",
    ("mcia_ext", "size"): "Number of bytes to transfer.",
    ("mcia_ext", "status"): "Module access status reported by the firmware (0 = good).",
    ("mtmp_ext", "temperature"): "Current temperature in units of 0.125 degrees Celsius.",
    ("mtmp_ext", "max_temperature"): "Highest temperature recorded since reset, in units of "
                                     "0.125 degrees Celsius.",
    ("query_hca_cap_in", "op_mod"): "Capability page << 1, plus 1 for current values or 0 "
                                     "for the maximum supported.",
    ("set_hca_cap_in", "op_mod"): "Capability page << 1.",
    ("query_other_hca_cap_in", "op_mod"): "No variants are defined; leave it 0 (it does not "
                                          "pick a capability page).",
    ("other_hca_cap", "roce"): "The other function's RoCE capability bit.",
    # RQT (QUERY_RQT): the RQ list follows the fixed context
    ("rqtc", "list_q_type"): "Type of the queues the list names.",
    ("rqtc", "rqt_max_size"): "Entries the table can hold.",
    ("rqtc", "rq_vhca_id_format"): "Format of the RQ list: 0 plain RQ numbers (rq_num), 1 RQ "
                                   "number plus owning vhca_id per entry (rq_vhca).",
    ("rqtc", "rqt_actual_size"): "Entries in use: how many the RQ list holds.",
    ("rqtc", "rq_num_or_rq_vhca"): "The RQ list: rqt_actual_size entries, in the format "
                                   "rq_vhca_id_format names.",
    ("rqtc__anon0", "rq_num"): "RQ list with one RQ number per entry.",
    ("rqtc__anon0", "rq_vhca"): "RQ list with an RQ number and the vhca_id owning it per "
                                "entry (an RQT spreading over several functions' RQs).",
    ("rq_num", "rq_num"): "Receive queue number.",
    ("rq_vhca", "rq_num"): "Receive queue number, in the function rq_vhca_id names.",
    ("rq_vhca", "rq_vhca_id"): "vhca_id of the function owning the receive queue.",
    # flow entries (QUERY_FLOW_TABLE_ENTRY): destinations, then counters, after the context
    ("flow_context", "extended_destination"): "Format of the destination list: 1 every entry "
                                              "is 16 bytes (extended_dest_format, a packet "
                                              "reformat per destination), 0 every entry is 8 "
                                              "bytes (dest_format_struct).",
    ("flow_context", "destination_list_size"): "Destinations at the start of the destination "
                                               "list.",
    ("flow_context", "flow_counter_list_size"): "Flow counters in the destination list, after "
                                                "the destinations.",
    ("flow_context", "destination"): "Where matching packets go, then what counts them: "
                                     "destination_list_size destinations followed by "
                                     "flow_counter_list_size counters, every entry 8 or 16 "
                                     "bytes as extended_destination says.",
    ("dest_format_struct", "destination_type"): "What destination_id names: a vport, a flow "
                                                "table, a TIR, a sampler, the uplink, ...",
    ("dest_format_struct", "destination_id"): "The destination's number (vport, flow table id, "
                                              "TIR number, ...), as destination_type says.",
    ("extended_dest_format", "packet_reformat_id"): "Packet reformat (e.g. encapsulation) "
                                                    "applied for this destination only.",
    ("flow_counter_list", "flow_counter_id"): "Flow counter the rule counts into; read it "
                                              "with QUERY_FLOW_COUNTER.",
    ("access_register_in", "op_mod"): "1 reads the register, 0 writes it.",
    ("qpc", "state"): "QP state: reset, init, ready to receive, ready to send, error, ...",
    ("query_vport_state_out", "state"): "Operational link state of the vport.",
    ("query_vport_state_out", "admin_state"): "Administrative state of the vport.",
}


def field_help(layout: str, name: str) -> str | None:
    """Help for a field of a layout, or None."""
    found = BY_LAYOUT.get((layout, name))
    if found:
        return found
    if name in REPLY_HEADER:
        is_reply = layout.endswith(("_out", "_out_generic", "_out_cmd_hdr"))
        return REPLY_HEADER[name] if is_reply else None
    return BY_NAME.get(name)

"""Our own words for the command catalogue: one paragraph per command and its UI group.

Hand-written, never generated: what the command is for and when an engineer reaches for
it. Where the layout is not public we say so rather than guess at fields.
"""

from __future__ import annotations

# Commands that change device state (besides ACCESS_REG writes, decided by op_mod).
WRITE_COMMANDS = frozenset({
    "SET_HCA_CAP", "SET_DIAGNOSTIC_PARAMS", "MODIFY_CONG_STATUS",
    "DELEGATE_VHCA_MANAGEMENT", "POSTPONE_CONNECTED_QP_TIMEOUT",
})

# Preferred default op_mod where the first named variant is not the useful one.
DEFAULT_OP_MODS = {"QUERY_HCA_CAP": 1, "ACCESS_REG": 1, "ACCESS_REGISTER_USER": 1,
                   "QUERY_PAGES": 1}

_GROUPS: dict[str, tuple[str, ...]] = {
    "capabilities": ("QUERY_HCA_CAP", "QUERY_OTHER_HCA_CAP", "SET_HCA_CAP", "QUERY_ISSI"),
    "device": (
        "QUERY_ADAPTER", "QUERY_PAGES", "QUERY_DRIVER_VERSION", "QUERY_VUID",
        "QUERY_SPECIAL_CONTEXTS", "QUERY_MAD_DEMUX", "QUERY_WOL_ROL", "QUERY_LAG",
        "QUERY_CRYPTO_STATE", "QUERY_RSV_RESOURCES", "QUERY_DPA_PARTITION",
        "QUERY_DPA_PARTITIONS", "QUERY_EMULATED_FUNCTIONS_INFO",
        "QUERY_EMULATED_RESOURCES_INFO", "QUERY_EMULATION_DEVICE_EQ_MSIX_MAPPING",
        "QUERY_AFU", "QUERY_CAPI_PEC", "QUERY_REGEXP_PARAMS", "QUERY_REGEXP_REGISTER",
    ),
    "vport": (
        "QUERY_ESW_FUNCTIONS", "QUERY_VPORT_STATE", "QUERY_ESW_VPORT_CONTEXT",
        "QUERY_NIC_VPORT_CONTEXT", "QUERY_ROCE_ADDRESS", "QUERY_HCA_VPORT_CONTEXT",
        "QUERY_HCA_VPORT_GID", "QUERY_HCA_VPORT_PKEY", "QUERY_VNIC_ENV", "QUERY_VPORT_COUNTER",
        "QUERY_SF_PARTITION", "QUERY_VHCA_MIGRATION_STATE", "QUERY_VHCA_STATE",
        "QUERY_ADJACENT_FUNCTIONS_ID", "DELEGATE_VHCA_MANAGEMENT", "QUERY_DELEGATED_VHCA",
        "QUERY_SCHEDULING_ELEMENT", "QUERY_RATE_LIMIT",
    ),
    "objects": (
        "QUERY_MKEY", "QUERY_EQ", "QUERY_CQ", "QUERY_QP", "QUERY_RDB", "QUERY_PSV",
        "QUERY_SRQ", "QUERY_XRC_SRQ", "QUERY_DCT", "QUERY_XRQ", "QUERY_XRQ_DC_PARAMS_ENTRY",
        "QUERY_XRQ_ERROR_PARAMS", "USER_QUERY_XRQ_DC_PARAMS_ENTRY",
        "USER_QUERY_XRQ_ERROR_PARAMS", "QUERY_TIR", "QUERY_SQ", "QUERY_RQ", "QUERY_RMP",
        "QUERY_TIS", "QUERY_RQT", "QUERY_GENERAL_OBJECT", "QUERY_UCTX", "QUERY_UMEM",
        "QUERY_MTT", "QUERY_NVMF_BACKEND_CONTROLLER", "QUERY_NVMF_NAMESPACE_CONTEXT",
        "QUERY_NVMF_CC_RESPONSE", "FPGA_QUERY_QP", "QUERY_SCHED_QUEUE",
        "POSTPONE_CONNECTED_QP_TIMEOUT",
    ),
    "diagnostics": (
        "NOP", "QUERY_DIAGNOSTIC_PARAMS", "SET_DIAGNOSTIC_PARAMS", "QUERY_DIAGNOSTIC_COUNTERS",
        "QUERY_Q_COUNTER", "QUERY_CONG_STATUS", "MODIFY_CONG_STATUS", "QUERY_CONG_PARAMS",
        "QUERY_CONG_STATISTICS", "FPGA_QUERY_QP_COUNTERS", "QUERY_DC_CNAK_TRACE",
        "QUERY_DELAY_DROP_PARAMS", "QUERY_BURST_SIZE",
    ),
    "registers": ("ACCESS_REG", "ACCESS_REGISTER_USER"),
    "flow steering": (
        "QUERY_FLOW_TABLE", "QUERY_FLOW_GROUP", "QUERY_FLOW_TABLE_ENTRY", "QUERY_FLOW_COUNTER",
        "QUERY_MODIFY_HEADER_CONTEXT", "QUERY_PACKET_REFORMAT_CONTEXT", "QUERY_L2_TABLE_ENTRY",
        "QUERY_MATCH_SAMPLE_INFO",
    ),
}
GROUP_OF = {name: group for group, names in _GROUPS.items() for name in names}

_NOT_PUBLIC = (" Its mailbox layout is not published, so the tool shows the header and the "
               "rest as raw bytes; fill the payload from vendor documentation if you have it.")

SUMMARIES: dict[str, str] = {
    # capabilities
    "QUERY_HCA_CAP": (
        "Reads one page of the device's capabilities. op_mod picks the page (general, "
        "Ethernet offloads, RoCE, flow table, e-switch, QoS, ...) and whether you get the "
        "current values or the maximum the firmware supports. The first thing to run on an "
        "unknown adapter: it tells you which features, queue limits and object types exist "
        "before you try anything else."),
    "QUERY_OTHER_HCA_CAP": (
        "Asks, as a function's manager, for the few capability bits kept for another "
        "function (a VF or SF) named by function_id. Despite the name it does not return "
        "capability pages: the reply holds one defined bit, roce (whether that function has "
        "RoCE), and the rest is reserved; op_mod has no variants. To read another function's "
        "full capability pages, send QUERY_HCA_CAP with other_function=1 and "
        "function_id=N."),
    "SET_HCA_CAP": (
        "Writes a capability page: the driver uses it during bring-up to switch on optional "
        "features within the limits QUERY_HCA_CAP reported as maximum. Allowed even at the "
        "configuration scope by the kernel, but it changes how the function behaves, so treat "
        "it as a write and read the page back afterwards."),
    "QUERY_ISSI": (
        "Returns the interface step sequence IDs (command-interface revisions) the firmware "
        "supports and the one in use. Useful when a command behaves differently across "
        "firmware generations."),
    # device
    "QUERY_ADAPTER": (
        "Reads adapter identity: vendor id, PSID (the board/firmware configuration id) and "
        "vendor-specific data. Quote the PSID when asking which firmware image fits a card."),
    "QUERY_PAGES": (
        "Asks how many memory pages the firmware still wants from the host (boot, init or "
        "regular, chosen by op_mod). A non-zero answer after bring-up hints at a page-supply "
        "problem or a function that is still starting."),
    "QUERY_DRIVER_VERSION": (
        "Reads back the driver version string the host registered with the firmware. Handy "
        "to confirm which driver last configured the function." + _NOT_PUBLIC),
    "QUERY_VUID": (
        "Returns the vendor-unique identifiers the device exposes (used to identify a "
        "function or device instance across reboots or hosts)."),
    "QUERY_SPECIAL_CONTEXTS": (
        "Returns the special memory keys the firmware reserves (for example the key that "
        "reads as zeros or a null key). Needed when decoding work requests that reference them."),
    "QUERY_MAD_DEMUX": (
        "Shows which InfiniBand management datagram classes the firmware passes to the host "
        "rather than handling itself."),
    "QUERY_WOL_ROL": (
        "Reads the wake-on-LAN and reset-on-LAN modes that are supported and enabled, when "
        "a host does not wake on a magic packet."),
    "QUERY_LAG": (
        "Reads the link-aggregation (bonding offload) context: whether the two ports are "
        "bonded in hardware and how traffic is mapped to them. Check it when a bond does not "
        "fail over or balance as expected."),
    "QUERY_CRYPTO_STATE": (
        "Reports the state of the crypto engines (for example whether they are in a "
        "wrapped-key or plaintext-key mode)." + _NOT_PUBLIC),
    "QUERY_RSV_RESOURCES": (
        "Reports resources the firmware reserved for this function." + _NOT_PUBLIC),
    "QUERY_DPA_PARTITION": (
        "Describes one partition of the data-path accelerator (on BlueField/ConnectX parts "
        "that have one)." + _NOT_PUBLIC),
    "QUERY_DPA_PARTITIONS": (
        "Lists the data-path accelerator partitions." + _NOT_PUBLIC),
    "QUERY_EMULATED_FUNCTIONS_INFO": (
        "Lists functions the device emulates (for example virtio or NVMe functions on a "
        "DPU) and their state." + _NOT_PUBLIC),
    "QUERY_EMULATED_RESOURCES_INFO": (
        "Reports resources consumed by emulated functions." + _NOT_PUBLIC),
    "QUERY_EMULATION_DEVICE_EQ_MSIX_MAPPING": (
        "Shows how an emulated device's event queues map to MSI-X vectors." + _NOT_PUBLIC),
    "QUERY_AFU": (
        "Queries an accelerator function unit attached to the device." + _NOT_PUBLIC),
    "QUERY_CAPI_PEC": (
        "Queries a coherent-accelerator (CAPI) endpoint context." + _NOT_PUBLIC),
    "QUERY_REGEXP_PARAMS": (
        "Reads the configuration of the regular-expression accelerator." + _NOT_PUBLIC),
    "QUERY_REGEXP_REGISTER": (
        "Reads an internal register of the regular-expression accelerator." + _NOT_PUBLIC),
    # vport
    "QUERY_ESW_FUNCTIONS": (
        "Lists the functions behind the e-switch (host PF and VF counts, SF enablement). "
        "The starting point when mapping vports to PCI functions on a switchdev setup."),
    "QUERY_VPORT_STATE": (
        "Reads the administrative and operational link state of a vport (the virtual port "
        "of a function), as the NIC or the e-switch sees it, or the uplink, chosen by op_mod. "
        "Run it when a VF reports no carrier."),
    "QUERY_ESW_VPORT_CONTEXT": (
        "Reads the e-switch side of a vport: VLAN insertion and stripping applied to that "
        "function's traffic."),
    "QUERY_NIC_VPORT_CONTEXT": (
        "Reads a vport's NIC context: MAC addresses, MTU, promiscuous flags, RoCE enablement "
        "and more. The place to check what address and MTU a VF really got."),
    "QUERY_ROCE_ADDRESS": (
        "Reads one entry of the RoCE GID table: the IP/MAC address, VLAN and RoCE version "
        "used to build RDMA packets. Check it when RoCE connections pick the wrong source "
        "address."),
    "QUERY_HCA_VPORT_CONTEXT": (
        "Reads an InfiniBand vport context: port state, LID, GUIDs, capability masks. The IB "
        "counterpart of the NIC vport context."),
    "QUERY_HCA_VPORT_GID": (
        "Reads GID table entries of an InfiniBand vport. Use it when an IB or RoCE peer "
        "cannot resolve this port's address and you suspect the GID table."),
    "QUERY_HCA_VPORT_PKEY": (
        "Reads partition-key table entries of an InfiniBand vport; a missing or limited PKey "
        "explains why a node cannot join a partition."),
    "QUERY_VNIC_ENV": (
        "Reads per-vport diagnostic counters kept by the firmware (for example receive "
        "buffer drops seen before packets reached a queue). A first stop for 'packets vanish "
        "before the driver sees them'."),
    "QUERY_VPORT_COUNTER": (
        "Reads a vport's traffic counters (unicast/multicast/broadcast packets and bytes, "
        "errors, discards), optionally clearing them."),
    "QUERY_SF_PARTITION": (
        "Reports how many sub-functions (SFs) each partition may create and their base ids. "
        "Check it when creating an SF fails with a limit error."),
    "QUERY_VHCA_MIGRATION_STATE": (
        "Reports the live-migration state of a function and the size of its saved state. "
        "Used while debugging VF live migration."),
    "QUERY_VHCA_STATE": (
        "Reports the state of a virtual HCA (a VF or SF function) as the manager sees it."
        + _NOT_PUBLIC),
    "QUERY_ADJACENT_FUNCTIONS_ID": (
        "Lists functions adjacent to this one (for example peers that can be delegated to it)."
        + _NOT_PUBLIC),
    "DELEGATE_VHCA_MANAGEMENT": (
        "Hands management of a function to another function. This changes who controls the "
        "function, so it is a write even though the kernel allows it at the configuration "
        "scope." + _NOT_PUBLIC),
    "QUERY_DELEGATED_VHCA": (
        "Lists functions whose management has been delegated." + _NOT_PUBLIC),
    "QUERY_SCHEDULING_ELEMENT": (
        "Reads one element of the transmit scheduling tree (a rate limiter or arbiter node "
        "with its bandwidth share and maximum rate). Check it when a VF's rate limit does not "
        "hold."),
    "QUERY_RATE_LIMIT": (
        "Reads a packet-pacing rate-limit entry." + _NOT_PUBLIC),
    # objects
    "QUERY_MKEY": (
        "Reads a memory key's context: address range, access rights, translation mode and "
        "owner. Use it when RDMA reports a protection or length error on a key."),
    "QUERY_EQ": (
        "Reads an event queue's context (state, size, interrupt vector, consumer index). "
        "A stuck or overflowed EQ shows up here."),
    "QUERY_CQ": (
        "Reads a completion queue's context (state, size, moderation, overflow status). The "
        "first check when completions stop arriving."),
    "QUERY_QP": (
        "Reads a queue pair's context: state (RST/INIT/RTR/RTS/ERR), transport type, MTU, "
        "addressing and counters. The main tool for 'why is my QP in error'."),
    "QUERY_RDB": (
        "Reads a QP's RDMA read-response database entries." + _NOT_PUBLIC),
    "QUERY_PSV": (
        "Reads a protection signature value object used for T10-DIF style signature "
        "offload." + _NOT_PUBLIC),
    "QUERY_SRQ": (
        "Reads a shared receive queue's context (state, limit watermark, WQE counters). Use "
        "it when receivers sharing the queue start dropping or the SRQ goes to error."),
    "QUERY_XRC_SRQ": (
        "Reads an XRC shared receive queue's context (state, XRC domain, CQ); the XRC "
        "counterpart of QUERY_SRQ."),
    "QUERY_DCT": (
        "Reads a dynamically connected target's context (state, access key, MTU). Use it for "
        "DC transport issues."),
    "QUERY_XRQ": (
        "Reads an extended receive queue's context (tag matching and rendezvous offload "
        "state), for MPI tag-matching offload problems."),
    "QUERY_XRQ_DC_PARAMS_ENTRY": (
        "Reads one DC parameters entry of an extended receive queue." + _NOT_PUBLIC),
    "QUERY_XRQ_ERROR_PARAMS": (
        "Reads the error details of an extended receive queue." + _NOT_PUBLIC),
    "USER_QUERY_XRQ_DC_PARAMS_ENTRY": (
        "User-context variant of QUERY_XRQ_DC_PARAMS_ENTRY." + _NOT_PUBLIC),
    "USER_QUERY_XRQ_ERROR_PARAMS": (
        "User-context variant of QUERY_XRQ_ERROR_PARAMS." + _NOT_PUBLIC),
    "QUERY_TIR": (
        "Reads a transport interface receive object: how incoming packets are spread over "
        "receive queues (RSS hash fields and function, LRO). Check it when receive traffic "
        "lands on the wrong queues."),
    "QUERY_SQ": (
        "Reads an Ethernet send queue's context (state, TIS, rate limit, CQ). Check it when "
        "a transmit queue times out or stays in error."),
    "QUERY_RQ": (
        "Reads an Ethernet receive queue's context (state, CQ, counter set, memory type). "
        "Check it when a queue stops receiving."),
    "QUERY_RMP": (
        "Reads a receive memory pool's context: the buffer pool shared receive queues draw "
        "from, its state and size."),
    "QUERY_TIS": (
        "Reads a transport interface send object: the priority and LAG port affinity that "
        "send queues attached to it inherit."),
    "QUERY_RQT": (
        "Reads a receive queue table: the list of RQs RSS spreads traffic over. Compare it "
        "with the expected channel count when receive load is uneven."),
    "QUERY_GENERAL_OBJECT": (
        "Reads any object created through the general-object interface, named by obj_type "
        "and obj_id (encryption keys, virtio queues, flow meters, ...). The reply is the "
        "common header followed by the object's own context."),
    "QUERY_UCTX": ("Reads a user context (the fwctl/DevX security context)." + _NOT_PUBLIC),
    "QUERY_UMEM": ("Reads a user memory registration." + _NOT_PUBLIC),
    "QUERY_MTT": ("Reads memory translation table entries." + _NOT_PUBLIC),
    "QUERY_NVMF_BACKEND_CONTROLLER": (
        "Reads an NVMe-oF target offload backend controller." + _NOT_PUBLIC),
    "QUERY_NVMF_NAMESPACE_CONTEXT": (
        "Reads an NVMe-oF target offload namespace context." + _NOT_PUBLIC),
    "QUERY_NVMF_CC_RESPONSE": (
        "Reads an NVMe-oF offload controller-configuration response." + _NOT_PUBLIC),
    "FPGA_QUERY_QP": (
        "Reads the context of a QP on the FPGA side of an Innova/FPGA-equipped adapter, "
        "for debugging the connection between the NIC and the FPGA logic."),
    "QUERY_SCHED_QUEUE": ("Reads a scheduling queue." + _NOT_PUBLIC),
    "POSTPONE_CONNECTED_QP_TIMEOUT": (
        "Asks the firmware to postpone the timeout of connected QPs (used around events that "
        "pause traffic, such as migration). It changes firmware behaviour." + _NOT_PUBLIC),
    # diagnostics
    "NOP": (
        "Does nothing and returns OK. Proves the command path (fwctl, driver, firmware "
        "mailbox) works end to end; run it first when every other command fails."),
    "QUERY_DIAGNOSTIC_PARAMS": (
        "Reads how firmware diagnostic counters are set up: which counters, sampling period, "
        "single or repetitive sampling, whether sampling is enabled."),
    "SET_DIAGNOSTIC_PARAMS": (
        "Configures firmware diagnostic counter sampling (counters, period, enable). Needs "
        "the debug-write scope, which taints the kernel: use it on a test machine, then read "
        "results with QUERY_DIAGNOSTIC_COUNTERS."),
    "QUERY_DIAGNOSTIC_COUNTERS": (
        "Reads the samples collected by the firmware diagnostic counters configured with "
        "SET_DIAGNOSTIC_PARAMS: counter id, sample id, timestamp and value."),
    "QUERY_Q_COUNTER": (
        "Reads a queue counter set: receive out-of-buffer drops, duplicate requests, "
        "retransmits and other per-queue-group errors. The usual proof of 'rx_out_of_buffer'."),
    "QUERY_CONG_STATUS": (
        "Reads whether a congestion-control protocol (for example RoCE ECN reaction or "
        "notification point) is enabled on a priority."),
    "MODIFY_CONG_STATUS": (
        "Enables or disables a congestion-control protocol on a priority. A write even though "
        "the kernel allows it at the configuration scope; confirm with QUERY_CONG_STATUS."),
    "QUERY_CONG_PARAMS": (
        "Reads the tuning parameters of a congestion-control algorithm (rates, timers, "
        "thresholds). The answer's layout depends on the protocol asked for."),
    "QUERY_CONG_STATISTICS": (
        "Reads congestion-control statistics (CNPs sent and handled, rate reductions). "
        "Use it to see whether ECN/DCQCN is actually reacting."),
    "FPGA_QUERY_QP_COUNTERS": (
        "Reads packet counters of a QP on the FPGA side of an FPGA-equipped adapter, to see "
        "whether traffic reaches the FPGA logic."),
    "QUERY_DC_CNAK_TRACE": (
        "Reads the trace of DC connection NAKs, for DC transport debugging." + _NOT_PUBLIC),
    "QUERY_DELAY_DROP_PARAMS": (
        "Reads the delay-drop timeout (how long the device holds packets for a receive "
        "queue without buffers before dropping them)." + _NOT_PUBLIC),
    "QUERY_BURST_SIZE": ("Reads the transmit burst-size setting." + _NOT_PUBLIC),
    # registers
    "ACCESS_REG": (
        "Reads or writes an access register (port, module, management and monitoring "
        "registers such as PPCNT, PDDR, PTYS, MGIR). op_mod 1 reads, 0 writes; the kernel "
        "accepts writes at the configuration scope and needs debug-read-only for reads. Pick "
        "a register (ACCESS_REG:PPCNT) to get its layout and fill its index fields."),
    "ACCESS_REGISTER_USER": (
        "The user-context variant of ACCESS_REG, with the same layout and scope rule. Use it "
        "when the firmware restricts a register to user contexts."),
    # flow steering
    "QUERY_FLOW_TABLE": (
        "Reads a flow table's context: type, level, miss behaviour and table it forwards to. "
        "The first step when tracing where a packet goes in the steering pipeline."),
    "QUERY_FLOW_GROUP": (
        "Reads a flow group: which header fields its entries match on and its index range. "
        "Needed to interpret the entries of a flow table."),
    "QUERY_FLOW_TABLE_ENTRY": (
        "Reads one steering rule: match values, actions (forward, drop, count, modify) and "
        "destinations. Compare it with what the driver or tc thinks it installed."),
    "QUERY_FLOW_COUNTER": (
        "Reads packet and byte counts of flow counters, optionally clearing them. Shows "
        "whether a rule is being hit."),
    "QUERY_MODIFY_HEADER_CONTEXT": (
        "Reads a header-rewrite action object (the list of field set/add/copy actions). The "
        "reply layout is not public, so it is shown as raw bytes."),
    "QUERY_PACKET_REFORMAT_CONTEXT": (
        "Reads a packet-reformat object (encapsulation or decapsulation header data), for "
        "example to check the tunnel header a VXLAN offload rule pushes."),
    "QUERY_L2_TABLE_ENTRY": (
        "Reads an entry of the legacy L2 (MAC/VLAN) table that steers traffic to functions "
        "when no e-switch rules are in use."),
    "QUERY_MATCH_SAMPLE_INFO": (
        "Reads information about a match sampler used by hardware steering." + _NOT_PUBLIC),
}


def group(name: str) -> str:
    """UI group of a base command (one of catalogue.GROUPS)."""
    return GROUP_OF.get(name, "device")


def summary(name: str) -> str:
    return SUMMARIES.get(name, "No summary yet.")

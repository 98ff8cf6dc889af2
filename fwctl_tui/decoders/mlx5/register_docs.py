"""Our own one-paragraph summaries of the access registers engineers reach for most.

Registers without an entry get a neutral line; the field tables, access flags and enums
still come from the generated data. Written from general knowledge of the registers,
never copied from vendor descriptions.
"""

from __future__ import annotations

SUMMARIES: dict[str, str] = {
    # ports: state, speed, mapping
    "PAOS": "Port administrative and operational state: bring a port up or down (admin), see "
            "whether it is really up (oper) and control the up/down events it raises. The "
            "quickest check for 'is the link up'.",
    "PTYS": "Port type and speed: which protocols and speeds the port supports, which are "
            "enabled (admin) and which one is running (oper), plus auto-negotiation control. "
            "Use it to read or force the link speed.",
    "PMTU": "Port MTU: the largest MTU the port supports, the configured one and the one in "
            "effect.",
    "PMLP": "Port to module lane mapping: how many lanes form the port and which module and "
            "lane each one uses. Relevant for breakout cables and split ports.",
    "PPLM": "Port PHY link mode: forward error correction modes supported, requested and active "
            "for each speed. Check it when two ends disagree on FEC and the link flaps.",
    "PCAP": "Port capability mask: which optional port features and registers this port "
            "supports (the older, per-port view).",
    "PCAM": "Port capabilities mask: which port registers and port features the firmware "
            "implements. Look here before relying on an optional PPCNT group or PDDR page.",
    "PMAOS": "Port module (cable or transceiver) administrative and operational state: present, "
             "plugged but disabled, error, plus the error type. The first check when a cable "
             "is not detected.",
    "PMPE": "Port module plug event: reports module insertion, removal and error events.",
    "PUDE": "Port up/down event: the event the port raises when its admin or operational state "
            "changes.",
    "PCMR": "Port configuration flags such as FCS checking on receive and forced RoCE entropy.",
    "PMMP": "Port module memory-map properties: override what the module's EEPROM reports "
            "(for example cable length or attenuation) for non-standard cables.",
    "PMCR": "Port module control: module-level controls such as reset, low-power mode and "
            "transmitter disable.",
    "PMTM": "Port module type mapping: what kind of module each slot holds.",
    "PPAOS": "Port PHY administrative and operational state, one level below PAOS: lets the "
             "PHY be kept in test modes separately from the logical port.",
    "PGUID": "Port GUIDs: the InfiniBand GUIDs assigned to the port.",
    "PVLC": "Port virtual-lane capability: the InfiniBand VLs the port supports and uses.",
    "PELC": "Port Ethernet link configuration flags for the legacy Ethernet link setup.",
    "PLTC": "Port lane types and characteristics.",
    "NODE_DESC": "InfiniBand node description string reported to the subnet manager.",
    # counters and diagnostics
    "PPCNT": "Port counters. `grp` picks the counter group: IEEE 802.3 and RFC 2863/2819/3635 "
             "MIB counters, extended and discard counters, per-priority and per-traffic-class "
             "counters, physical-layer counters (symbol and FEC errors), physical-layer "
             "statistics (bit error rate), recovery counters and InfiniBand port counters. "
             "`clr` clears the group after reading. The register behind most 'ethtool -S' "
             "numbers.",
    "PDDR": "Port diagnostics database. `page_select` picks a page: operational info (speed, "
            "FEC, link partner), troubleshooting (why the link is down or degraded), PHY info, "
            "module info (cable type, vendor, temperature, power), link-down and link-up "
            "history. The first register to read when a link will not come up.",
    "PPHCR": "Port PHY histogram configuration: sets up the physical-layer histograms (such as "
             "FEC error bins) that PPCNT reports.",
    "SLTP": "SerDes lane transmit parameters: per-lane pre- and post-cursor taps, amplitude "
            "and related equaliser settings. The page follows the SerDes generation.",
    "SLRG": "SerDes lane receive grade: per-lane eye opening and signal-quality grades; a lane "
            "with a poor grade points at a bad cable, connector or cage.",
    "PPLR": "Port PHY loopback: put the port into a PHY-level or external loopback for "
            "testing.",
    "PPTT": "Port PRBS transmit test: sends pseudo-random test patterns on the lanes.",
    "PPRT": "Port PRBS receive test: checks received pseudo-random test patterns per lane, "
            "the other half of a PRBS link test.",
    "PIPG": "Port inter-packet gap setting.",
    # buffers and QoS
    "PFCC": "Port flow control: global pause and per-priority flow control (PFC), separately "
            "for transmit and receive. Check it when lossless (RoCE) traffic drops.",
    "PPTB": "Port priority-to-buffer mapping: which receive buffer each priority uses.",
    "PBMC": "Port buffer management: receive buffer sizes and their XOFF/XON thresholds, lossy "
            "or lossless. Mis-sized buffers explain pause storms and drops.",
    "QPTS": "QoS trust state: whether the port trusts the VLAN priority (PCP) or the IP DSCP "
            "to classify traffic.",
    "QPDPM": "QoS DSCP-to-priority mapping used when the port trusts DSCP.",
    "QTCT": "QoS priority-to-traffic-class mapping.",
    "QETCR": "QoS ETS configuration: bandwidth share and maximum rate per traffic class.",
    "QCAM": "QoS capabilities mask: which QoS registers and features are implemented.",
    "QSHR": "QoS shaper configuration.",
    "DCBX_PARAM": "DCBX parameters: whether DCBX runs in firmware or is left to the host, and "
                  "the protocol versions in use.",
    "DCBX_APP": "DCBX application priority table: protocol-to-priority entries advertised with "
                "DCBX.",
    "ROCE_ACCL": "RoCE acceleration settings such as adaptive retransmission and related "
                 "congestion behaviours.",
    "SBPR": "Shared buffer pool configuration: pool sizes and modes.",
    "SBCM": "Shared buffer per-class quotas: how much of a pool a port/priority may use.",
    "SBCAM": "Shared buffer capabilities: limits for SBPR and SBCM.",
    # management: identity, firmware, health
    "MGIR": "General device information: hardware id and revision, firmware version, build "
            "date and PSID, and running software information. The register to read first to "
            "identify exactly what you are talking to.",
    "MCAM": "Management capabilities mask: which management registers and features the "
            "firmware implements. Check it before using an optional register.",
    "MTCAP": "Temperature sensor capabilities: how many sensors the device has and which "
             "sensor indexes are valid for MTMP.",
    "MTMP": "Temperature of one sensor (chosen by its index): current and highest recorded "
            "value, thresholds and event settings. Units are 0.125 degrees Celsius.",
    "MVCR": "Voltage and current sensor readings.",
    "MCIA": "Cable/module EEPROM access: read (or write) a page of the transceiver's memory "
            "by I2C address, page and offset. The raw source of 'ethtool -m' data.",
    "MCION": "Module I/O and notifications: the state of a module's control and status pins "
             "(present, low power, interrupt).",
    "MFRL": "Firmware reset level: which reset types are supported and whether a reset is "
            "pending; used to activate newly burned firmware without a reboot. Writing it "
            "resets the device.",
    "MIRC": "Firmware image reactivation control: starts reactivating a firmware image and "
            "reports its progress.",
    "MCQS": "Firmware component query status: the components that make up the firmware "
            "(boot image and others) and their update state.",
    "MCQI": "Firmware component query information: version, capabilities and activation "
            "method of a component; `info_type` picks the page.",
    "MCC": "Firmware component control: drives the firmware update state machine (lock, "
           "update, verify, activate).",
    "MCDA": "Firmware component data access: moves firmware image data in chunks during an "
            "update.",
    "MNVDA": "Non-volatile configuration data access: reads or writes a persistent setting "
             "(the items mlxconfig manages), identified by its type header. Writes apply after "
             "a firmware reset or reboot.",
    "MNVDI": "Non-volatile configuration invalidate: removes one stored setting so the default "
             "applies again.",
    "MNVIA": "Non-volatile configuration invalidate-all: resets every stored setting to its "
             "default.",
    "MNVQC": "Non-volatile configuration query: whether a setting is supported, readable and "
             "writable.",
    "MNVGC": "Non-volatile configuration general capabilities.",
    "MNVGN": "Non-volatile configuration get-next: walks the stored settings one by one.",
    "MFPA": "Flash parameters: flash bank, size and JEDEC id.",
    "MFBA": "Flash block access: reads or writes raw flash; used by firmware burning tools.",
    "MFBE": "Flash block erase.",
    "MQIS": "Device information strings such as model name and part number.",
    "MSGI": "System general information such as serial number and part number.",
    "MSCI": "Board CPLD information (version).",
    "MLCR": "LED control: blink a port LED so someone in the data centre can find the cable.",
    "MMDIO": "MDIO access to PHY registers (clause 22 or 45) for low-level PHY debugging.",
    "MJTAG": "JTAG access for board-level debugging.",
    "MPCNT": "PCIe counters. `grp` picks PCIe performance counters (such as receive and "
             "transmit errors, stalls) or physical-layer indications. Use it when throughput "
             "is limited by the PCIe link.",
    "MPEIN": "PCIe link information: negotiated and maximum link speed and width, port type "
             "and lane details. Tells you whether the card trained at the expected Gen and "
             "width.",
    "MPEGC": "PCIe general configuration knobs such as transmit overflow handling.",
    "MPIR": "PCIe endpoint information: maps the device's PCIe node to host bus and device "
            "numbers.",
    "DTOR": "Default timeouts: how long the firmware expects the driver to wait for operations "
            "such as health polling, firmware reset, page reclaim and teardown.",
    "MTRC_CAP": "Firmware tracer capabilities: trace buffer owner, string database layout and "
                "event sources.",
    "MTRC_CONF": "Firmware tracer configuration: trace mode and buffer location.",
    "MTRC_STDB": "Firmware tracer string database: the format strings that decode trace "
                 "events, read in chunks.",
    "MTRC_CTRL": "Firmware tracer control: start or stop tracing and read the current "
                 "timestamp.",
    "RESOURCE_DUMP": "Resource dump: reads firmware objects and internal resources segment by "
                     "segment, as the driver's resource-dump health reporter does.",
    "CORE_DUMP": "Firmware core dump control: triggers and collects a firmware core dump.",
    # clocks and timing
    "MTPPS": "1PPS pin configuration: direction, mode and timing of the pulse-per-second pins.",
    "MTPPSE": "1PPS event configuration: which PPS pin events are reported.",
    "MTUTC": "Hardware clock adjustment: set the time, adjust it by an offset or tune its "
             "frequency (what a PTP daemon does).",
    "MRTC": "Reads the device's real-time clock.",
    "MTPTM": "PCIe precision time measurement (PTM) control.",
    "MTCTR": "Cross-timestamp request: samples the device clocks (PTM root, free-running and "
             "real-time) at the same instant, for clock correlation.",
    "MSECQ": "Synchronous Ethernet capabilities and status overview.",
    "MSEES": "Synchronous Ethernet per-port state: whether the port tracks a recovered clock "
             "and why it lost lock.",
    # functions and host
    "NIC_CAP": "NIC capabilities register: extra capability bits exposed through a register "
               "rather than a capability page.",
    "VHCA_ICM_CTRL": "Per-function ICM (device memory the host lends the firmware) usage and "
                     "limits.",
    "HOST_ENDIANNESS": "Host endianness as told to the firmware.",
}


def summary(name: str, register_id: int) -> str:
    """The summary of a register, or a neutral line naming it by id."""
    text = SUMMARIES.get(name)
    if text:
        return text
    return (f"Access register {name} (id {register_id:#06x}). No summary written yet; its "
            "fields, access flags and enums come from the PRM register database.")

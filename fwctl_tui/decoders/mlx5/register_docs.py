"""Our own short summaries of the access registers, the ones engineers reach for first.

Written in our own words from what the registers do (the vendor descriptions were read
only to understand a field, never copied). A register without an entry gets a neutral
line built from its id; the field tables, access flags and enums still come from the
generated data.
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
    # --- the rest of the PRM register database, by family -----------------------------
    # ports: configuration and behaviour
    "PMDR": "Port mapping details: a port's label port, module, active module lanes, split, "
            "width and the gearbox or tile data path behind it.",
    "PCNR": "Port link-up behaviour: fast link-up options (guard and polling periods, allowed "
            "BER), skipping the tuning on the next link-up, and keeping PHY settings across a "
            "commanded link down.",
    "PLDS": "Port link-down settings: which state the link falls into for each kind of "
            "link-down request, how often link-up is retried, and the error thresholds that "
            "make the PHY drop the link.",
    "PPRM": "Port PHY recovery: the recovery steps (logic re-lock, SerDes re-tune, module "
            "transmitter toggling) a port may try before it reports link down, and the "
            "timeouts around them.",
    "PPSC": "Port power saving: reducing link width or speed while traffic is light, with its "
            "thresholds, plus module power optimisation.",
    "PPAD": "Port MAC address assignment: one base MAC from which every port's address is "
            "derived, or an explicit MAC per port.",
    "PBWS": "Port bandwidth share: the fraction (per mille) of the port's bandwidth that may "
            "be used, not below the minimum the firmware reports.",
    "PGMR": "Port group mapping: which group a local port belongs to, and which ports make up "
            "a group.",
    "PPCR": "Port planarization: whether a port is aggregated from several planes and how it "
            "is presented (split, plane, aggregated port) to InfiniBand management.",
    "PEPC": "Twisted-pair Ethernet PHY role: master or slave, with and without "
            "auto-negotiation.",
    "PTASV2": "PHY tuning algorithm settings: link-training and tuning options such as "
              "extended KR training, XDR link training and the transmit squelch policy on a "
              "remote fault.",
    "PVLS": "InfiniBand virtual-lane suspend: a bitmap that disables individual VLs of a port.",
    "PORT_STATE_BEHAVIOR": "Whether a regular driver is allowed to enforce the physical port "
                           "state.",
    "LOOPBACK_CONTROL_REGISTER": "Per-port loopback control: when set, traffic between "
                                 "functions of the same port goes out to the wire instead of "
                                 "being turned around inside the adapter.",
    "PMSCR": "Multi-port set: the local ports that a PREI, PFLDC or PEDCC setting is applied to "
             "in one write.",
    # ports: monitoring, BER and PHY debugging
    "PPBMC": "Port BER monitor control: which bit-error-rate monitors run on a port, the state "
             "each is in (normal, warning, alarm) and which state changes raise events.",
    "PPBMP": "Port BER monitor parameters: warning and alarm thresholds, the time window, and "
             "what the firmware does when a threshold is crossed, per monitor group.",
    "PLCC": "Port link-quality thresholds: the high symbol-error-rate and high bit-error-rate "
            "settings of a port, one page each.",
    "PRTL": "Port round-trip latency: the measured round trip of the link, and the local PHY "
            "and module latencies, where the device can measure them.",
    "PEMI": "Port module monitoring: samples and properties read from the module, such as "
            "status, SNR, laser monitors and PAM4 level transitions, one page at a time.",
    "PEDCC": "PHY event data collection: which event data groups a port collects, and its "
             "group-profile assignment.",
    "PCCT": "Port PHY tracer configuration: sets up the general PHY-layer tracer of a port.",
    "PFLDC": "Port force-link-up debug mode: the conditions under which a port enters and "
             "leaves a PHY debug mode that keeps the link up despite faults, with marker and "
             "timer controls.",
    "PEIR": "Port error injection: makes a port generate a chosen physical-layer error a given "
            "number of times, optionally on specific lanes.",
    "PREI": "Port receive error injection: injects receive-side faults (such as a SerDes "
            "mixer offset) on chosen lanes for a set time.",
    "PTER": "Port transmit error injection: injects PHY-level or port-level errors into what "
            "the port sends.",
    # modules (cables and transceivers)
    "PMLR": "Module loopback: sets or reads loopback on the host-side or media-side lanes of a "
            "module.",
    "PMPD": "Module PRBS diagnostics: per module lane, the PRBS bits and errors counted, the "
            "measured SNR and the resulting BER.",
    "PMPR": "Module channel properties: the total channel attenuation at several frequencies, "
            "used to tune the link for the cable and board trace.",
    "PMPT": "Module PRBS test: enables the module's PRBS generator and checker per lane, with "
            "pattern, lane rate and modulation.",
    "PMAC": "Module signal training (APSU) control: enable training and restart it on the "
            "host side and the line side of the module.",
    "MFCDR": "Cable authenticity: whether the cable on a port or module was recognised as an "
             "NVIDIA cable, a third-party cable, or flagged as counterfeit.",
    "MTMG": "Module temperature monitoring: turns the firmware's watch on module temperature "
            "on or off, with its polling interval and rate-of-change thresholds.",
    "MTMR": "Module temperature change counters: per module, how often the temperature change "
            "crossed each MTMG threshold, and the largest change seen.",
    # SerDes lanes
    "SLLM": "SerDes lane link maintenance: per-lane PHY maintenance settings; the page layout "
            "follows the SerDes generation.",
    "SLSIR": "SerDes lane status: per-lane receiver state and tuning results; the page layout "
             "follows the SerDes generation.",
    "SLTPV2": "SerDes lane transmit parameters, version 2: per-lane transmitter settings for "
              "newer SerDes generations and whether they are chosen automatically or forced.",
    "SLRED": "SerDes lane receive eye: runs an eye scan on one lane and reads the resulting "
             "error matrix page by page.",
    "SLTR": "SerDes lane test results: per-lane measurements, periodic or one-shot, "
            "destructive or not, chosen by the measurement type.",
    "SLPRR": "SerDes lane measurement: starts a per-lane measurement and reads its data back. "
             "The measurement is destructive: the link is unusable until it is retrained.",
    # buffers, congestion and QoS
    "PBSR": "Port buffer status: current occupancy and watermarks of each receive buffer and "
            "of the shared headroom pool; the watermarks can be cleared.",
    "QEEC": "QoS ETS element configuration: the port's scheduling hierarchy, with a maximum "
            "shaper rate and strict-priority or weighted (DWRR) scheduling per element.",
    "QHLL": "QoS head-of-queue lifetime: how long a packet may wait at the head of a queue "
            "before it is dropped, and the stall behaviour that follows, per port.",
    "QPDP": "QoS default port priority: the priority given to packets that carry none.",
    "QPRT": "QoS priority regeneration: maps a received VLAN PCP (and DEI) value to the "
            "priority used inside the device.",
    "QSPCP": "QoS counting priorities: which per-priority receive and transmit counters the "
             "traffic of each switch priority is counted in.",
    "QSPIP": "QoS switch priority to IEEE priority mapping.",
    "CWCAM": "Congestion (WRED/ECN) capabilities: which congestion registers and features "
             "the port supports.",
    "CWTP": "WRED/ECN thresholds for one port and traffic class: minimum and maximum queue "
            "depth and marking probability of each profile, in cells or percent.",
    "CWTPM": "WRED/ECN enablement for one port and traffic class: turns WRED dropping and ECN "
             "marking on or off and picks the threshold profile per kind of traffic.",
    "PPCC": "Programmable congestion control: lists, enables and disables the congestion "
            "control algorithms of a port and reads or sets their parameters and counters.",
    "ADP_RETX_HISTOGRAM": "Adaptive retransmission timeouts as a histogram: how many timeouts "
                          "fell into each time bin; ADP_RETX_HISTOGRAM_CONFIG sets the bins.",
    "ADP_RETX_HISTOGRAM_CONFIG": "Sets up the adaptive-retransmission timeout histogram: "
                                 "bin count, bin widths and time unit, clear-on-read, and "
                                 "optionally one function (vhca_id) to watch.",
    # management: identity, versions, logs
    "MDIR": "Reads the device's identifier (device_id).",
    "MRTCQ": "Real-time clock identity: the identifier of the device's real-time clock, for "
             "telling clocks apart when several devices are synchronised.",
    "MIDFV": "Firmware branch tag: an ASCII string naming the firmware branch the running "
             "image was built from.",
    "MIDV": "Version information as a DOCA JSON string, read in numbered parts because it "
            "does not fit in one register.",
    "MISOC": "Versions of other components on a DPU (Arm trusted firmware, UEFI, BMC, bundle "
             "and more): the running or pending version string per component type.",
    "MVTS": "Firmware version timestamp: reads or sets the timestamp recorded for a firmware "
            "version, or only checks whether a new one would be accepted.",
    "MRSI": "Reset and shutdown information: why the device (or its embedded CPU) last reset, "
            "the time since the last cold reset, and the embedded OS state.",
    "MRSV": "Reads the strapping-pin values the device sampled at power-up.",
    "MRFV": "Reads fuse values (for example voltage binning) and says whether they mismatch "
            "what is expected.",
    "MGLS": "Firmware non-volatile event log status: the active bank and how many entries the "
            "log holds.",
    "MGNLE": "Reads one entry of the firmware's non-volatile event log: timestamp, events lost "
             "before it and the logged data; can clear the entry after reading.",
    "MDTR": "Device error trap: which embedded processor raised an event, its severity and "
            "the event's parameters.",
    "MISC_COUNTERS": "Miscellaneous error counters: internal memory arrays that hit a bit "
                     "error, and packets dropped silently after an LDB error.",
    "MMHI": "Multi-host information: which host is reading the register and which hosts are "
            "present in the multi-host setup.",
    "MHMPR": "Whether the ports are managed by the host or left unmanaged by it.",
    "MERR": "Entity remapping: maps a board entity (for example a module slot's control "
            "signals) from its current index to another.",
    "MGCR": "GPIO control: reads the inputs and drives the outputs of the GPIO pins the host "
            "may touch, 32 pins per segment, with each pin's direction and drive type.",
    "MPCS": "Power capping per supply channel (12 V, 3.3 V): whether capping is on, how often "
            "it kicked in, and the recent, maximum and current power draw.",
    "MVCAP": "Voltage and current sensor capabilities: a bitmap of the sensors MVCR can read.",
    "MDPS": "Power sensor stress: applies an under-voltage, over-voltage or voltage-loss "
            "stress to a sensor and says whether the sensor supports it; some stresses need a "
            "debug token.",
    "MTEIR": "Thermal error injection: makes the device act as if a warning, critical or fatal "
             "temperature had been reached, for testing.",
    "MSMR": "Safe mode: after a set number of resets without a driver loading, the device "
            "starts in a safe mode; configures that and reports the state and counts.",
    "POWER_SETTINGS": "Power versus latency trade-off: lowest power (more latency) or highest "
                      "power (least latency).",
    "HOST_OS_INIT_CTRL": "On devices with an embedded CPU, whether host OS start-up waits for "
                         "the embedded side, and the bit that releases a host held back.",
    "DB_TRESHOLD": "Doorbell FIFO watermark: the fill level at which the device raises an "
                   "event, and the current fill.",
    # management: firmware update, reset, tracing
    "MCDD": "Firmware component data by DMA: during an update, points the firmware at host "
            "memory pages holding the component data (the DMA form of MCDA).",
    "MPCIR": "Prepares the firmware for an in-service update (ISSU), per service, and reports "
             "how far each service has got.",
    "MROQ": "Reset options: for a reset type, whether it is supported, which PCIe reset method "
            "and synchronisation flow it uses, and what triggers it. Read it before MFRL.",
    "MRPR": "Runtime parameters: reads or writes one firmware runtime parameter by type, with "
            "a status saying whether it is supported and ready.",
    "MTDC": "Firmware tracer into host memory: where the cyclic trace buffer lives and the "
            "hardware and software positions in it.",
    "MTEIM": "Firmware tracer event ids: how many processors the device has (main, tiles, "
             "DPA) and which trace event ids belong to each.",
    "MTIE": "Firmware tracer sources: which hardware and firmware initiators may write trace "
            "events, and an optional delay per event.",
    "MTIM": "Firmware log verbosity: the log level and the firmware units that write to the "
            "log.",
    # security, tokens and crypto
    "MDSR": "Debug session status: the state and time left of a debug-token session, and "
            "controls to end the session or revoke a token version.",
    "MTCQ": "Debug token challenge: produces the challenge (nonce, device identity, key id) "
            "that must be signed to obtain a remote-support or debug token.",
    "MKDC": "Remote debug keep-alive: advances a debug session's keep-alive counter and "
            "reports errors such as an unknown session.",
    "MQDIK": "Device identity key: the public key (or its serial number) the device proves "
             "its identity with, and the algorithm.",
    "MFSV": "Firmware security version: the image's and the eFuses' security versions, whether "
            "the eFuses need programming, and permission to program or revoke.",
    "MSGCR": "Security-related settings: fake-cable detection on or off, and whether error "
             "injection and some board-signal behaviours are allowed.",
    "CRYPTO_OPERATIONAL": "Crypto commissioning: whether wrapped-crypto mode is operational; "
                          "loads the first credential and import key, or returns the device "
                          "to commissioning.",
    "CREDENTIAL_HANDLE": "Crypto credentials: adds, deletes or queries a stored crypto officer "
                         "credential by id; every operation carries the officer's login.",
    "IMPORT_KEK_HANDLE": "Import keys (KEKs): adds, deletes or queries a stored key-encryption "
                         "key by id; every operation carries the officer's login.",
    "ZTT": "ZTT mode: reports whether it is enabled, disabled or in error, and enables, "
           "disables or resets it.",
    # PCIe
    "MPCAM": "Capabilities mask of the PCIe management group: a bit per supported register id "
             "and per supported feature.",
    "MPQD": "PCIe topology query: walks the PCIe tree by depth and node, reporting each node's "
            "parent, whether it is physical and whether it is a downstream port.",
    "MPLH": "PCIe latency histogram of a PCIe node: a counter per latency bin.",
    "MPECS": "PCIe configuration space access: reads or writes a register of a function's PCIe "
             "capability, by capability id and offset, with per-byte enables.",
    "MPEINJ": "PCIe error injection: injects a chosen PCIe error for a number of packets or a "
              "time, and lists the error types the device supports.",
    "MPTOR": "PCIe TLP tracer ownership: who owns the tracer, and commands to take or release "
             "it.",
    "MPTFC": "PCIe TLP tracer filter: the TLP header bits (mask and value) that decide which "
             "packets the tracer records, per direction.",
    "MPTTC": "PCIe TLP tracer trigger: the TLP header match (mask and value) that starts or "
             "stops a trace.",
    "MPTTR": "Reads the PCIe TLP tracer's records: captured TLP headers, prefixes and data "
             "words, one entry per index.",
    # functions, capabilities and device memory
    "NCFG": "NIC configuration: currently disables RoCE for a PF and all its VFs and SFs; "
            "field_select says which fields are supported or being written.",
    "NIC_CAP_EXT_REG": "Extended NIC capabilities by group (currently the DPA capabilities).",
    "HCA_CMD_ENCAP": "QUERY_HCA_CAP or SET_HCA_CAP carried through an access register: the "
                     "command header plus a masked window of capability data at an offset.",
    "VHCA_TRUST_LEVEL": "Trust level of one function (vhca_id) or of all functions under a "
                        "manager; today a single full-trust bit.",
    "VHCA_GROUP_ICM_CTRL": "ICM (host memory lent to the device) for a group of functions: "
                           "the allocation limit, the current and the peak allocation.",
    "NVMF_TARGET_PACER_DEFAULTS": "Defaults for the NVMe-oF target offload pacer: whether "
                                  "pacing is on, pacers per port and its tuning limits.",
    "UNIT_PERF_COUNTERS_GLOBAL_CTRL": "Starts or stops all unit performance counters at once.",
    "UNIT_PERF_COUNTERS_CFG": "Chooses what each of the eight unit performance counters "
                              "counts.",
    "UNIT_PERF_COUNTERS_DATA": "Reads the eight unit performance counters.",
    # DPA (data path accelerator)
    "NIC_DPA_EUG_REG": "DPA execution-unit groups: creates, changes or destroys a named group "
                       "of DPA execution units within a partition.",
    "NIC_DPA_EU_PARTITION_REG": "DPA partitions: creates, changes or destroys a partition of "
                                "DPA execution units and lists the functions allowed to use "
                                "it.",
    "NIC_DPA_PERF_CTRL_REG": "DPA process performance counters: starts, stops or resets "
                             "counting for a DPA process and chooses the sampling type.",
    "NIC_DPA_SELF_HOST_APP_MGMT": "Self-hosted DPA applications: starts, stops, restarts or "
                                  "swaps an application and reports how the last action went.",
}


LAYOUT_SOURCES = {
    "registers": "the PRM register database",
    "ifc": "the kernel's mlx5_ifc.h",
}


def summary(name: str, register_id: int, source: str = "registers") -> str:
    """The summary of a register, or a neutral factual line built from its data."""
    text = SUMMARIES.get(name)
    if text:
        return text
    where = LAYOUT_SOURCES.get(source, source)
    return f"Access register {register_id:#06x}; field layout from {where}, no summary yet."

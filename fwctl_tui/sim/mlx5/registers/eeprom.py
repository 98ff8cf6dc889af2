"""The plugged module's EEPROM, page 0 (lower and upper halves), as MCIA reads it.

This is module memory, not a mailbox: the transceiver's own map, SFF-8636 for QSFP28/56
(identifier, connector, vendor name/OUI/part/revision at 148-187, serial and date code at
196-219, both checksums) or CMIS for OSFP/QSFP-DD/QSFP112 (vendor block at 129-189). The
monitored temperature (lower page) comes from the same sensor MTMP reports for the module;
passive copper has no monitor and reads zero.
"""

from __future__ import annotations

from fwctl_tui.sim.profile import Module

PAGE_BYTES = 256
SUPPLY_3V3 = 33000  # 100 uV units
SFF8636 = {"identifier": 0, "temperature": 22, "voltage": 26, "upper_identifier": 128,
           "connector": 130, "length_copper": 146, "length_om3": 143, "vendor": 148,
           "oui": 165, "part": 168, "revision": 184, "max_case_temp": 190, "cc_base": 191,
           "serial": 196, "date": 212, "cc_ext": 223}
CMIS = {"identifier": 0, "revision": 1, "module_state": 3, "temperature": 14, "voltage": 16,
        "upper_identifier": 128, "vendor": 129, "oui": 145, "part": 148, "revision_upper": 164,
        "serial": 166, "date": 182, "max_power": 201, "length": 202, "connector": 203,
        "checksum": 222}
CMIS_REVISION_5_0 = 0x50
CMIS_MODULE_READY = 0x06


def _text(page: bytearray, offset: int, text: str, size: int) -> None:
    page[offset:offset + size] = text.encode("ascii")[:size].ljust(size)


def _word(page: bytearray, offset: int, value: int) -> None:
    page[offset:offset + 2] = (value & 0xFFFF).to_bytes(2, "big")


def _oui(page: bytearray, offset: int, oui: str) -> None:
    page[offset:offset + 3] = bytes.fromhex(oui.replace(":", ""))


def _temperature(celsius: float) -> int:
    return round(celsius * 256) & 0xFFFF  # signed 1/256 degC


def sff8636_page0(module: Module, celsius: float) -> bytes:
    m, page = SFF8636, bytearray(PAGE_BYTES)
    page[m["identifier"]] = page[m["upper_identifier"]] = module.identifier
    if module.media != "copper":
        _word(page, m["temperature"], _temperature(celsius))
        _word(page, m["voltage"], SUPPLY_3V3)
        page[m["length_om3"]] = min(255, module.length_m // 2)
    else:
        page[m["length_copper"]] = min(255, module.length_m)
    page[m["connector"]] = module.connector
    _text(page, m["vendor"], module.vendor, 16)
    _oui(page, m["oui"], module.oui)
    _text(page, m["part"], module.part_number, 16)
    _text(page, m["revision"], module.revision, 2)
    page[m["max_case_temp"]] = 70
    page[m["cc_base"]] = sum(page[128:m["cc_base"]]) & 0xFF
    _text(page, m["serial"], module.serial, 16)
    _text(page, m["date"], module.date_code, 8)
    page[m["cc_ext"]] = sum(page[192:m["cc_ext"]]) & 0xFF
    return bytes(page)


def cmis_page0(module: Module, celsius: float) -> bytes:
    m, page = CMIS, bytearray(PAGE_BYTES)
    page[m["identifier"]] = page[m["upper_identifier"]] = module.identifier
    page[m["revision"]] = CMIS_REVISION_5_0
    page[m["module_state"]] = CMIS_MODULE_READY
    _word(page, m["temperature"], _temperature(celsius))
    _word(page, m["voltage"], SUPPLY_3V3)
    _text(page, m["vendor"], module.vendor, 16)
    _oui(page, m["oui"], module.oui)
    _text(page, m["part"], module.part_number, 16)
    _text(page, m["revision_upper"], module.revision, 2)
    _text(page, m["serial"], module.serial, 16)
    _text(page, m["date"], module.date_code, 8)
    page[m["max_power"]] = round(module.max_power_w * 4)
    page[m["length"]] = min(63, module.length_m)
    page[m["connector"]] = module.connector
    page[m["checksum"]] = sum(page[128:m["checksum"]]) & 0xFF
    return bytes(page)


def page0(module: Module, celsius: float) -> bytes:
    """Lower and upper page 0 of the module's memory map."""
    build = cmis_page0 if module.standard == "cmis" else sff8636_page0
    return build(module, celsius)

"""Management registers with behaviour: MTMP, MTCAP, MGIR, MCIA.

MTMP reads the ASIC sensor (index 0) or a module sensor (64 + module) in 0.125 degC
units, keeps the maximum until `mtr` resets it, and its thresholds stick when written.
MGIR reports the profile's firmware version, PSID, device id and uptime, the same identity
QUERY_ADAPTER and the profile carry. MCIA reads the plugged module's EEPROM.
"""

from __future__ import annotations

from typing import Any

from fwctl_tui.sim.mlx5.device import MODULE_SENSOR_BASE, Device
from fwctl_tui.sim.mlx5.mailbox import FirmwareError
from fwctl_tui.sim.mlx5.registers.access import Access, model
from fwctl_tui.sim.mlx5.registers.eeprom import PAGE_BYTES, page0
from fwctl_tui.sim.mlx5.syndromes import ErrorKind
from fwctl_tui.sim.mlx5.thermal import UNITS_PER_DEGREE, Sensor

ASIC_SENSOR = 0
ASIC_WARNING_C, ASIC_CLEAR_C = 105, 100
MODULE_WARNING_C, MODULE_CLEAR_C = 75, 70
I2C_LOWER, I2C_UPPER = 0x50, 0x51
MCIA_MAX_BYTES = 128
DWORD = 4


def sensor_for(acc: Access) -> tuple[Sensor, str, int, int]:
    """(sensor, name, warning, clear) for MTMP's sensor_index."""
    dev, index = acc.dev, acc.int("sensor_index")
    if index == ASIC_SENSOR:
        return dev.asic, "ASIC", ASIC_WARNING_C, ASIC_CLEAR_C
    if index == MODULE_SENSOR_BASE + dev.func and dev.port.module.media != "copper":
        return dev.module_sensor, f"Module{dev.func}", MODULE_WARNING_C, MODULE_CLEAR_C
    raise FirmwareError(ErrorKind.BAD_INDEX, f"no temperature sensor {index}")


def _name_words(name: str) -> tuple[int, int]:
    raw = name.encode()[:8].ljust(8, b"\0")
    return int.from_bytes(raw[:4], "big"), int.from_bytes(raw[4:], "big")


@model("MTMP")
def mtmp(acc: Access) -> dict[str, Any]:
    sensor, name, warning, clear = sensor_for(acc)
    now = acc.dev.now()
    if acc.int("mtr"):
        sensor.reset_max(now)
    stored = acc.dev.registers.get((acc.reg.id, acc.index), {})
    hi, lo = _name_words(name)
    return {"temperature": sensor.read(now), "max_temperature": sensor.max_units(now),
            "temp_threshold_hi": stored.get("temp_threshold_hi", warning * UNITS_PER_DEGREE),
            "temp_threshold_lo": stored.get("temp_threshold_lo", clear * UNITS_PER_DEGREE),
            "sensor_name_hi": hi, "sensor_name_lo": lo}


@model("MTCAP")
def mtcap(_acc: Access) -> dict[str, Any]:
    return {"sensor_count": 1, "internal_sensor_count": 1, "sensor_map.lo": 1 << ASIC_SENSOR}


def _bcd(value: int) -> int:
    return int(str(value), 16)


@model("MGIR")
def mgir(acc: Access) -> dict[str, Any]:
    dev: Device = acc.dev
    profile = dev.profile
    major, minor, sub_minor = profile.fw_version_tuple
    year, month, day = (int(part) for part in profile.fw_date.split("-"))
    mac = profile.port(0).mac_int
    values: dict[str, Any] = {
        "hw_info.device_hw_revision": profile.hw_revision,
        "hw_info.device_id": int(profile.pci_device, 16),
        "hw_info.hw_dev_id": int(profile.pci_device, 16),
        "hw_info.num_ports": profile.functions,
        "hw_info.manufacturing_base_mac_47_32": mac >> 32,
        "hw_info.manufacturing_base_mac_31_0": mac & 0xFFFFFFFF,
        "hw_info.uptime": int(dev.uptime()) & 0xFFFFFFFF,
        "fw_info.major": min(major, 0xFF), "fw_info.minor": min(minor, 0xFF),
        "fw_info.sub_minor": min(sub_minor, 0xFF),  # 8-bit fields saturate: see extended_*
        "fw_info.extended_major": major, "fw_info.extended_minor": minor,
        "fw_info.extended_sub_minor": sub_minor, "fw_info.signed_fw": 1, "fw_info.secured": 1,
        "fw_info.build_id": int(f"{major}{minor:02d}", 10),
        "fw_info.year": _bcd(year), "fw_info.month": _bcd(month), "fw_info.day": _bcd(day),
        "fw_info.hour": 0x1200,
    }
    values.update({f"fw_info.psid[{i}]": b for i, b in
                   enumerate(profile.psid.encode()[:16].ljust(16, b"\0"))})
    return values


@model("MCIA")
def mcia(acc: Access) -> dict[str, Any]:
    dev = acc.dev
    if acc.int("module") != dev.func:
        return {"status": 3}  # module not connected to this function's port
    address, page = acc.int("i2c_device_address"), acc.int("page_number")
    offset, size = acc.int("device_address"), acc.int("size")
    if address not in (I2C_LOWER, I2C_UPPER) or size > MCIA_MAX_BYTES or offset + size > PAGE_BYTES:
        raise FirmwareError(ErrorKind.BAD_FIELD, "i2c address, offset or size out of range")
    module = dev.port.module
    celsius = dev.module_sensor.read(dev.now()) / UNITS_PER_DEGREE
    memory = page0(module, celsius) if page == 0 and address == I2C_LOWER else bytes(PAGE_BYTES)
    data = memory[offset:offset + size].ljust(MCIA_MAX_BYTES, b"\0")
    values: dict[str, Any] = {"status": 0}
    values.update({f"dword[{i}]": int.from_bytes(data[i * DWORD:(i + 1) * DWORD], "big")
                   for i in range(MCIA_MAX_BYTES // DWORD)})
    return values

"""A simulated CXL memory device behind the fwctl CXL driver (Features commands).

layout.py: the wire format from the facts; mock.py: the device's Features mailbox
(configured like the kernel's cxl_test mock by cxl_test.json); driver.py: the CXL fwctl
driver for the kernel emulator (its rules: kernel_rules.cxl); host.py: several memdevs
sharing one kernel.
"""

"""A simulated AMD Pensando DSC behind the pds fwctl driver (sim:pds).

layout.py: struct fwctl_rpc_pds from the facts; firmware.py: the endpoints and
operations only the (simulated) firmware knows, from pds_dsc.json; driver.py: the pds
fwctl driver for the kernel emulator (its rules: kernel_rules.pds); simdev.py: the sim:pds host.
"""

"""The simulated fwctl stack: a kernel emulator under the real ioctl layer.

kernel.py      the simulated kernel's explicit state (taint, capabilities, lockdown, log)
emulator.py    KernelEmulator.ioctl: the fwctl core, running kernel_rules in the kernel's order
mlx5_driver.py the mlx5 fwctl driver (kernel_rules.mlx5's checks, uid stamping)
firmware.py    the firmware-model interface the driver calls (simulated ConnectX, replay)
host.py        a simulated host: profiles, functions, fwctl indexes, unplug
"""

"""The simulated mlx5 firmware behind ConnectXFirmware (sim/connectx.py).

device.py       one function's state: clock, caps, port and link, counters, objects, registers
population.py   firmware objects and number allocators; stack.py, netdev.py, steering.py
                build what mlx5_core, mlx5e and mlx5_ib create on a running function
link.py         admin state, link loss, link-down events by cause, link-up seconds
traffic.py      counters as pure functions of link-up time; thermal.py temperatures
mailbox.py      the only place field values become bytes (the catalogue's encoder)
commands/       handlers per command family; registers/ ACCESS_REG and register models;
                dispatch.py imports them all into one opcode -> handler table
syndromes.py    error kinds, the simulator's deterministic syndromes and their table
faults.py       fault injection (status, errno, delay, link loss) for tests and training
examples.py     a working input for every allow-listed command on a given function
"""

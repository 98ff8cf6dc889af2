"""Access registers of the simulated firmware: the generic store (access.py) and the models
with behaviour (port.py, management.py); dispatch.py imports them all."""

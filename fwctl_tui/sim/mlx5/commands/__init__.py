"""Command handlers of the simulated firmware, one module per command family.

dispatch.py imports them all, which registers each handler in `registry.HANDLERS`.
"""

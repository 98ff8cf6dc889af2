"""Watching a device over time, headless: samples, deltas and rates, and the port summary.

sampling.py  one command re-sent: numeric fields (64-bit counters joined), deltas, rates
link.py      the port summary mlxlink prints first (state, speed, FEC, module, errors)
series.py    sampled values kept per field for plots, also rebuilt from a capture
Used by `watch`, `link`, the port dashboard and the result screen's watch key.
"""

"""Capture analysis: what the records of a capture say, above capture storage (captures/).

decoding.py decodes a record's payloads and checks it is what it claims (outcome, damage
flags); listing.py gives its one-line summary; filters.py and content_filter.py select
records; findings.py, diff.py, render.py, identifiers.py and redact.py read across them;
replay.py answers a replayed device's requests from them. Headless (no textual).
"""

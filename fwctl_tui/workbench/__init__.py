"""The TUI's headless half: what the screens work with, usable without Textual.

The Workspace (open a device, plan, preview, send, record), the catalogue facade the
screens read commands through, the `fwctl-tui send` line of a plan, the capture
controller behind F4/ctrl+s/ctrl+o, and the dashboard's panel text. No textual import
(tests/unit/test_boundaries.py checks), so tests and scripts drive them directly.
"""

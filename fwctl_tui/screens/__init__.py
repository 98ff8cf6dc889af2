"""TUI screens, one per file; their headless helpers live in fwctl_tui.workbench."""

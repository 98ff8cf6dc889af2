"""Reusable TUI widgets: hex view, decoded tree, command form, device bar, scope badge."""

"""TUI screens, one per file; `workspace` and `catalogue_model` are their headless helpers."""

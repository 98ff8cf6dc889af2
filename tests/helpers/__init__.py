"""Shared builders for tests (importable as `helpers.*`; pytest puts tests/ on the path)."""

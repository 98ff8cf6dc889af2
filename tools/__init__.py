"""Generators that turn ../shared/reference facts into the package's committed data files."""

"""Benchmarks (`make bench`): speed and memory targets are measured here, never in tests."""

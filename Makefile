# Two commands on a fresh machine: `make run` and `make test`. Both bootstrap .venv from pyproject.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-kernel lint bench fuzz snapshot-update generate clean

$(STAMP): pyproject.toml hatch_build.py fwctl_tui/_fastrpc.c fwctl_tui/_fastscan.c \
		fwctl_tui/_fastscan_match.h
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/fwctl-tui $(ARGS)

# Three pytest workers (pytest-xdist) on our two cores: a Pilot test waits for the app
# about 40 % of its time, so two workers left the cores half idle (5m13s vs 4m36s, idle
# machine, BENCHMARKS.md). loadgroup keeps the tests that share one VM boot
# (tests/kernel/test_vm.py) on one worker. A single file is faster without -n.
test: $(STAMP)
	$(BIN)/python -m pytest -n 3 --dist loadgroup

# Boots ../shared/realkernel's VM once and runs tests/kernel/inside there (real fwctl devices
# from cxl_test), then compares the emulator with the real kernel. `make test` runs the same
# files and skips the VM, saying what is missing, where QEMU or the fixture is absent.
test-kernel: $(STAMP)
	FWCTL_TUI_REQUIRE_VM=1 $(BIN)/python -m pytest tests/kernel -rA

lint: $(STAMP)
	$(BIN)/ruff check fwctl_tui tests tools bench hatch_build.py
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

# The whole hostile-capture corpus and 10 minutes of random mutations through every tool
# (the test suite runs a bounded part of the corpus). FUZZ_SECONDS=60 for a shorter run.
fuzz: $(STAMP)
	$(BIN)/python -m tools.hostile.fuzz --seconds $${FUZZ_SECONDS:-600}

snapshot-update: $(STAMP)
	$(BIN)/python -m pytest tests/ui/test_snapshots.py tests/ui/test_snapshots_narrow.py --snapshot-update

generate: $(STAMP)
	$(BIN)/python -m tools.generate

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache fwctl_tui/_fastrpc*.so fwctl_tui/_fastscan*.so

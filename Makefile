# Two commands on a fresh machine: `make run` and `make test`. Both bootstrap .venv from pyproject.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench snapshot-update generate clean

$(STAMP): pyproject.toml hatch_build.py fwctl_tui/_fastrpc.c
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/fwctl-tui $(ARGS)

# -n auto: one pytest worker per core (pytest-xdist); a single file is faster without it
test: $(STAMP)
	$(BIN)/python -m pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check fwctl_tui tests tools bench hatch_build.py
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

snapshot-update: $(STAMP)
	$(BIN)/python -m pytest tests/ui --snapshot-update

generate: $(STAMP)
	$(BIN)/python -m tools.generate

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache fwctl_tui/_fastrpc*.so

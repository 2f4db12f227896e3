# Staffwise: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two install stamps: `run` needs only the runtime dependencies (`-e .`); lint, typecheck and
# pytest need the dev tools (`-e .[dev]`, a superset). Separate stamps, so `make run` after
# `make test` (or the other way round) installs only what is missing.
VENV_STAMP := $(VENV)/.venv-stamp
RUN_STAMP  := $(VENV)/.run-stamp
DEV_STAMP  := $(VENV)/.dev-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint typecheck pytest bench clean install install-dev

$(VENV_STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $(VENV_STAMP)

$(RUN_STAMP): pyproject.toml $(VENV_STAMP)
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml $(VENV_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

run: $(RUN_STAMP)
	$(BIN)/staffwise serve --demo --host $(HOST) --port $(PORT)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy forecasting optimizer scenarios actuals api

# one pytest worker per core (pytest-xdist): the suite is CPU-bound (CP-SAT, simulations,
# servers in their own processes). 2026-12-06 on the shared 2-core machine (load 4-5 from
# other sessions): 21.7 min serial, 10.8 min with 2 workers (that run also had schemathesis)
pytest: $(DEV_STAMP)
	$(BIN)/pytest -n auto --durations=25

test: lint typecheck pytest

bench: $(DEV_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@for f in bench/*.py; do \
	    case "$$f" in bench/__init__.py|bench/peers.py) continue;; esac; \
	    m=$$(basename $$f .py); echo "== bench.$$m"; $(BIN)/python -m bench.$$m || exit 1; \
	done

clean:
	rm -rf $(VENV) .venv-peers .pytest_cache .mypy_cache .ruff_cache staffwise.db staffwise.db-wal staffwise.db-shm

# SSID Workbench: `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test typecheck pytest bench bench-quick browser clean mutate

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[console,dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium for the browser tests (Playwright cannot download its own browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The demo district in instance/ssid.db (created when absent), then the console in development
# mode (a secret key made up for the process; `ssid serve` without --dev needs SSID_SECRET_KEY).
run: $(STAMP)
	$(BIN)/ssid demo-setup
	$(BIN)/ssid serve --dev --host $(HOST) --port $(PORT)

typecheck: $(STAMP)
	$(BIN)/mypy --strict

# SSID_BROWSER_REQUIRED: here a missing chromium fails the browser test instead of skipping it.
pytest: $(STAMP) browser
	SSID_BROWSER_REQUIRED=1 $(BIN)/pytest -W error

test: typecheck pytest

# The district-scale benchmarks (bench/__main__.py), e.g. `make bench ARGS="--only extract,ods --scale 0.2"`.
ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

# Scale 0.1, a few minutes once the day's inputs are cached: before every performance change.
bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick $(ARGS)

# Mutation testing of domain/ against the unit tests (tests/mutation/mutate.py): the per-module
# table and the survivors, also in mutants/report.md. Not part of `make test`; run it before
# resolving an issue that changes domain/. E.g.
#   make mutate MUTATE_PATHS=domain/validation
#   make mutate MUTATE_EXCLUDE="domain/matching domain/duplicates"
MUTATE_PATHS ?= domain
MUTATE_EXCLUDE ?=
MUTATE_WORKERS ?= 2
# e.g. MUTATE_ARGS=--keep-stats (reuse which tests reach which function) or --report-only
MUTATE_ARGS ?=
mutate: $(STAMP)
	$(BIN)/python -m tests.mutation.mutate $(MUTATE_PATHS) --workers $(MUTATE_WORKERS) $(MUTATE_ARGS) $(if $(strip $(MUTATE_EXCLUDE)),--exclude $(MUTATE_EXCLUDE))

clean:
	rm -rf $(VENV) instance .mypy_cache .pytest_cache .hypothesis mutants

# Needs only python3 (>= 3.11) and make: uv is fetched from PyPI into .tools/ when missing.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTEST_ARGS ?=

.PHONY: install run demo test test-fast bench contracts lint check

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

install: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --quiet

run: install  ## the whole system: embedded broker + six services (Ctrl-C stops)
	$(UV) run --frozen steiger run

demo: install  ## plays a scenario against the running system
	$(UV) run --frozen steiger demo

test: install  ## unit, contract, integration, e2e and fault tests
	$(UV) run --frozen pytest $(PYTEST_ARGS)

test-fast: install  ## without the whole-system tests
	$(UV) run --frozen pytest -m "not e2e" $(PYTEST_ARGS)

bench: install  ## throughput, latency, bulk import and reporting replay (docs/benchmarks.md)
	$(UV) run --frozen steiger bench

contracts: install  ## regenerate JSON Schemas and the AsyncAPI document
	$(UV) run --frozen steiger contracts

lint: install
	$(UV) run --frozen ruff check .

check: install  ## lint and format (ruff), types (mypy), import contracts (import-linter)
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy
	$(UV) run --frozen lint-imports

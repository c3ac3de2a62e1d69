# tocsin — the two commands: `make run` and `make test`. `make check` before you push.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_CONFIG := examples/demo.yaml
PG_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run test check bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## make run: migrate ./var/tocsin.db and serve the demo plan on http://127.0.0.1:8080
run: install
	@mkdir -p var
	TOCSIN_CONFIG=$(DEMO_CONFIG) $(BIN)/tocsin db upgrade
	@echo
	@echo "  tocsin is starting on http://127.0.0.1:8080 with $(DEMO_CONFIG) (SQLite: ./var/tocsin.db)"
	@echo "  Get an API token (shown once) in another terminal:"
	@echo "    TOCSIN_CONFIG=$(DEMO_CONFIG) $(BIN)/tocsin token create --name me --role admin"
	@echo "  then:  curl -H \"Authorization: Bearer <token>\" http://127.0.0.1:8080/api/v1/incidents"
	@echo "  API docs: http://127.0.0.1:8080/api/v1/docs   health: /healthz /readyz /metrics"
	@echo
	TOCSIN_CONFIG=$(DEMO_CONFIG) exec $(BIN)/tocsin serve

## make test: the whole suite, on SQLite and (when it answers on 127.0.0.1:5432) PostgreSQL
test: install
	@if [ -z "$$TOCSIN_TEST_DATABASE_URL" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then \
	  export TOCSIN_TEST_DATABASE_URL=$(PG_URL); echo "PostgreSQL found: the suite also runs on it"; fi; \
	$(BIN)/pytest

check: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache test-artifacts

# tocsin — the two commands: `make run` and `make test`. `make check` before you push.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_CONFIG := examples/demo.yaml
PG_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run test check bench bench-ingest bench-timers bench-delivery bench-scale soak clean chromium messages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## make run: migrate ./var/tocsin.db and serve the demo plan on http://127.0.0.1:$(PORT) (PORT=8080 by default)
PORT ?= 8080
RUN_ENV := TOCSIN_CONFIG=$(DEMO_CONFIG) TOCSIN_SERVER__PORT=$(PORT) TOCSIN_SERVER__BASE_URL=http://127.0.0.1:$(PORT)
run: install
	@mkdir -p var
	$(RUN_ENV) $(BIN)/tocsin db upgrade
	@echo
	@echo "  tocsin is starting on http://127.0.0.1:$(PORT) with $(DEMO_CONFIG) (SQLite: ./var/tocsin.db)"
	@echo "  Web UI: create the first account in another terminal (prompts for a password):"
	@echo "    TOCSIN_CONFIG=$(DEMO_CONFIG) $(BIN)/tocsin user create you@example.org --role admin"
	@echo "  then sign in at http://127.0.0.1:$(PORT)/sign-in"
	@echo "  Get an API token (shown once; --rotate replaces an earlier one of that name):"
	@echo "    TOCSIN_CONFIG=$(DEMO_CONFIG) $(BIN)/tocsin token create --name me --role admin --rotate"
	@echo "  then:  curl -H \"Authorization: Bearer <token>\" http://127.0.0.1:$(PORT)/api/v1/incidents"
	@echo "  API docs: http://127.0.0.1:$(PORT)/api/v1/docs   health: /healthz /readyz /metrics"
	@echo
	$(RUN_ENV) exec $(BIN)/tocsin serve

## make test: the whole suite, on SQLite and (when it answers on 127.0.0.1:5432) PostgreSQL
test: install chromium
	@if [ -z "$$TOCSIN_TEST_DATABASE_URL" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then \
	  export TOCSIN_TEST_DATABASE_URL=$(PG_URL); echo "PostgreSQL found: the suite also runs on it"; fi; \
	$(BIN)/pytest

## chromium: the browser tests need Debian's Chromium (and an emoji font, so that screenshots show
## the plan's 🔴🟡🟢 rather than empty boxes); installed when root with apt (else they skip)
BROWSER_PACKAGES := chromium fonts-noto-color-emoji
chromium:
	@if { [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/noto ]; } && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Chromium for the browser tests (apt-get install $(BROWSER_PACKAGES))"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null 2>&1 || \
	  { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; } || \
	  echo "Could not install Chromium: the browser tests will skip (and fail under CI=true)"; fi

## make messages: extract the UI, e-mail, Slack and CLI texts into locale/tocsin.pot, update each
## language's tocsin.po (translate the new msgids there), and compile the .mo files that ship
LOCALE := src/tocsin/locale
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ --no-location --sort-output --project tocsin \
	  -o $(LOCALE)/tocsin.pot src/tocsin
	$(BIN)/pybabel -q update -i $(LOCALE)/tocsin.pot -d $(LOCALE) -D tocsin --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D tocsin

check: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## make bench: every benchmark; each prints its figures and a ratio to a baseline measured in the same run
BENCHES := bench/bench_api.py bench/bench_jobs.py bench/ingest.py bench/timers.py bench/compliance.py bench/delivery.py
bench: install
	@for b in $(BENCHES); do echo "== $$b"; $(BIN)/python $$b || exit 1; done

## make bench-ingest: alert intake throughput against a minimal baseline (loopback, SQLite)
bench-ingest: install
	$(BIN)/python bench/ingest.py

## make bench-delivery: alert -> first page at an SMTP sink under a webhook storm, and a 100-page burst,
## the worker woken on enqueue with concurrent deliveries against polling one at a time (SQLite, PostgreSQL)
bench-delivery: install
	$(BIN)/python bench/delivery.py

## make bench-timers: firing lateness of 10,000 escalation timers due over one minute (SQLite, PostgreSQL)
bench-timers: install
	$(BIN)/python bench/timers.py

## make bench-scale: reads on a big history (100,000 incidents, 1M alerts, 1.2M timeline events,
## seeded straight into the tables) against an empty database, on SQLite and PostgreSQL
## (127.0.0.1:5432, databases of its own, dropped after); SCALE_ARGS="--scale 0.05" for a quick run
SCALE_ARGS ?=
bench-scale: install
	$(BIN)/python bench/scale.py $(SCALE_ARGS)

## make soak: 2 replicas + 2 workers on PostgreSQL (127.0.0.1:5432, own database, dropped after)
## under an alert storm with simultaneous acks, against 1 + 1; fails if anything is done twice
SOAK_ARGS ?=
soak: install
	$(BIN)/python bench/soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache test-artifacts

# Two commands set everything up on a fresh machine (Python 3.11–3.14, pip, make):
#   make demo   install, start the embedded database, migrate, load demo data, run the pipeline
#   make test   install, then lint and run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo test test-dates lint dev db-stop clean workers workers-stop screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# reinstall whenever the pinned dependencies change
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(INSTALLED)

demo: install
	$(BIN)/socialpipe demo

# Tests run shuffled (pytest-randomly) in the order this seed gives, the one CI checks;
# `make test PYTEST_SEED=random` draws a new order (the header prints its seed).
PYTEST_SEED ?= 20261207
test: install lint
	$(BIN)/pytest -p randomly --randomly-seed=$(PYTEST_SEED)

# The suite on another day: 2028-02-29, a leap day and the last day of a month (set
# SHIFTED_DAYS to a list for more, e.g. "2027-03-01 2028-02-29"). libfaketime shifts the
# clock of pytest and of everything it starts, a private embedded PostgreSQL included
# (TEST_DATABASE_URL is cleared: the machine's server keeps the real date), by one
# offset, so that every process agrees on the time and it moves forward as usual.
SHIFTED_DAYS ?= 2028-02-29
test-dates: install
	@scripts/install_missing.sh faketime faketime
	@set -e; for day in $(SHIFTED_DAYS); do \
	  echo "== the suite on $$day (from 06:00 UTC) =="; \
	  export SOCIALPIPE_DATA_DIR=$(CURDIR)/.data/clock-$$day TEST_DATABASE_URL= ; \
	  offset=$$(( $$(date -u -d "$$day 06:00:00" +%s) - $$(date -u +%s) )); \
	  status=0; faketime -f "+$${offset}s" $(BIN)/pytest -p no:cacheprovider \
	    -p randomly --randomly-seed=$(PYTEST_SEED) || status=$$?; \
	  $(BIN)/socialpipe db stop >/dev/null; rm -rf $$SOCIALPIPE_DATA_DIR; \
	  [ $$status -eq 0 ] || exit $$status; \
	done

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# the Dagster UI on the instance the CLI and `make demo` write to (.data/dagster_home,
# configured from deploy/dagster.local.yaml unless it has its own; DAGSTER_HOME wins)
dev: install
	$(BIN)/socialpipe dev

# N Celery step workers on this host (pipeline_defs/celery_app.py), each one process
# running one step at a time, logging to .data/logs/worker-<n>.log; the broker is
# CELERY_BROKER_URL, else RabbitMQ on 127.0.0.1 (docs/DEPLOYMENT.md "Celery")
N ?= 2
LOGS := .data/logs
workers: install
	@mkdir -p $(LOGS)
	@for n in $$(seq 1 $(N)); do \
	  PATH=$(CURDIR)/$(BIN):$$PATH nohup $(BIN)/celery -A pipeline_defs.celery_app worker \
	    --pool solo -Q $${SOCIALPIPE_CELERY_QUEUE:-dagster} -n worker$$n@%h --loglevel INFO \
	    --logfile $(LOGS)/worker-$$n.log --pidfile $(LOGS)/worker-$$n.pid \
	    >/dev/null 2>&1 & \
	  echo "worker $$n: log $(LOGS)/worker-$$n.log"; \
	done

workers-stop:
	@for pidfile in $(LOGS)/worker-*.pid; do \
	  [ -f "$$pidfile" ] && kill -TERM $$(cat $$pidfile) && echo "stopped $$pidfile"; \
	done; true
# the README's UI screenshots (docs/ui/), by Debian's chromium, headless; after `make demo`
screenshots: install
	scripts/install_chromium.sh
	$(BIN)/python scripts/ui_screenshot.py

db-stop: install
	$(BIN)/socialpipe db stop

clean: db-stop
	rm -rf $(VENV) .data

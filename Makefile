# Two commands set everything up on a fresh machine (Python 3.11–3.14, pip, make):
#   make demo   install, start the embedded database, migrate, load demo data, run the pipeline
#   make test   install, then lint and run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo test test-dates lint dev db-stop clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# reinstall whenever the pinned dependencies change
$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(INSTALLED)

demo: install
	$(BIN)/socialpipe demo

test: install lint
	$(BIN)/pytest

# The suite on other days: the last day of a month, the 1st, and a leap day. libfaketime
# shifts the clock of pytest and of everything it starts, including a private embedded
# PostgreSQL (TEST_DATABASE_URL is cleared: the machine's server keeps the real date).
SHIFTED_DAYS ?= 2027-01-31 2027-02-01 2028-02-29
test-dates: install
	@command -v faketime >/dev/null || { echo "test-dates needs faketime (apt-get install faketime)"; exit 2; }
	@set -e; for day in $(SHIFTED_DAYS); do \
	  echo "== the suite on $$day (UTC noon) =="; \
	  export SOCIALPIPE_DATA_DIR=$(CURDIR)/.data/clock-$$day TEST_DATABASE_URL= ; \
	  status=0; faketime -f "@$$day 12:00:00" $(BIN)/pytest -p no:cacheprovider || status=$$?; \
	  $(BIN)/socialpipe db stop >/dev/null; rm -rf $$SOCIALPIPE_DATA_DIR; \
	  [ $$status -eq 0 ] || exit $$status; \
	done

lint: install
	$(BIN)/ruff check .

# the Dagster UI on the instance the CLI and `make demo` write to (.data/dagster_home,
# configured from deploy/dagster.local.yaml unless it has its own; DAGSTER_HOME wins)
dev: install
	$(BIN)/socialpipe dev

db-stop: install
	$(BIN)/socialpipe db stop

clean: db-stop
	rm -rf $(VENV) .data

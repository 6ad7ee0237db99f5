# Two commands set everything up on a fresh machine (Python 3.11, pip, make):
#   make demo   install, start the embedded database, migrate, load demo data, run the pipeline
#   make test   install, then lint and run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install demo test lint dev db-stop clean

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

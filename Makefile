# Two commands set everything up on a fresh machine (Python 3.11–3.14, pip, make):
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

# DAGSTER_HOME gets the local instance config (deploy/dagster.local.yaml: the
# production run queue, pools and run monitoring on SQLite) unless it has its own
dev: install
	DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/.data/dagster_home} ; mkdir -p $$DAGSTER_HOME ; \
	if [ ! -f $$DAGSTER_HOME/dagster.yaml ]; then cp deploy/dagster.local.yaml $$DAGSTER_HOME/dagster.yaml ; \
	elif ! cmp -s deploy/dagster.local.yaml $$DAGSTER_HOME/dagster.yaml; then \
	  echo "note: $$DAGSTER_HOME/dagster.yaml differs from deploy/dagster.local.yaml (kept yours)" ; fi ; \
	DAGSTER_HOME=$$DAGSTER_HOME $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

db-stop: install
	$(BIN)/socialpipe db stop

clean: db-stop
	rm -rf $(VENV) .data

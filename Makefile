# gridbot — two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint install clean lock audit

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/gridbot db upgrade
	$(BIN)/gridbot serve

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy bot dispatcher models

# Pin what the venv really runs (the project itself excluded); see docs/security.md.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v -i '^gridbot' > requirements.lock

# Needs PyPI's JSON API (or OSV); pip-audit lives in its own venv so it is not in the lock.
# tools.audit_latest then checks each pin against PyPI's advisories of the latest release,
# which still answers where pip-audit's per-version queries are refused (docs/security.md).
audit: requirements.lock $(STAMP)
	test -x var/audit-venv/bin/pip-audit || ($(PYTHON) -m venv var/audit-venv && var/audit-venv/bin/pip install --quiet pip-audit)
	var/audit-venv/bin/pip-audit -r requirements.lock --no-deps --disable-pip
	$(BIN)/python -m tools.audit_latest requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

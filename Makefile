# Baladiya — the two commands of the README, and the checks CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PROFILE ?= taffouh
PORT ?= 8000

.PHONY: demo test install install-dev lint format check-migrations check-deploy i18n i18n-app bench clean

## make demo: create .venv, install Baladiya, load the demo municipality and serve it.
demo: $(VENV)/.installed
	$(BIN)/baladiya demo --profile $(PROFILE) --port $(PORT)

## make test: the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: $(VENV)/.installed-dev
	$(BIN)/pytest

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench conftest.py
	$(BIN)/ruff format --check src tests bench conftest.py
	$(BIN)/lint-imports
	BALADIYA_ENV=test BALADIYA_DATA_DIR=.data/lint $(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format src tests bench conftest.py
	$(BIN)/ruff check --fix src tests bench conftest.py

check-migrations: $(VENV)/.installed
	BALADIYA_ENV=test $(BIN)/baladiya manage makemigrations --check --dry-run

check-deploy: $(VENV)/.installed
	BALADIYA_ENV=production SECRET_KEY=$$($(BIN)/python -c 'import secrets;print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=baladiya.example.org \
	$(BIN)/baladiya manage check --deploy --fail-level WARNING

## make i18n: extract messages into the Arabic catalogue, compile it, check it is complete.
i18n: $(VENV)/.installed-dev
	cd src/baladiya && PYTHONSAFEPATH=1 BALADIYA_ENV=test $(abspath $(BIN))/python -m django makemessages \
	  --settings=baladiya.config.settings -l ar -i "*/tests/*" -i "demo/data/*" --no-obsolete --no-location
	BALADIYA_ENV=test $(BIN)/baladiya manage i18n_check --compile
	BALADIYA_ENV=test $(BIN)/baladiya manage i18n_check

## make i18n-app APP=archive: extract one app's messages into its own catalogue
## (src/baladiya/APP/locale), then check and compile every catalogue.
i18n-app: $(VENV)/.installed-dev
	cd src/baladiya/$(APP) && PYTHONSAFEPATH=1 BALADIYA_ENV=test $(abspath $(BIN))/python -m django makemessages \
	  --settings=baladiya.config.settings -l ar -i "tests/*" --no-obsolete --no-location
	BALADIYA_ENV=test $(BIN)/baladiya manage i18n_check --compile

clean:
	rm -rf $(VENV) .data artifacts

# The two commands of the quick start: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CATALOGS = $(sort $(basename $(notdir $(wildcard locales/*/LC_MESSAGES/*.po))))

.PHONY: run test install catalogs lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "sodiem needs Python 3.11 or newer: install it, or run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

catalogs: $(INSTALLED)
	$(BIN)/pybabel compile -d locales -D "$(CATALOGS)" 2>&1 | grep -v '^compiling' || true
	@for domain in $(CATALOGS); do for lang in vi en; do test -f locales/$$lang/LC_MESSAGES/$$domain.mo \
		|| { echo "catalog $$lang/$$domain did not compile"; exit 1; }; done; done

install: $(INSTALLED) catalogs

# Migrate, make sure the demo school is there, then run the bot (which explains how to get a
# token when SODIEM_TELEGRAM_TOKEN is not set).
run: install
	$(BIN)/sodiem db upgrade
	$(BIN)/sodiem demo
	$(BIN)/sodiem students --class 6A
	$(BIN)/sodiem run

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -v

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/import.py
	$(BIN)/python bench/evaluate.py
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
	find locales -name '*.mo' -delete

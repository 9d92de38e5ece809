# The two commands of the quick start: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CATALOGS = $(sort $(basename $(notdir $(wildcard locales/*/LC_MESSAGES/*.po))))

.PHONY: run test install system catalogs lint bench clean

# Debian packages the tests read files back with (poppler's pdftotext, pdffonts, pdftoppm), the
# sandbox's browser tests drive (chromium), the software token the signing tests sign with (softhsm2),
# PostgreSQL's backups and restores need (postgresql-client: pg_dump, pg_restore) and the sandbox's page
# needs to show the bot's emoji on a machine without a desktop (fonts-noto-color-emoji), and LibreOffice
# opening a DBF as the docs tell schools to (libreoffice-calc-nogui, libreoffice-base-drivers).
# Installed when missing and we may; otherwise named.
DEBIAN_PACKAGES := poppler-utils chromium softhsm2 fonts-noto-color-emoji postgresql-client \
	libreoffice-calc-nogui libreoffice-base-drivers

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

system:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "missing Debian packages (tests that need them are skipped): $$missing"; fi

install: $(INSTALLED) catalogs system

# With a token (SODIEM_TELEGRAM_TOKEN, in the environment or .env): migrate, put the demo school into an
# empty database (a database holding a real school is left as it is), then run the bot. Without one: the sandbox, the bot in a web page on a throwaway demo school.
run: install
	@if [ -n "$$SODIEM_TELEGRAM_TOKEN" ] || grep -qs '^SODIEM_TELEGRAM_TOKEN=.' .env; then \
		$(BIN)/sodiem db upgrade && $(BIN)/sodiem demo --if-empty && $(BIN)/sodiem run; \
	else $(BIN)/sodiem sandbox; fi

# The suite in TEST_WORKERS processes (pytest-xdist): most of a bot test's time is spent waiting on the
# local Bot API, so more workers than cores pays. The sandbox's tests share one worker (xdist_group).
TEST_WORKERS ?= 4

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -v -n $(TEST_WORKERS) --dist loadgroup

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench.import
	$(BIN)/python -m bench.spreadsheet_bomb
	$(BIN)/python -m bench.evaluate
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.memory
	$(BIN)/python -m bench.progress
	$(BIN)/python -m bench.export_files
	$(BIN)/python -m bench.primary_exports
	$(BIN)/python -m bench.signing
	$(BIN)/python -m bench.audit
	$(BIN)/python -m bench.broadcast

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
	find locales -name '*.mo' -delete

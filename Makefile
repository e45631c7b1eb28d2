# Rathaus: `make run` starts the demo site, `make test` runs the whole suite.
# Both set up everything they need (.venv, Python and npm packages) on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help setup run test test-fast lint format messages vendor screenshots migrate clean

help:
	@echo "make run          set up and start the demo site at http://$(HOST):$(PORT) with its worker"
	@echo "make test         set up and run the whole test suite (browser tests need /usr/bin/chromium)"
	@echo "make lint         ruff check and format check, makemigrations --check"
	@echo "make messages     update and compile the German translations in site/locale/"
	@echo "make vendor       copy Leaflet from node_modules into site/static/vendor/leaflet/ (committed)"
	@echo "make screenshots  refresh the README's screenshots in docs/"

$(VENV)/.installed: pyproject.toml
	@test -x $(VENV)/bin/pip || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); } || \
		{ rm -rf $(VENV); echo "Could not create .venv: install Python 3.11 with venv (Debian: apt-get install python3.11-venv)."; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "NOTE: npm not found, so axe-core is missing and the accessibility checks are SKIPPED."; \
	fi

setup: $(VENV)/.installed
	-@$(MAKE) --no-print-directory node_modules/.installed

migrate: setup
	$(MANAGE) migrate --noinput -v 0

run: migrate
	$(MANAGE) seed_demo
	$(MANAGE) ensure_admin
	@echo "Starting the site at http://$(HOST):$(PORT)/ and the background worker; Ctrl-C stops both."
	@trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) qcluster & WORKER=$$!; \
		$(MANAGE) runserver $(HOST):$(PORT)

test: setup
	@test -x /usr/bin/chromium || echo "NOTE: /usr/bin/chromium is missing, so the browser and accessibility tests are SKIPPED (apt-get install chromium)."
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: setup
	$(MANAGE) makemessages --locale de --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'docs/*' --no-obsolete
	$(MANAGE) compile_translations

# Leaflet is committed in site/static/vendor/leaflet/, so the site needs no npm and no CDN at run
# time. After changing its version in package.json, `make vendor` copies the new files in.
LEAFLET_SRC := node_modules/leaflet
LEAFLET_DEST := site/static/vendor/leaflet

vendor: node_modules/.installed
	@test -f $(LEAFLET_SRC)/dist/leaflet.js || { echo "$(LEAFLET_SRC) is missing: install npm, then run make vendor again."; exit 1; }
	rm -rf $(LEAFLET_DEST)
	mkdir -p $(LEAFLET_DEST)/images
	cp $(LEAFLET_SRC)/dist/leaflet.js $(LEAFLET_SRC)/dist/leaflet.js.map $(LEAFLET_SRC)/dist/leaflet.css $(LEAFLET_DEST)/
	cp $(LEAFLET_SRC)/dist/images/*.png $(LEAFLET_DEST)/images/
	cp $(LEAFLET_SRC)/LICENSE $(LEAFLET_DEST)/LICENSE
	@version=$$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' $(LEAFLET_SRC)/package.json | head -n 1); \
		echo "leaflet $$version from npm, BSD-2-Clause, copied by \`make vendor\`" > $(LEAFLET_DEST)/VERSION; \
		echo "Copied Leaflet $$version into $(LEAFLET_DEST)/."

screenshots: migrate
	$(PY) docs/make_screenshots.py

clean:
	rm -rf $(VENV) node_modules var .pytest_cache

# lawdsl build toolchain. Everything the project needs is installed from here:
#   make bootstrap   Python venv (.venv, from requirements.lock) + node_modules (from package-lock.json)
#   make test|demo|bench|clean
# Stamp files make a second `make bootstrap` a no-op; they are re-made when the lock files change.

SHELL      := /bin/bash
PYTHON     ?= python3
NPM        ?= npm
VENV       := .venv
VPY        := $(VENV)/bin/python
VPIP       := $(VENV)/bin/pip
PIP_FLAGS  := --disable-pip-version-check --no-input
VENV_STAMP := $(VENV)/.stamp-lock
EDIT_STAMP := $(VENV)/.stamp-editable
NODE_STAMP := node_modules/.stamp-npm

# anvil and solcjs from node_modules/.bin come first on PATH for every recipe.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
# Never let a package pull a browser build or anything else from outside the registries.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.DEFAULT_GOAL := bootstrap
.PHONY: bootstrap venv node browser lint test demo bench clean

bootstrap: $(EDIT_STAMP) $(NODE_STAMP)

venv: $(EDIT_STAMP)
node: $(NODE_STAMP)

# `.venv` itself: a fresh venv with exactly the locked pins. Re-created from scratch when the lock changes,
# so no stale package survives.
$(VENV): $(VENV_STAMP)

$(VENV_STAMP): requirements.lock
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VPIP) install $(PIP_FLAGS) -q -r requirements.lock
	$(VPIP) check $(PIP_FLAGS)
	touch $@

# The project itself, editable, without touching the locked dependencies.
$(EDIT_STAMP): $(VENV_STAMP) pyproject.toml
	$(VPIP) install $(PIP_FLAGS) -q --no-deps -e .
	touch $@

node_modules: $(NODE_STAMP)

$(NODE_STAMP): package-lock.json package.json
	$(NPM) ci --no-audit --no-fund
	touch $@

# Debian's Chromium for the portal's browser tests: Playwright drives it and never downloads a browser.
# Without apt-get this says so and goes on; the browser tests then FAIL (they never skip).
BROWSER       := /usr/bin/chromium
BROWSER_STAMP := build/.stamp-browser
SUDO          := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser: $(BROWSER_STAMP)

$(BROWSER_STAMP):
	@if [ ! -x $(BROWSER) ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; \
	  else \
	    echo "make browser: $(BROWSER) is missing and apt-get is not available: install Chromium there by hand." \
	         "Until then the portal's browser tests (tests/citizens/test_portal.py) FAIL."; \
	  fi; \
	fi
	@if [ -x $(BROWSER) ]; then mkdir -p $(@D) && touch $@; fi

# Static checks, configured in pyproject.toml: ruff (lint, then the format check) and mypy (strict for lawdsl/ and chain/).
lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: bootstrap browser lint
	$(VPY) -m pytest -q

demo: bootstrap
	$(VENV)/bin/lawdsl demo

# `make bench SLOW=1` adds the differential runs: 1,000 generated scenarios per domain, chain against interpreter.
bench: bootstrap
	$(VPY) scripts/bench.py
	$(if $(SLOW),$(VPY) -m pytest -q -m slow tests/chain)

clean:
	rm -rf $(VENV) node_modules build dist .pytest_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +

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
.PHONY: bootstrap venv node test demo bench clean

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

test: bootstrap
	$(VPY) -m pytest -q

demo: bootstrap
	$(VENV)/bin/lawdsl demo

bench: bootstrap
	$(VPY) scripts/bench.py

clean:
	rm -rf $(VENV) node_modules build dist .pytest_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +

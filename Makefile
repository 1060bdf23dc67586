# lawdsl build toolchain. Everything the project needs is installed from here:
#   make bootstrap   Python venv (.venv, from requirements.lock) + node_modules (from package-lock.json)
#                    + Slither's venv (.venv-slither, from requirements-slither.lock)
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
# Slither's own venv (requirements-slither.lock): it pins an older web3 than .venv's.
SLITHER_VENV  := .venv-slither
SLITHER_STAMP := $(SLITHER_VENV)/.stamp-lock

# anvil and solcjs from node_modules/.bin come first on PATH for every recipe.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
# Never let a package pull a browser build or anything else from outside the registries.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.DEFAULT_GOAL := bootstrap
.PHONY: bootstrap venv node browser lint test demo bench clean contracts-check forge-sources forge-test forge-lint slither gas-diff

bootstrap: $(EDIT_STAMP) $(NODE_STAMP) $(SLITHER_STAMP)

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

test: bootstrap browser lint contracts-check
	$(VPY) -m pytest -q -n auto --dist worksteal -m "not slow and not alone"
	$(VPY) -m pytest -q -m alone

demo: bootstrap
	$(VENV)/bin/lawdsl demo

# `make bench SLOW=1` adds the differential runs: 1,000 generated scenarios per domain, chain against interpreter.
bench: bootstrap
	$(VPY) scripts/bench.py
	$(MAKE) --no-print-directory gas-diff
	$(if $(SLOW),LAWDSL_HYPOTHESIS=explore $(VPY) -m pytest -q -m slow tests/chain)
	$(if $(SLOW),FOUNDRY_PROFILE=slow $(FORGE) test --match-path 'contracts/test/*.invariants.t.sol')

# ---------------------------------------------------------------- contracts: Foundry and Slither
# (docs/contracts.md) forge and Slither compile through scripts/solc (solc-js from node_modules).
FORGE          := node_modules/.bin/forge
FORGE_STATUTES := statutes/overtime.law statutes/vouchers.law statutes/procurement.law statutes/california-overtime.law
SLITHER_OUT    := build/forge/slither

contracts-check: forge-test forge-lint slither

# Slither's own venv, re-created from scratch when its lock changes.
$(SLITHER_STAMP): requirements-slither.lock
	rm -rf $(SLITHER_VENV)
	$(PYTHON) -m venv $(SLITHER_VENV)
	$(SLITHER_VENV)/bin/pip install $(PIP_FLAGS) -q -r requirements-slither.lock
	$(SLITHER_VENV)/bin/pip check $(PIP_FLAGS)
	touch $@

# The generated statutes, where `lawdsl compile` places them (contracts/generated/, not checked in).
forge-sources: $(EDIT_STAMP)
	$(VPY) scripts/forge_sources.py $(FORGE_STATUTES)

# Invariants (bounded: foundry.toml's default profile), fuzz tests and gas figures.
forge-test: forge-sources $(NODE_STAMP)
	$(FORGE) test

forge-lint: forge-sources $(NODE_STAMP)
	mkdir -p build/forge
	$(FORGE) lint --json > build/forge/lint.json 2>&1 || { cat build/forge/lint.json; exit 1; }
	$(VPY) scripts/contracts_findings.py --lint build/forge/lint.json

# Slither reads a build of its own (without the tests), so forge test's cache stays warm.
slither: forge-sources $(NODE_STAMP) $(SLITHER_STAMP)
	FOUNDRY_OUT=$(SLITHER_OUT)/out FOUNDRY_CACHE_PATH=$(SLITHER_OUT)/cache \
	  $(FORGE) build --build-info --skip 'contracts/test/**' --force --quiet
	rm -f $(SLITHER_OUT)/slither.json
	$(SLITHER_VENV)/bin/slither . --ignore-compile --foundry-out-directory $(SLITHER_OUT)/out \
	  --json $(SLITHER_OUT)/slither.json --disable-color > $(SLITHER_OUT)/slither.log 2>&1 \
	  || [ -s $(SLITHER_OUT)/slither.json ] || { cat $(SLITHER_OUT)/slither.log; exit 1; }
	$(VPY) scripts/contracts_findings.py --slither $(SLITHER_OUT)/slither.json

# `make gas-diff`: the gas of each benchmarked operation against the checked-in .gas-snapshot.
gas-diff: forge-sources $(NODE_STAMP)
	$(FORGE) snapshot --diff .gas-snapshot --match-path contracts/test/Gas.t.sol

clean:
	rm -rf $(VENV) $(SLITHER_VENV) node_modules build contracts/generated dist .pytest_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +

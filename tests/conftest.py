"""Shared fixtures: the project's own statutes (tests never read ../shared)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

#: `make test` (and so CI) draws the same examples on every run: a red build is always the change's
#: doing and reproduces as it stands. `make bench SLOW=1` runs the slow property tests under
#: "explore", which draws new examples each time — that is where new counterexamples are found.
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("LAWDSL_HYPOTHESIS", "default"))

ROOT = Path(__file__).resolve().parent.parent
STATUTES = ROOT / "statutes"


@pytest.fixture
def statutes_dir() -> Path:
    return STATUTES


def statute_text(name: str) -> str:
    return (STATUTES / name).read_text("utf-8")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the generated Solidity instead of comparing (review the diff)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether tests/test_golden.py rewrites its expected files (flag or LAWDSL_UPDATE_GOLDEN=1)."""
    return bool(request.config.getoption("--update-golden")) or os.environ.get("LAWDSL_UPDATE_GOLDEN") == "1"

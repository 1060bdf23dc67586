"""Shared fixtures: the project's own statutes (tests never read ../shared)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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

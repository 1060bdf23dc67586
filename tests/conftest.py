"""Shared fixtures: the project's own statutes (tests never read ../shared)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATUTES = ROOT / "statutes"


@pytest.fixture
def statutes_dir() -> Path:
    return STATUTES


def statute_text(name: str) -> str:
    return (STATUTES / name).read_text("utf-8")

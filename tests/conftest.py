"""Shared fixtures: the project's own statutes (tests never read ../shared)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

#: `make test` (and so CI) draws the same examples on every run: a red build is always the change's
#: doing and reproduces as it stands. `make bench SLOW=1` runs the slow property tests under
#: "explore", which draws new examples each time — that is where new counterexamples are found.
#: No per-example deadline: it is a timing assertion, and on a loaded 2-core machine (two test
#: workers, solc, anvil) an example can take over hypothesis's 200 ms without anything being wrong.
#: Speed is measured in `make bench`.
settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("LAWDSL_HYPOTHESIS", "default"))

ROOT = Path(__file__).resolve().parent.parent
STATUTES = ROOT / "statutes"


@pytest.fixture
def statutes_dir() -> Path:
    return STATUTES


def statute_text(name: str) -> str:
    return (STATUTES / name).read_text("utf-8")


def pytest_configure(config: pytest.Config) -> None:
    """Each pytest-xdist worker gets a temporary folder of its own, inherited by the processes it
    starts: gateways that different workers run on their own chains then take the relayer lock
    (oracles/preflight.py) in different folders, as gateways on different machines would."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        os.environ["TMPDIR"] = tempfile.mkdtemp(prefix=f"lawdsl-{worker}-")
        tempfile.tempdir = None


#: The tests that mostly wait on real time (a timelock's delay) come first. `make test` runs two
#: pytest-xdist workers with `--dist worksteal`: the first worker starts on these while the second
#: runs the other half of the suite and then takes over what the first has not started. The
#: operator's guide (`-m alone`) runs after them, by itself.
WAITING_FIRST = ("live/test_timelock_delay.py",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.path.as_posix()
        return next((i for i, name in enumerate(WAITING_FIRST) if path.endswith(name)), len(WAITING_FIRST))

    items.sort(key=rank)  # stable: every other test keeps its order


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

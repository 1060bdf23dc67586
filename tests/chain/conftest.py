"""One anvil per session, one compile per session, a clean chain for every test.

The anvil fixture starts its own process on a free port and stops it at the
end of the session (also when a test fails), so a run never leaves a process
behind. `LAWDSL_CHAIN=tester` runs the same tests on the in-process py-evm
chain instead. Every test starts from the chain as it was right after genesis:
time included, since scenarios replay dates from 2026 onwards.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from chain.anvil import LocalAnvil
from chain.client import Chain
from chain.local import runs_in_process
from chain.tester import InProcessChain
from compiler.artifacts import Artifact, compile_statutes
from lawdsl.ast import Statute

from .statutes import chain_statutes


@pytest.fixture(scope="session")
def statutes() -> dict[str, Statute]:
    """Every statute the chain tests deploy, by title: compiled together in one solc call."""
    return {statute.header.title: statute for statute in chain_statutes()}


@pytest.fixture(scope="session")
def artifacts(statutes: dict[str, Statute]) -> dict[str, Artifact]:
    return compile_statutes(statutes.values())


@pytest.fixture(scope="session")
def anvil() -> Iterator[LocalAnvil]:
    with LocalAnvil() as node:
        yield node


@pytest.fixture(scope="session")
def session_chain(request: pytest.FixtureRequest) -> Chain:
    """The session anvil's chain; py-evm in process instead with `LAWDSL_CHAIN=tester` (or no anvil)."""
    if runs_in_process():
        return InProcessChain()
    return Chain(request.getfixturevalue("anvil").url)


@pytest.fixture
def chain(session_chain: Chain) -> Iterator[Chain]:
    """The shared chain, reverted after the test to the state it had before (genesis)."""
    snapshot = session_chain.snapshot()
    yield session_chain
    session_chain.revert(snapshot)

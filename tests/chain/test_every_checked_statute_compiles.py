"""The promise: every statute `lawdsl check` accepts compiles with solc and deploys.

Statutes of every domain and both surfaces are drawn from the grammar's
sentence forms (tests/strategies/statutes.py), checked, compiled together in
one solc call (solc-js costs seconds per call, so a batch shares one), and
each is deployed and enacted on the session's chain. A checked statute that
does not compile is a bug in lawdsl, and the test says so with the statute's
text. The default run is bounded (one batch of 12-16 statutes per domain);
`make bench SLOW=1` runs 1,000 per domain.

Every shrunk failure this test has found is kept in `REGRESSIONS` below, as
statute text, and compiled and deployed by `test_regressions_compile`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from chain.client import Chain
from chain.runner import deploy
from compiler.artifacts import Artifact
from lawdsl.ast import Statute
from lawdsl.load import load_text
from lawdsl.scenario import Scenario
from tests.chain.statutes import PROJECT_STATUTES
from tests.strategies.statutes import STRATEGIES, checked, titled, written

from .generated import compile_or_report

pytestmark = pytest.mark.chain


def batches(per_domain: tuple[int, int]) -> st.SearchStrategy[list[Statute]]:
    """Statutes of every domain, titled apart so that one solc call holds them all."""
    least, most = per_domain
    drawn = st.tuples(*(st.lists(strategy(), min_size=least, max_size=most) for strategy in STRATEGIES.values()))
    return drawn.map(
        lambda lists: [
            titled(statute, f"Generated Statute {index + 1}")
            for index, statute in enumerate(s for domain in lists for s in domain)
        ]
    )


def deploys(statutes: list[Statute], artifacts: dict[str, Artifact], chain: Chain) -> None:
    """Each statute deployed and enacted (the runner's deployment); its contract answers."""
    for statute in statutes:
        snapshot = chain.snapshot()
        try:
            deployment = deploy(Scenario(Path("generated.yaml"), statute, {}, ()), chain, artifacts)
            assert chain.w3.eth.get_code(deployment.driver.contract.address), statute.header.title
        finally:
            chain.revert(snapshot)


def _compile_and_deploy(generated: list[Statute], build_dir: Path, chain: Chain) -> None:
    statutes = [checked(statute) for statute in generated]  # the strategies draw only valid statutes
    for statute in statutes:
        note(written(statute))
    artifacts = compile_or_report(statutes, build_dir)
    deploys(statutes, artifacts, chain)


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated statutes are compiled once each: their cache would only grow `build/`."""
    return tmp_path_factory.mktemp("solc")


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))
@given(generated=batches((12, 16)))
def test_checked_statutes_compile_and_deploy(generated, build_dir, session_chain):
    _compile_and_deploy(generated, build_dir, session_chain)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(generated=batches((40, 40)))
def test_checked_statutes_compile_and_deploy_long(generated, build_dir, session_chain):
    _compile_and_deploy(generated, build_dir, session_chain)


#: Failures found, shrunk to the sentences that cause them, kept as they were found (issue 12).
REGRESSIONS: dict[str, str] = {
    # Public holidays 153 days apart: the holiday word had 39 hex digits, which solc reads as an address.
    "holidays 153 days apart": (PROJECT_STATUTES / "two-holidays.law").read_text(),
    # Terms named like the contract's own constants, or two names with one constant name.
    "terms named like constants": """statute "Terms Named Like Constants"
  governs working time
  version 1
  effective 2026-01-01
  currency CNY.

parties:
  "employer" is a firm.
  "employee" is a worker.
  "gate" is a device.

terms:
  "effective day" is 8 hours.
  "rest days" is 150%.
  "never" is 2 hours.
  "default admin role" is 200%.
  "standard day" is 7 hours.
  "standard-day" is 9 hours.

article 1 "Pay":
  each hour worked beyond the effective day earns the rest days of the hourly wage.
  each hour worked beyond the standard-day earns the default admin role of the hourly wage.
  each hour worked beyond the standard day earns 120% of the hourly wage.
  hours worked beyond the never in a day are a violation.
  the employer pays the employee at each clock-out.
""",
    # Two identical sentences in one article: rule constants were numbered by equality, so both took
    # the first one's name (found after the working-time contract grew: "Identifier already declared").
    "identical sentences in one article": """statute "Identical Sentences"
  governs working time
  version 1
  effective 2026-01-01
  currency CNY.

parties:
  "employer" is a firm.
  "employee" is a worker.
  "gate" is a device.

article 1 "Pay":
  each hour worked beyond 8 hours earns 150% of the hourly wage.
  each hour worked beyond 8 hours earns 150% of the hourly wage.
  hours worked beyond 3 hours in a day are a violation.
  hours worked beyond 3 hours in a day are a violation.
  the employer pays the employee at each clock-out.
""",
}


def test_regressions_compile_and_deploy(build_dir, session_chain):
    statutes = [
        titled(load_text(text, f"{label}.law"), f"Regression {index}")
        for index, (label, text) in enumerate(REGRESSIONS.items())
    ]
    deploys(statutes, compile_or_report(statutes, build_dir), session_chain)

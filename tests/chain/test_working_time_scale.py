"""Weekly settlement and arrears at firm scale, page by page, inside a block, as the interpreter pays.

The default run is a firm of 300 over several pages of 100; `-m slow` runs the
issue's 10,000 employees in pages of 150 (passed on 2026-12-06 in 23 minutes on
two cores shared with other work: mostly the 10,000 employment transactions and
40,000 punches of the setup).
"""

from __future__ import annotations

import pytest

from chain.client import GAS_LIMIT
from chain.scale import BLOCK_GAS, run_settlement

pytestmark = pytest.mark.chain
TITLE = "Part-Time Work Regulation"


def _check(run, employees: int) -> None:
    assert run.law_paid == run.chain_paid  # every employee, as the interpreter pays
    assert len(run.chain_paid) == employees
    assert set(run.chain_paid.values()) == {2 * 8 * 3_000}  # two weeks of 8 h at CNY 30.00
    assert run.arrears_left == 0
    pages = run.settle_paid_gas + run.settle_queued_gas + run.arrears_gas
    assert max(pages) <= GAS_LIMIT <= BLOCK_GAS  # each page fits one transaction, and so a block


def test_a_firm_of_300_is_settled_and_its_arrears_paid_in_pages(chain, statutes, artifacts):
    run = run_settlement(statutes[TITLE], chain, artifacts, employees=300, page=100)
    _check(run, 300)
    assert len(run.settle_paid_gas) == len(run.settle_queued_gas) == 3  # pages of 100
    assert len(run.arrears_gas) == 1 + 2  # the deposit pays 100, two pages the other 200
    figures = run.figures()
    assert figures["  employees settled in one 30 M gas block"] >= 300


@pytest.mark.slow
def test_a_firm_of_10000_is_settled_and_its_arrears_paid_in_pages(chain, statutes, artifacts):
    run = run_settlement(statutes[TITLE], chain, artifacts, employees=10_000, page=150)
    _check(run, 10_000)

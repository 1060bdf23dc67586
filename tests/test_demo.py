"""`lawdsl demo`, as `make demo` runs it: the three example statutes end to end on a local chain."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lawdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
STATUTES = ROOT / "statutes"
DEMO_SCENARIOS = ("overtime-march.yaml", "vouchers-march.yaml", "procurement-wheat.yaml")

pytestmark = pytest.mark.chain


@pytest.mark.parametrize("chain", ["anvil", "tester"])
def test_demo_passes_every_example_scenario(chain):
    result = subprocess.run(
        [sys.executable, "-m", "lawdsl.cli", "demo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "LAWDSL_CHAIN": chain, "COLUMNS": "200"},
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    passed = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("PASS ")]
    assert passed == list(DEMO_SCENARIOS)
    assert "FAIL" not in result.stdout
    assert ("py-evm in process" if chain == "tester" else "chain: anvil") in result.stdout


def test_demo_fails_on_an_outcome_its_expectation_does_not_meet(tmp_path, monkeypatch, capsys):
    scenario = (STATUTES / "overtime-march.yaml").read_text()
    # The statute beside the scenario: a scenario's `statute:` stays within its own folder.
    (tmp_path / "overtime.law").write_text((STATUTES / "overtime.law").read_text())
    wrong = scenario.replace("balances: {acme: CNY 95000.00,", "balances: {acme: CNY 1.00,")
    assert wrong.count("CNY 1.00,") == 1
    (tmp_path / "wrong.yaml").write_text(wrong)
    monkeypatch.setattr("chain.commands.DEMO_SCENARIOS", (str(tmp_path / "wrong.yaml"),))
    monkeypatch.setenv("LAWDSL_CHAIN", "tester")
    assert main(["demo"]) == 1
    out = capsys.readouterr().out
    assert "FAIL wrong.yaml" in out
    assert "balances: acme" in out

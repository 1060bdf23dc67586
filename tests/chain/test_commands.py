"""The chain commands end to end, each on its own private anvil (as a user runs them)."""

from __future__ import annotations

import json

import pytest

from lawdsl.cli import main

from .statutes import DATA

pytestmark = pytest.mark.chain


def test_run_prints_the_interpreters_outcome(capsys):
    scenario = str(DATA / "overtime-march.yaml")
    assert main(["simulate", scenario, "--json"]) == 0
    simulated = json.loads(capsys.readouterr().out)
    assert main(["run", scenario, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == simulated


def test_test_chain_checks_expect_on_chain(capsys):
    assert main(["test", "--chain", str(DATA / "overtime-march.yaml")]) == 0
    assert "PASS" in capsys.readouterr().out


def test_compile_writes_source_and_artifact(tmp_path, capsys):
    assert main(["compile", str(DATA / "overtime.law"), "-o", str(tmp_path)]) == 0
    artifact = json.loads((tmp_path / "WorkingHoursAndOvertimePayActV2.json").read_text())
    assert artifact["abi"] and artifact["deployedBytecode"].startswith("0x6080")
    assert "contract WorkingHoursAndOvertimePayActV2" in (tmp_path / "WorkingHoursAndOvertimePayActV2.sol").read_text()

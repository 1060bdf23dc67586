"""The invariant tests catch a statute rule flipped in a generated contract.

A copy of the Foundry project (contracts, the working-time invariants, the solc front) is made in
a temporary folder with the statute's premium for overtime on a workday lowered from 150% to 140%
in the generated contract, the bug a faulty compiler or a tampered build would plant. The same
invariants pass on the real contract (`make test` runs them: forge-test); here the pay invariant
must fail while the others still pass, so the failure is the planted bug's, not the build's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from compiler.generate import generate
from lawdsl.load import load_statute

ROOT = Path(__file__).resolve().parents[2]
FORGE = ROOT / "node_modules" / ".bin" / "forge"
RATE = "ARTICLE_44_1_RATE = 1_500_000"
PLANTED = "ARTICLE_44_1_RATE = 1_400_000"


def project_copy(target: Path) -> Path:
    """The Foundry project with only what the working-time invariants compile."""
    for name in ("foundry.toml", "scripts/solc", "compiler/solc_js.js"):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    contracts = target / "contracts"
    (contracts / "test" / "lib").mkdir(parents=True)
    for source in (ROOT / "contracts").glob("*.sol"):
        shutil.copy2(source, contracts / source.name)
    for source in (ROOT / "contracts" / "test" / "lib").glob("*.sol"):
        shutil.copy2(source, contracts / "test" / "lib" / source.name)
    shutil.copy2(ROOT / "contracts/test/WorkingTime.invariants.t.sol", contracts / "test")
    for law in (
        "overtime.law",
        "vouchers.law",
        "procurement.law",
    ):  # the adapters import all three
        contract = generate(load_statute(ROOT / "statutes" / law))
        path = target / contract.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(contract.source)
    return target / "contracts/generated/WorkingHoursAndOvertimePayActV2.sol"


def forge_invariants(project: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    return subprocess.run(
        [str(FORGE), "test", "--match-contract", "WorkingTimeInvariants"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.mark.timeout(1200)
def test_lowered_overtime_premium_breaks_an_invariant(tmp_path: Path) -> None:
    statute = project_copy(tmp_path)
    assert RATE in statute.read_text()

    statute.write_text(statute.read_text().replace(RATE, PLANTED))
    planted = forge_invariants(tmp_path)
    assert planted.returncode != 0, planted.stdout[-3000:]
    assert "paid + owed >= statute" in planted.stdout  # the pay invariant, not a build failure
    assert "[PASS] invariant_moneyIsConserved()" in planted.stdout  # the rest of the run went through

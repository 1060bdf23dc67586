"""`lawdsl export brownie` end to end, with the real Brownie, offline.

The exported project is deployed and tested by Brownie from its own venv
(see conftest.py) against an anvil this test starts; then our own web3 reads
the chain: the employee's wallet holds the overtime pay, and the deployed
statute's code is byte for byte what `lawdsl compile` builds (so `lawdsl
verify` accepts a firm's Brownie deployment). Brownie must load the exported
build as it is: no compile (it could not fetch solc here), no file rewritten.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from web3 import Web3

from chain.anvil import LocalAnvil
from compiler.artifacts import compile_statutes, matches_deployed
from compiler.brownie import NETWORK_ID, RPC_URL_ENV, export_brownie, standard_input
from compiler.cache import cached_compile
from compiler.generate import generate
from compiler.solc import PROJECT_ROOT, compile_standard_json
from lawdsl.load import load_statute

from .conftest import brownie_env

STATUTE = Path(__file__).resolve().parents[2] / "statutes" / "overtime.law"
TITLE = "Working Hours and Overtime Pay Act"
#: The documented way to point Brownie at a node (docs/brownie.md), run as written.
ADD_NETWORK = f'brownie networks add Development {NETWORK_ID} host="${RPC_URL_ENV}" cmd=anvil'
#: The example shift: 12 h on a Tuesday at CNY 40.00 an hour; article 44.1 pays the 4 h beyond
#: the standard day at 150 %: 4 × 1.5 × 40.00 = CNY 240.00.
EXPECTED_PAY = 24_000
REFERENCE_SCRIPT = Path(__file__).with_name("brownie_reference.py")


def _run(command: list[str], project: Path, env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(command)} failed ({done.returncode}):\n{output[-6000:]}"
    return output


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*.json"))
    }


@pytest.mark.brownie
@pytest.mark.timeout(900)  # the first run on a machine installs Brownie (about a minute)
def test_brownie_deploys_and_tests_the_exported_statute(tmp_path: Path, brownie_bin: Path, brownie_home: Path) -> None:
    project = tmp_path / "overtime-brownie"
    export_brownie([STATUTE], project)
    build = project / "build" / "contracts"
    exported_build = _digest(build)

    with LocalAnvil() as anvil:
        env = brownie_env(brownie_bin, brownie_home, **{RPC_URL_ENV: anvil.url})
        _run(["bash", "-c", ADD_NETWORK], project, env)
        deployed = _run(["brownie", "run", "scripts/deploy.py", "--network", NETWORK_ID], project, env)
        assert "Compiling" not in deployed, "Brownie recompiled the exported build"
        summary = json.loads(
            next(line for line in deployed.splitlines() if line.startswith("lawdsl-deployment "))[
                len("lawdsl-deployment ") :
            ]
        )
        assert summary["shifts"][TITLE]["paid"] == EXPECTED_PAY

        tested = _run(["brownie", "test", "--network", NETWORK_ID], project, env)
        assert "Compiling" not in tested
        assert " 4 passed" in tested and "failed" not in tested, tested[-3000:]

        # Our own view of the chain (the main environment's web3), after both Brownie runs.
        artifacts = compile_statutes([load_statute(STATUTE)])
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        token = w3.eth.contract(address=summary["tokens"]["CNY"], abi=artifacts["DigitalCurrency"].abi)
        employee = summary["shifts"][TITLE]["employee"]
        assert token.functions.balanceOf(employee).call() == EXPECTED_PAY
        statute = w3.eth.contract(address=summary["statutes"][TITLE], abi=artifacts[TITLE].abi)
        paid = statute.events.PaidAtClockOut().get_logs(from_block=0)  # the clock-out and its payment
        assert [(log.args.employee, log.args.amount, log.args.article.rstrip(b"\0")) for log in paid] == [
            (employee, EXPECTED_PAY, b"44.1")
        ]
        assert matches_deployed(artifacts[TITLE], w3.eth.get_code(statute.address))

    assert _digest(build) == exported_build, "Brownie rewrote or deleted exported artifacts"


@pytest.mark.brownie
@pytest.mark.timeout(900)
def test_artifacts_equal_those_brownie_builds_itself(tmp_path: Path, brownie_bin: Path) -> None:
    """Brownie's own `generate_build_json`, fed the same solc output, gives the same artifacts,
    apart from what the export leaves out on purpose: coverage maps and markers (used only by
    `brownie test --coverage`), and a function name Brownie drops on a few JUMPIs inside
    modifiers (its branch loop rebinds `offset`)."""
    project = tmp_path / "overtime-brownie"
    export_brownie([STATUTE], project)
    solc_input = standard_input([generate(load_statute(STATUTE))])
    (tmp_path / "input.json").write_text(json.dumps(solc_input))
    (tmp_path / "output.json").write_text(json.dumps(cached_compile(solc_input, compile_standard_json)))
    done = subprocess.run(
        [
            str(brownie_bin / "python"),
            str(REFERENCE_SCRIPT),
            str(tmp_path / "input.json"),
            str(tmp_path / "output.json"),
            str(project),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert report["differences"] == {}
    assert report["compared"] == len(list((project / "build" / "contracts").glob("*.json")))
    # Brownie writes more (every contract solc saw) and deletes these on its next load:
    # none is a project contract in the export.
    assert not [
        name for name, path in report["missing"] if (project / path).is_file() and path.startswith("contracts/")
    ]
    assert report["pc_map_differences"] <= report["pc_map_entries"] // 1000

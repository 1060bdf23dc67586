"""Deployed example statutes for the citizens' checks, on the chain tests' session anvil.

Three compiles serve the whole session (each cached in `build/` by source
hash): the project's three example statutes; the same statutes with a rate
changed, as a dishonest deployer would build them; and the overtime
statute's generated Solidity with one comment added, which changes nothing
but the metadata hash.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Callable

import pytest

from chain import runner
from chain.client import Chain
from compiler.artifacts import Artifact, _artifact, _sources, compile_statutes, law_source_hash
from compiler.generate import generate
from compiler.solc import compile_standard_json, settings
from lawdsl.ast import Statute
from lawdsl.load import load_statute
from lawdsl.scenario import Scenario, load_scenario
from tests.chain.conftest import anvil, chain, session_chain  # noqa: F401  (fixtures)

STATUTES = Path(__file__).resolve().parents[2] / "statutes"
SCENARIOS = ("overtime-march", "vouchers-march", "procurement-wheat")
#: file → (text in it, tampered text): a rate in working-time code, a constant the voucher constructor writes
TAMPERINGS = {
    "overtime.law": ("earns 150% of the", "earns 175% of the"),
    "vouchers.law": ('"face value" is CNY 200.00', '"face value" is CNY 250.00'),
}
COMMENT = "\n// A comment: it changes the metadata hash and nothing else.\n"


def scenario(name: str) -> Scenario:
    return load_scenario(STATUTES / f"{name}.yaml")


@pytest.fixture(scope="session")
def examples() -> dict[str, Artifact]:
    """The example statutes (and the token and registry) compiled in one solc call."""
    return compile_statutes(scenario(name).statute for name in SCENARIOS)


@pytest.fixture(scope="session")
def tampered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Statute, Artifact]]:
    """By original file name: the statute with a rate changed and its artifact, which claims the
    original file's law source hash (a deployer registering other code under the official text)."""
    folder = tmp_path_factory.mktemp("tampered")
    statutes = {}
    for name, (text, changed) in TAMPERINGS.items():
        original = (STATUTES / name).read_text("utf-8")
        assert text in original
        (folder / name).write_text(original.replace(text, changed), "utf-8")
        statutes[name] = load_statute(folder / name)
    artifacts = compile_statutes(statutes.values())
    return {
        name: (
            statute,
            dataclasses.replace(
                artifacts[statute.header.title], law_source_hash=law_source_hash(load_statute(STATUTES / name))
            ),
        )
        for name, statute in statutes.items()
    }


@pytest.fixture(scope="session")
def commented(examples: dict[str, Artifact]) -> Artifact:
    """The overtime statute's contract compiled from its generated source with a comment added."""
    statute = scenario("overtime-march").statute
    contract = dataclasses.replace(generate(statute), source=generate(statute).source + COMMENT)
    input = {"language": "Solidity", "sources": _sources([contract]), "settings": settings()}
    output = compile_standard_json(input)
    return _artifact(output, contract.path, contract.name, contract.source, law_source_hash(statute))


@pytest.fixture
def run(
    chain: Chain,  # noqa: F811  (the chain tests' fixture)
    examples: dict[str, Artifact],  # noqa: F811  (the chain tests' fixture)
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., runner.Deployment]:
    """`run(scenario, artifact=None, statute=None)`: run it on chain, optionally with another
    statute's contract in place of the scenario's, and return the deployment (statute, registry)."""

    def run_scenario(
        played: Scenario, artifact: Artifact | None = None, statute: Statute | None = None
    ) -> runner.Deployment:
        if statute is not None:
            played = dataclasses.replace(played, statute=statute)
        title = played.statute.header.title
        artifacts = {**examples, title: artifact or examples[title]}
        deployed = []

        def deploy(*args: object) -> runner.Deployment:
            deployed.append(original(*args))
            return deployed[-1]

        original = runner.deploy
        with monkeypatch.context() as patch:
            patch.setattr(runner, "deploy", deploy)
            runner.run_on_chain(played, chain, artifacts)
        return deployed[0]

    return run_scenario

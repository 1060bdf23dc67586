"""The exported build meets every condition under which Brownie loads it without compiling.

No Brownie here (test_brownie_export.py runs the real one): these checks restate
Brownie 1.22.2's rules (`brownie/project/main.py`, `_compare_build_json`) so a
change to the exporter that would make Brownie recompile fails in seconds, with
the reason named.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from compiler.artifacts import compile_statutes
from compiler.brownie import export_brownie
from lawdsl.load import load_statute

STATUTE = Path(__file__).resolve().parents[2] / "statutes" / "overtime.law"
#: `brownie.project.build.BUILD_KEYS`: an artifact missing one is deleted and recompiled.
BUILD_KEYS = {
    "allSourcePaths",
    "bytecodeSha1",
    "coverageMap",
    "dependencies",
    "offset",
    "sha1",
    "source",
    "sourcePath",
    "abi",
    "ast",
    "bytecode",
    "compiler",
    "contractName",
    "deployedBytecode",
    "deployedSourceMap",
    "language",
    "natspec",
    "opcodes",
    "pcMap",
    "sourceMap",
    "type",
}


def brownie_contract_names(source: str) -> list[str]:
    """The names Brownie expects an artifact for (`brownie.project.sources.get_contract_names`)."""
    uncommented = re.sub(r"(?:\s*\/\/[^\n]*)|(?:\/\*[\s\S]*?\*\/)", "", source)
    blocks = re.findall(
        r"((?:abstract contract|contract|library|interface)\s[^;{]*{[\s\S]*?})\s*"
        r"(?=(?:abstract contract|contract|library|interface|pragma|struct|enum)\s|$)",
        uncommented,
    )
    names = []
    for block in blocks:
        match = re.findall(r"(abstract contract|contract|library|interface)\s+(\S*)\s*(?:is\s+([\s\S]*?)|)(?:{)", block)
        if match:
            names.append(match[0][1])
    return names


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "overtime-brownie"
    export_brownie([STATUTE], out)
    return out


def test_every_project_contract_has_a_current_artifact(project: Path) -> None:
    config = yaml.safe_load((project / "brownie-config.yaml").read_text())
    solc = config["compiler"]["solc"]
    assert solc["version"] == "0.8.30"  # pinned: Brownie never resolves (or downloads) a compiler
    build = project / "build" / "contracts"
    sources = sorted((project / "contracts").rglob("*.sol"))
    assert sources
    for path in sources:
        text = path.read_text()
        for name in brownie_contract_names(text):
            artifact = json.loads((build / f"{name}.json").read_text())
            assert BUILD_KEYS <= artifact.keys(), f"{name}: missing {BUILD_KEYS - artifact.keys()}"
            assert artifact["sourcePath"] == path.relative_to(project).as_posix()
            assert artifact["sha1"] == hashlib.sha1(text.encode()).hexdigest()
            assert artifact["compiler"]["optimizer"] == solc["optimizer"]
            assert artifact["compiler"]["version"].startswith("0.8.30+commit.")


def test_artifact_sources_and_dependencies_are_in_the_project(project: Path) -> None:
    build = project / "build" / "contracts"
    names = {path.stem for path in build.glob("*.json")}
    for path in build.glob("*.json"):
        artifact = json.loads(path.read_text())
        assert (project / artifact["sourcePath"]).is_file()
        assert all((project / source).is_file() for source in artifact["allSourcePaths"].values())
        if artifact["sourcePath"].startswith("contracts/"):
            # what Brownie keeps beside the project's own artifacts: those they depend on
            assert set(artifact["dependencies"]) <= names


def test_bytecode_is_what_lawdsl_compile_builds(project: Path) -> None:
    """Same sources, paths and settings: `lawdsl verify` accepts a Brownie deployment."""
    artifacts = compile_statutes([load_statute(STATUTE)])
    for artifact in artifacts.values():
        exported = json.loads((project / "build" / "contracts" / f"{artifact.contract_name}.json").read_text())
        assert "0x" + exported["bytecode"] == artifact.bytecode
        assert "0x" + exported["deployedBytecode"] == artifact.runtime_bytecode


def test_pc_map_names_functions_and_source_places(project: Path) -> None:
    artifact = json.loads((project / "build" / "contracts" / "WorkingHoursAndOvertimePayActV2.json").read_text())
    entries = artifact["pcMap"].values()
    assert {"WorkingTimeStatute.submitPunches", "WageQueue.deposit"} <= {e.get("fn") for e in entries}
    assert all(entry["path"] in artifact["allSourcePaths"] for entry in entries if "path" in entry)

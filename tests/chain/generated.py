"""Generated statutes compiled in one solc call, a failure reported as the bug it is.

Shared by the compile property test and the differential tests that run on
statutes drawn by tests/strategies/statutes.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler.artifacts import Artifact, compile_statutes
from compiler.naming import contract_name
from compiler.solc import CompilerError
from lawdsl.ast import Statute
from tests.strategies.statutes import checked, titled, written


def compile_or_report(statutes: list[Statute], build_dir: Path) -> dict[str, Artifact]:
    """One solc call for the batch; a failure names the statute solc refused, as its text."""
    try:
        return compile_statutes(statutes, build_dir)
    except CompilerError as error:
        refused = set(re.findall(r"contracts/generated/(\w+)\.sol", str(error)))
        texts = [written(s) for s in statutes if contract_name(s) in refused] or [written(s) for s in statutes]
        pytest.fail(
            "a bug in lawdsl: a statute that lawdsl check accepts does not compile\n"
            + "\n".join(texts)
            + f"\nsolc says:\n{error}"
        )


def compiled_batch(drawn: list[Statute], build_dir: Path) -> tuple[list[Statute], dict[str, Artifact]]:
    """Drawn statutes titled apart, read back through the checker, and compiled in one solc call."""
    statutes = [checked(titled(statute, f"Generated Statute {index + 1}")) for index, statute in enumerate(drawn)]
    return statutes, compile_or_report(statutes, build_dir)

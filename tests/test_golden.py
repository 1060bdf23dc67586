"""The Solidity generated for every example statute in statutes/, compared with the reviewed copy in
tests/golden/ (one `<statute file name>.sol` each).

A change of the generated code shows as a unified diff. When the change is
meant, regenerate and review the files' diff before committing:

    PYTHONPATH=$PWD .venv/bin/python -m pytest -q tests/test_golden.py --update-golden
    (or LAWDSL_UPDATE_GOLDEN=1)
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from compiler.generate import generate
from lawdsl.load import load_statute

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
STATUTES = sorted((ROOT / "statutes").glob("*.law"))


def golden_path(statute: Path) -> Path:
    return GOLDEN / f"{statute.name.removesuffix('.law')}.sol"


@pytest.mark.parametrize("statute", STATUTES, ids=[path.name for path in STATUTES])
def test_the_generated_solidity_is_the_reviewed_one(statute: Path, update_golden: bool) -> None:
    source = generate(load_statute(statute)).source
    expected_file = golden_path(statute)
    if update_golden:
        expected_file.write_text(source, "utf-8")
        return
    assert expected_file.exists(), f"no {expected_file.relative_to(ROOT)}: run with --update-golden and review it"
    expected = expected_file.read_text("utf-8")
    if source != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                source.splitlines(keepends=True),
                str(expected_file.relative_to(ROOT)),
                f"generated from {statute.name}",
            )
        )
        pytest.fail(f"the generated Solidity changed (--update-golden accepts it):\n{diff}", pytrace=False)


def test_every_golden_file_belongs_to_a_statute() -> None:
    """A statute removed from statutes/ takes its golden file with it."""
    assert sorted(GOLDEN.glob("*.sol")) == sorted(map(golden_path, STATUTES))

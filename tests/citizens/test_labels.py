"""The operator's local label file: names for addresses, read by that operator's commands only."""

from __future__ import annotations

from pathlib import Path

import pytest

from citizens.labels import load_labels, name_of
from lawdsl.cli import UsageError

ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


def test_labels_are_read_checksummed_with_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "labels"
    path.write_text(f"# my team\n\n{ALICE.lower()}  alice smith  # payroll\n", "utf-8")
    labels = load_labels(path)
    assert labels == {ALICE: "alice smith"}
    assert name_of(ALICE, labels) == "alice smith"
    assert name_of("0x" + "ab" * 20, labels) == "0xabab…abab" and name_of(None, labels) == "—"


def test_a_bad_line_is_named_by_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "labels"
    path.write_text(f"{ALICE} alice\n0x1234 bob\n", "utf-8")
    with pytest.raises(UsageError, match=r"labels:2: expected `0xADDRESS NAME`, found '0x1234 bob'"):
        load_labels(path)
    with pytest.raises(UsageError, match="--labels .*missing: No such file"):
        load_labels(tmp_path / "missing")

"""CSV import: header by name, rows admitted in time order, bad rows quarantined with their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from oracles.devices.csv_import import CsvFormatError, import_csv, import_csv_text
from oracles.devices.intake import Intake
from oracles.devices.records import CanonicalPunch, Quarantined, Reason
from oracles.outbox import Outbox

from .conftest import at

EXPORT = """\
employee,kind,time,device,note
bob,out,2026-03-09 17:00:00+08:00,gate-1,
bob,in,2026-03-09 09:00:00+08:00,gate-1,sorted by employee: admitted after 09:00 anyway
alice,in,2026-03-09T00:00:00Z,CQZ7224460246,UTC is fine
alice,out,2026-03-09 18:00,gate-1,no offset: the terminal's wall clock
carol,in,2026-03-09 08:00:00+08:00,gate-9,
mallory,in,2026-03-09 08:00:00+08:00,gate-1,
alice,sideways,2026-03-09 12:00:00+08:00,gate-1,
alice,in,yesterday,gate-1,
alice,in,,gate-1,
alice,in
,,,,
carol,in,2026-03-09 08:30:00+08:00,gate-2,
"""


def test_rows_become_punches_or_quarantine_with_line_numbers(intake: Intake, outbox: Outbox, tmp_path: Path) -> None:
    path = tmp_path / "march.csv"
    path.write_text("\ufeff" + EXPORT, encoding="utf-8")  # as a spreadsheet saves it
    results = import_csv(path, intake)
    assert len(results) == 11  # every non-empty row has an answer, in file order
    assert [(r.employee, r.kind, r.at) for r in results if isinstance(r, CanonicalPunch)] == [
        ("bob", "out", at("2026-03-09 17:00")),
        ("bob", "in", at("2026-03-09 09:00")),
        ("alice", "in", at("2026-03-09 08:00")),
        ("alice", "out", at("2026-03-09 18:00")),
        ("carol", "in", at("2026-03-09 08:30")),
    ]
    assert [(p.employee, p.kind) for p in outbox.pending(10)] == [  # admitted in time order
        ("alice", "in"),
        ("carol", "in"),
        ("bob", "in"),
        ("bob", "out"),
        ("alice", "out"),
    ]
    assert [p.source for p in outbox.pending(10)][:2] == ["csv:march.csv:4", "csv:march.csv:13"]
    assert {(q.source, q.reason, q.detail) for q in results if isinstance(q, Quarantined)} == {
        ("csv:march.csv:6", Reason.UNKNOWN_DEVICE, "no device with serial or label 'gate-9'"),
        ("csv:march.csv:7", Reason.UNKNOWN_EMPLOYEE, "employee 'mallory' is not configured"),
        ("csv:march.csv:8", Reason.MALFORMED, "kind 'sideways' is not 'in' or 'out'"),
        ("csv:march.csv:9", Reason.MALFORMED, "time 'yesterday' is not ISO 8601 (like 2026-03-02 08:00:00+08:00)"),
        ("csv:march.csv:10", Reason.MALFORMED, "empty time"),
        ("csv:march.csv:11", Reason.MALFORMED, "2 field(s) where the header has 5"),
    }


def test_importing_the_same_file_again_sends_nothing_twice(intake: Intake, outbox: Outbox) -> None:
    import_csv_text(EXPORT, intake, "march.csv")
    again = import_csv_text(EXPORT, intake, "march.csv")
    assert outbox.counts()["pending"] == 5 and sum(type(r).__name__ == "Redelivered" for r in again) == 5


@pytest.mark.parametrize("text", ["", "employee,time,kind\nalice,2026-03-09 08:00,in\n"])
def test_a_file_without_the_columns_is_refused_whole(intake: Intake, outbox: Outbox, text: str) -> None:
    with pytest.raises(
        CsvFormatError, match="march.csv: the header must name the columns device, employee, time, kind"
    ):
        import_csv_text(text, intake, "march.csv")
    assert outbox.counts()["quarantined"] == 0


def test_a_file_that_is_not_csv_is_refused_whole(intake: Intake, outbox: Outbox) -> None:
    text = 'device,employee,time,kind\ngate-1,alice,2026-03-09 08:00:00+08:00,in\ngate-1,bob,"2026"x,in\n'
    with pytest.raises(CsvFormatError, match="march.csv:3: not readable as CSV"):
        import_csv_text(text, intake, "march.csv")
    assert outbox.counts()["pending"] == 0  # alice's good row went with the rest

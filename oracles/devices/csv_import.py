"""Import punches from a CSV file: `device,employee,time,kind` with a header row.

For sites whose terminals speak neither protocol, and for back-filling
records exported from another time system. `device` is a configured serial or
label; `employee` an employee label from the configuration (not a PIN: an
export has already resolved those); `time` ISO 8601, e.g.
`2026-03-02 08:00:00+08:00` (without an offset it is the device's wall
clock); `kind` `in` or `out`. Other columns are ignored.

An export is usually sorted by employee, not by time, so valid rows are
admitted in time order; "out of order" then only means earlier than a punch
the outbox already had. Bad rows are quarantined with their line number in
the source (`csv:<file>:<line>`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .intake import Intake
from .records import KINDS, Admission, Kind, Reason

COLUMNS = ("device", "employee", "time", "kind")


class CsvFormatError(ValueError):
    """The file as a whole is unusable (missing columns, broken quoting); no row was admitted."""


def import_csv(path: str | Path, intake: Intake) -> list[Admission]:
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as stream:  # -sig: spreadsheet exports start with a BOM
        return import_csv_text(stream.read(), intake, path.name)


def import_csv_text(text: str, intake: Intake, name: str) -> list[Admission]:
    """Admit every row (one outbox transaction); the result is in file order."""
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        with intake.batch():
            return _import_rows(reader, intake, name)
    except csv.Error as exc:  # broken quoting: the file's structure is wrong, not one row
        raise CsvFormatError(f"{name}:{reader.line_num}: not readable as CSV: {exc}") from exc


def _import_rows(reader: Iterator[list[str]], intake: Intake, name: str) -> list[Admission]:
    header = [column.strip().lower() for column in next(reader, [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise CsvFormatError(
            f"{name}: the header must name the columns {', '.join(COLUMNS)}; "
            f"missing {', '.join(missing)} (found {', '.join(header) or 'no header'})"
        )
    results: dict[int, Admission] = {}
    valid: list[_Row] = []
    for fields in reader:
        line, record = reader.line_num, ",".join(fields)  # type: ignore[attr-defined]
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            problem: str | _Row = f"{len(fields)} field(s) where the header has {len(header)}"
        else:
            problem = _parse(line, record, {column: fields[header.index(column)].strip() for column in COLUMNS})
        if isinstance(problem, str):
            results[line] = intake.reject(record, f"csv:{name}:{line}", Reason.MALFORMED, problem)
        else:
            valid.append(problem)
    for row in sorted(valid, key=lambda row: (_instant(intake, row), row.line)):
        results[row.line] = intake.labelled_record(
            row.record, f"csv:{name}:{row.line}", row.device, row.employee, row.at, row.kind
        )
    return [results[line] for line in sorted(results)]


@dataclass(frozen=True)
class _Row:
    line: int
    record: str
    device: str
    employee: str
    at: dt.datetime  # naive when the file gave no offset
    kind: Kind


def _parse(line: int, record: str, row: dict[str, str]) -> _Row | str:
    """The row's values, or what is wrong with them."""
    for column in COLUMNS:
        if not row[column]:
            return f"empty {column}"
    kind = row["kind"].lower()
    if kind not in KINDS:
        return f"kind {row['kind']!r} is not 'in' or 'out'"
    try:
        at = dt.datetime.fromisoformat(row["time"])
    except ValueError:
        return f"time {row['time']!r} is not ISO 8601 (like 2026-03-02 08:00:00+08:00)"
    return _Row(line, record, row["device"], row["employee"], at, kind)


def _instant(intake: Intake, row: _Row) -> dt.datetime:
    """For sorting: a naive time is read on its device's clock (UTC for an unknown device,
    whose rows are quarantined wherever they fall)."""
    if row.at.tzinfo:
        return row.at
    device = intake.config.find_device(row.device)
    return row.at.replace(tzinfo=device.zone if device else dt.timezone.utc)

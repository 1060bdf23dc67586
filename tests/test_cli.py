"""The `lawdsl` command line end to end, as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import STATUTES

SCENARIOS = sorted(STATUTES.glob("*.yaml"))


def lawdsl(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lawdsl.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_every_project_scenario_meets_its_expectations() -> None:
    result = lawdsl("test", *map(str, SCENARIOS))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("PASS") == len(SCENARIOS)


def test_simulate_json_is_the_spec_outcome() -> None:
    result = lawdsl("simulate", str(STATUTES / "overtime-march.yaml"), "--json")
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert list(outcome) == ["statute", "version", "payments", "arrears", "violations", "rejected", "balances"]
    assert outcome["statute"] == "Working Hours and Overtime Pay Act" and outcome["version"] == 2
    assert outcome["payments"][0] == {
        "event": 5,
        "from": "acme",
        "to": "alice",
        "amount": "180.00",
        "currency": "CNY",
        "article": "44.1",
    }
    assert outcome["violations"] == [
        {"event": 7, "article": "41", "employer": "acme", "employee": "alice", "period": "2026-03-03"}
    ]
    assert [r["event"] for r in outcome["rejected"]] == [13, 14]
    assert outcome["balances"] == {"acme": "95000.00", "alice": "450.00", "bob": "532.50"}


def test_simulate_table_names_payments_and_balances() -> None:
    result = lawdsl("simulate", str(STATUTES / "procurement-wheat.yaml"))
    assert result.returncode == 0
    assert "CNY 1713900.00" in result.stdout and "Balances" in result.stdout


def test_test_reports_a_diff_and_exits_1_on_mismatch(tmp_path: Path) -> None:
    shutil.copy(STATUTES / "overtime.law", tmp_path)
    text = (STATUTES / "overtime-march.yaml").read_text("utf-8").replace("CNY 292.50", "CNY 292.49")
    (tmp_path / "s.yaml").write_text(text, "utf-8")
    result = lawdsl("test", str(tmp_path / "s.yaml"))
    assert result.returncode == 1
    assert "-expected {event: 16, from: acme, to: bob, amount: CNY 292.49" in result.stderr
    assert "+actual   {event: 16, from: acme, to: bob, amount: CNY 292.50" in result.stderr


def test_fmt_check_then_fmt_in_place(tmp_path: Path) -> None:
    path = tmp_path / "p.law"
    path.write_text((STATUTES / "procurement.law").read_text("utf-8").replace("each bid carries", "each  bid\ncarries"))
    assert lawdsl("fmt", "--check", str(path)).returncode == 1
    assert lawdsl("fmt", str(path)).returncode == 0
    assert lawdsl("fmt", "--check", str(path)).returncode == 0
    assert lawdsl("check", str(path)).returncode == 0


BAD_SCENARIOS = [
    (
        "unknown event kind",
        "  - punch: {device: gate-1",
        "  - punsh: {device: gate-1",
        "event 4: unknown event kind 'punsh'; did you mean 'punch'?",
    ),
    (
        "missing field",
        "alice, at: 2026-03-02T09:00:00+08:00, kind: in}",
        "alice, at: 2026-03-02T09:00:00+08:00}",
        "event 4 (punch): missing field 'kind'",
    ),
    (
        "bad money",
        "hourly wage: CNY 40.00}",
        "hourly wage: CNY 40.001}",
        "event 0 (employ): field 'hourly wage': CNY has 2 minor digits; '40.001' has 3",
    ),
    (
        "wrong currency",
        "hourly wage: CNY 40.00}",
        "hourly wage: USD 40.00}",
        "event 0 (employ): field 'hourly wage': expected CNY, found USD",
    ),
    (
        "time going backwards",
        "2026-03-03T08:00:00+08:00, kind: in}",
        "2026-03-01T08:00:00+08:00, kind: in}",
        "event 6 (punch): 2026-03-01T08:00:00+08:00 is before the previous event's time",
    ),
    (
        "unknown field",
        "kind: in}    # 4",
        "kinds: in}    # 4",
        "event 4 (punch): unknown field 'kinds'; did you mean 'kind'?",
    ),
    (
        "bad time",
        "at: 2026-03-02T09:00:00+08:00, kind: in}",
        "at: 2026-03-02T25:00:00+08:00, kind: in}",
        "event 4 (punch): field 'at' must be a time like",
    ),
]


@pytest.mark.parametrize("label, old, new, message", BAD_SCENARIOS, ids=[b[0] for b in BAD_SCENARIOS])
def test_bad_scenarios_name_the_event_and_field(tmp_path: Path, label: str, old: str, new: str, message: str) -> None:
    shutil.copy(STATUTES / "overtime.law", tmp_path)
    text = (STATUTES / "overtime-march.yaml").read_text("utf-8")
    assert old in text
    (tmp_path / "s.yaml").write_text(text.replace(old, new, 1), "utf-8")
    result = lawdsl("simulate", str(tmp_path / "s.yaml"))
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(str(tmp_path / "s.yaml") + ":") and message in first, result.stderr
    assert "Traceback" not in result.stderr


def test_a_scenario_naming_a_bad_statute_shows_the_statute_error(tmp_path: Path) -> None:
    (tmp_path / "overtime.law").write_text(
        (STATUTES / "overtime.law").read_text().replace("standard day earns", "standard dya earns")
    )
    shutil.copy(STATUTES / "overtime-march.yaml", tmp_path)
    result = lawdsl("simulate", str(tmp_path / "overtime-march.yaml"))
    assert result.returncode == 1
    assert "overtime.law:32:45: error: unknown term 'standard dya'" in result.stderr


def test_a_scenario_cannot_read_a_statute_outside_its_folder(tmp_path: Path) -> None:
    """Issue 15: `statute:` named any file, and the error printed its first line."""
    secret = tmp_path / "secret.law"
    secret.write_text("root:x:0:0:the first line of a secret\n", "utf-8")
    (tmp_path / "scenarios").mkdir()
    text = (STATUTES / "overtime-march.yaml").read_text("utf-8")
    for named in ("../secret.law", str(secret), "/etc/passwd"):
        scenario = tmp_path / "scenarios" / "s.yaml"
        scenario.write_text(text.replace("statute: overtime.law", f"statute: {named}", 1), "utf-8")
        result = lawdsl("simulate", str(scenario))
        assert result.returncode == 1 and "outside the scenario's folder; give it on the command line" in result.stderr
        assert "root:" not in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "scenarios" / "notes.txt").write_text("private notes\n", "utf-8")
    scenario.write_text(text.replace("statute: overtime.law", "statute: notes.txt", 1), "utf-8")
    result = lawdsl("simulate", str(scenario))
    assert "is not a .law file" in result.stderr and "private" not in result.stderr
    # the person running it may name any statute on the command line
    result = lawdsl("test", str(scenario), "--statute", str(STATUTES / "overtime.law"))
    assert result.returncode == 0, result.stderr


def test_deep_yaml_nesting_is_refused_quickly(tmp_path: Path) -> None:
    """Issue 15: 100,000 nested `[` burned 82 s of CPU, then reported a bug in lawdsl."""
    shutil.copy(STATUTES / "overtime.law", tmp_path)
    scenario = tmp_path / "deep.yaml"
    scenario.write_text("statute: overtime.law\nevents: " + "[" * 100_000 + "\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "lawdsl.cli", "simulate", str(scenario)],
        capture_output=True,
        check=False,
        text=True,
        timeout=20,
    )
    assert result.returncode == 1
    assert f"{scenario}:2:73" in result.stderr and "nested more than 64 levels deep" in result.stderr
    assert len(result.stderr) < 500 and "bug" not in result.stderr


def test_fmt_reads_files_as_check_does(tmp_path: Path) -> None:
    """Issue 15: `fmt` on a binary file crashed with UnicodeDecodeError where `check` was clean."""
    binary = tmp_path / "blob.law"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    check, fmt = lawdsl("check", str(binary)), lawdsl("fmt", str(binary))
    assert check.returncode == fmt.returncode == 1
    assert fmt.stderr == check.stderr and "not UTF-8 text" in fmt.stderr


def test_output_lines_are_never_cut_in_a_pipe(tmp_path: Path) -> None:
    """Rich cut printed lines at 80 columns when the output was a pipe: `FILE: ok` for a long path
    came out in two lines, and so did a diagnostic's source line under its caret."""
    folder = tmp_path / ("a-folder-whose-name-is-long-enough-to-pass-eighty-columns-" * 2)
    folder.mkdir()
    good = folder / "overtime.law"
    shutil.copy(STATUTES / "overtime.law", good)
    bad = folder / "bad.law"
    bad.write_text(good.read_text().replace('"standard day"', '"standard dya"', 1))
    assert f"{good}: ok\n" in lawdsl("check", str(good)).stdout
    errors = lawdsl("check", str(bad)).stderr
    assert errors.startswith(f"{bad}:") and "\n" not in errors.split(": error: ", 1)[0], errors

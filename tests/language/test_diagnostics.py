"""Every class of bad statute gives the docs/language.md diagnostic at the right place."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lawdsl.diagnostics import StatuteError
from lawdsl.load import load_text
from tests.conftest import statute_text

OVERTIME = statute_text("overtime.law")
VOUCHERS = statute_text("vouchers.law")


def diagnose(text: str) -> str:
    with pytest.raises(StatuteError) as caught:
        load_text(text, "bad.law")
    return caught.value.render()


CASES = [
    (
        "typo in a name",
        OVERTIME.replace("beyond the standard day", "beyond the standard dya"),
        "bad.law:32:45: error: unknown term 'standard dya'; did you mean 'standard day'?",
    ),
    (
        "wrong type",
        OVERTIME.replace("earns 150%", "earns CNY 5.00"),
        "bad.law:32:64: error: expected a percentage, found money",
    ),
    (
        "wrong type through a term",
        OVERTIME.replace("beyond the standard day", "beyond the employer"),
        "bad.law:32:45: error: expected a duration, found the party 'employer'",
    ),
    (
        "impossible date",
        OVERTIME.replace("2026-02-17", "2026-02-30"),
        "bad.law:25:35: error: impossible date 2026-02-30: February 2026 has 28 days",
    ),
    (
        "duplicate article",
        OVERTIME.replace("article 41 ", "article 44.1 "),
        "bad.law:46:1: error: article 44.1 is already defined at line 29",
    ),
    (
        "missing required sentence",
        OVERTIME.replace('article 50 "Payment of wages":\n  the employer pays the employee at each clock-out.', ""),
        "bad.law:1:1: error: a working time statute needs the payment sentence",
    ),
    (
        "wrong currency",
        OVERTIME.replace('"standard day" is 8 hours.', '"standard day" is 8 hours.\n  "bonus" is USD 5.00.'),
        "bad.law:22:3: error: expected CNY, found USD",
    ),
    (
        "unknown currency",
        OVERTIME.replace("currency CNY", "currency CNX"),
        "bad.law:6:12: error: unknown currency 'CNX'; did you mean 'CNY'?",
    ),
    (
        "unknown party kind",
        OVERTIME.replace('"employer" is a firm', '"employer" is a frim'),
        "bad.law:16:19: error: unknown party kind 'frim'; expected firm, worker, device, agency or citizen; did you mean 'firm'?",
    ),
    (
        "unterminated text block",
        OVERTIME.replace('normal wages."""', "normal wages.", 1),
        'bad.law:30:3: error: unterminated text block: """ opened here is never closed',
    ),
    (
        "missing period",
        OVERTIME.replace("of the\n  hourly wage.", "of the\n  hourly wage"),
        "bad.law:33:14: error: missing '.' at the end of the sentence (found 'article')",
    ),
    ("empty file", "", 'bad.law:1:1: error: empty statute: a statute begins with statute "<title>"'),
    (
        "misspelt keyword",
        OVERTIME.replace("each hour worked beyond", "each hour workd beyond"),
        "bad.law:32:27: error: expected 'of' or 'worked', found 'workd'; did you mean 'worked'?",
    ),
    (
        "bad article id",
        OVERTIME.replace('article 44.1 "', 'article 7.a "'),
        "bad.law:29:9: error: article id '7.a' is not a dotted number like 44 or 44.1",
    ),
    (
        "second single-valued sentence",
        VOUCHERS.replace(
            "vouchers are not transferable.", "vouchers are not transferable.\n  vouchers are transferable."
        ),
        "bad.law:43:3: error: a second transfer sentence; the first is at line 42",
    ),
    (
        "rule of another domain",
        OVERTIME.replace(
            "the employer pays the employee at each clock-out.",
            "the employer pays the employee at each clock-out.\n  vouchers are transferable.",
        ),
        "bad.law:56:3: error: a transfer rule belongs to vouchers statutes; this statute governs working time",
    ),
    (
        "too many decimals",
        OVERTIME.replace("earns 150%", "earns 150.00001%"),
        "bad.law:32:64: error: a percentage has at most 4 decimals",
    ),
    (
        "role of the wrong kind",
        OVERTIME.replace("the employer pays the employee", "the employee pays the employer"),
        "bad.law:55:7: error: expected a firm here, found 'employee', which is a worker",
    ),
    (
        "duplicate name",
        OVERTIME.replace('"daily overtime limit" is 3 hours.', '"standard day" is 3 hours.'),
        "bad.law:22:3: error: 'standard day' is already declared at line 21",
    ),
]


@pytest.mark.parametrize("label, text, expected", CASES, ids=[c[0] for c in CASES])
def test_diagnostic(label: str, text: str, expected: str) -> None:
    rendered = diagnose(text)
    assert rendered.splitlines()[0].startswith(expected), rendered


def test_caret_sits_under_the_column() -> None:
    rendered = diagnose(OVERTIME.replace("beyond the standard day", "beyond the standard dya"))
    head, line, caret = rendered.splitlines()[:3]
    column = int(head.split(":")[2])
    assert caret.index("^") == column - 1
    assert line[column - 1 :].startswith("standard dya")


def test_all_problems_are_reported_at_once() -> None:
    text = OVERTIME.replace("the standard day", "the standard dya").replace("earns 200%", "earns CNY 2.00")
    assert len(diagnose(text).split("error:")) - 1 == 2


def test_check_command_exits_1_with_gnu_errors_and_no_traceback(tmp_path) -> None:
    bad = tmp_path / "bad.law"
    bad.write_text(OVERTIME.replace("the standard day", "the standard dya"), "utf-8")
    good = tmp_path / "good.law"
    good.write_text(OVERTIME, "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "lawdsl.cli", "check", str(good), str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"{bad}:32:45: error: unknown term 'standard dya'")
    assert "Traceback" not in result.stderr
    assert f"{good}: ok" in result.stdout

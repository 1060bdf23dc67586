"""The mistakes legislators make, each with its exact message (docs/language.md, "Errors" and
"Warnings"): rates written as multiples, abbreviated units, thousands separators, pasted quotes and
punctuation, words out of order, misspelt parties, values beyond what a contract holds, and
sentences that are valid but can never apply or never pay."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lawdsl.check.lint import lint
from lawdsl.diagnostics import StatuteError
from lawdsl.load import load_text
from tests.conftest import ROOT, statute_text

OVERTIME = statute_text("overtime.law")
OVERTIME_ZH = statute_text("overtime.zh.law")
VOUCHERS = statute_text("vouchers.law")


def first_error(text: str, name: str = "bad.law") -> str:
    with pytest.raises(StatuteError) as caught:
        load_text(text, name)
    return caught.value.render().splitlines()[0]


ERRORS = [
    (
        "rate as a multiple",
        OVERTIME.replace("earns 150% of the", "earns 1.5x of the"),
        "bad.law:32:64: error: write a rate as a percentage: 1.5 times is 150%",
    ),
    (
        "rate in times",
        OVERTIME.replace("earns 150% of the", "earns 1.5 times the"),
        "bad.law:32:64: error: write a rate as a percentage: 1.5 times is 150%",
    ),
    (
        "percent as a word",
        OVERTIME.replace("earns 150% of the", "earns 125 percent of the"),
        "bad.law:32:64: error: write a percentage with the % sign: 125%",
    ),
    (
        "abbreviated unit",
        OVERTIME.replace('"standard day" is 8 hours.', '"standard day" is 8 hrs.'),
        "bad.law:21:21: error: write the unit as a word: '8 hours', not '8 hrs'",
    ),
    (
        "thousands separator in a number",
        OVERTIME.replace('"monthly overtime limit" is 36 hours.', '"monthly overtime limit" is 1,000 hours.'),
        "bad.law:23:31: error: write numbers without a thousands separator: '1000'",
    ),
    (
        "thousands separator in money",
        VOUCHERS.replace("CNY 200.00", "CNY 1,200.00"),
        "bad.law:21:19: error: write numbers without a thousands separator: '1200.00'",
    ),
    (
        "smart quotes",
        OVERTIME.replace('"standard day" is 8 hours.', "\u201cstandard day\u201d is 8 hours."),
        'bad.law:21:3: error: smart quotes are not quotes here; write straight quotes: "standard day"',
    ),
    (
        "full-width full stop",
        OVERTIME.replace('"standard day" is 8 hours.', '"standard day" is 8 hours\u3002'),
        "bad.law:21:28: error: full-width '\u3002' in an English statute; write '.'",
    ),
    (
        "full-width comma",
        OVERTIME.replace("Saturday and Sunday", "Saturday\uff0cSunday"),
        "bad.law:24:25: error: full-width '\uff0c' in an English statute; write ','",
    ),
    (
        "rate after the wage",
        OVERTIME.replace("earns 150% of the\n  hourly wage", "earns of the hourly wage 150%"),
        "bad.law:32:83: error: '150%' is out of place: expected an earning rule, like 'each hour worked beyond "
        "8 hours earns 150% of the hourly wage.'",
    ),
    (
        "period before the limit",
        OVERTIME.replace(
            "overtime beyond the daily overtime limit in a day is a",
            "overtime in a day beyond the daily overtime limit is a",
        ),
        "bad.law:50:26: error: 'in' is out of place: expected a limit sentence, like 'overtime beyond 36 hours in "
        "a month is a violation.'",
    ),
    (
        "misspelt payee suggests the worker, not the firm",
        OVERTIME.replace("the employer pays the employee", "the employer pays the employe"),
        "bad.law:55:25: error: unknown party 'employe'; did you mean 'employee'?",
    ),
    (
        "a percentage beyond a contract",
        OVERTIME.replace("earns 300%", "earns 2000000%"),
        "bad.law:44:47: error: a percentage can be at most 1,000,000%",
    ),
    (
        "a duration beyond a contract",
        OVERTIME.replace('"standard day" is 8 hours.', '"standard day" is 200000 weeks.'),
        "bad.law:21:3: error: a duration can be at most 100,000 weeks",
    ),
    (
        "a negative amount",
        VOUCHERS.replace("CNY 200.00", "CNY -5.00"),
        "bad.law:21:3: error: an amount cannot be negative; found CNY -5.00",
    ),
    (
        "an amount beyond a contract",
        VOUCHERS.replace("CNY 200.00", "CNY 200000000000000000.00"),
        "bad.law:21:3: error: an amount can be at most CNY 184467440737095516.15",
    ),
    (
        "a date before 1970",
        OVERTIME.replace("effective 2026-01-01", "effective 1969-12-31"),
        "bad.law:1:1: error: date 1969-12-31 is outside the dates a statute can name (1970-01-02 to 9999-12-30)",
    ),
    (
        "holidays over more than 5 years",
        OVERTIME.replace("2026-10-03.", "2032-10-03."),
        "bad.law:25:3: error: public holidays can span at most 5 years; 2026-01-01 to 2032-10-03 is longer",
    ),
    (
        "a huge version",
        OVERTIME.replace("version 2", "version 2000000000"),
        "bad.law:1:1: error: a version number can be at most 1,000,000,000",
    ),
    (
        "a long article number",
        OVERTIME.replace("article 41 ", "article 1.2.3.4.5.6.7.8.9.10.11.12.13.14.15 "),
        "bad.law:46:1: error: an article number can be at most 12 characters long",
    ),
]


@pytest.mark.parametrize("label, text, expected", ERRORS, ids=[c[0] for c in ERRORS])
def test_error_message(label: str, text: str, expected: str) -> None:
    assert first_error(text) == expected


ERRORS_ZH = [
    (
        "smart quotes",
        OVERTIME_ZH.replace("「标准工作日」为 8 小时。", "\u201c标准工作日\u201d为 8 小时。"),
        "bad.zh.law:20:3: error: 此处的引号须写作「」：「标准工作日」",
    ),
    (
        "thousands separator",
        OVERTIME_ZH.replace("「每月加班上限」为 36 小时。", "「每月加班上限」为 1,000 小时。"),
        "bad.zh.law:22:13: error: 数字不能使用千位分隔符：请写作 1000",
    ),
    (
        "abbreviated unit",
        OVERTIME_ZH.replace("「标准工作日」为 8 小时。", "「标准工作日」为 8 hrs。"),
        "bad.zh.law:20:12: error: 时长单位须写全：「8 小时」，而非「8 hrs」",
    ),
    (
        "rate as a multiple",
        OVERTIME_ZH.replace("按小时工资的 150% 计发", "按小时工资的 1.5 倍计发"),
        "bad.zh.law:29:29: error: 比率须写作百分比：1.5 倍即 150%",
    ),
]


@pytest.mark.parametrize("label, text, expected", ERRORS_ZH, ids=[c[0] for c in ERRORS_ZH])
def test_error_message_in_chinese(label: str, text: str, expected: str) -> None:
    assert first_error(text, "bad.zh.law") == expected


def test_misspelt_party_in_chinese_suggests_the_right_kind() -> None:
    text = OVERTIME_ZH.replace("用人单位在每次下班打卡时向劳动者支付", "用人单位在每次下班打卡时向劳动着支付")
    assert first_error(text, "bad.zh.law") == "bad.zh.law:46:16: error: 未知当事人「劳动着」；您是否指「劳动者」？"


def test_too_many_earning_rules_for_a_contract() -> None:
    rules = "\n".join(
        f"  each hour worked beyond {hours} hours earns {100 + hours}% of the hourly wage." for hours in range(1, 11)
    )
    text = OVERTIME.replace(
        'article 50 "Payment of wages":', f'article 60 "Many":\n{rules}\n\narticle 50 "Payment of wages":'
    )
    assert first_error(text) == (
        "bad.law:60:3: error: a working time statute can have at most 8 earning sentences; this is one more"
    )


# ---------------------------------------------------------------- warnings


def warnings_of(text: str, name: str = "warn.law") -> list[str]:
    return [w.render(None) for w in lint(load_text(text, name))]


def test_the_project_statutes_have_no_warnings() -> None:
    for path in sorted((ROOT / "statutes").glob("*.law")):
        assert lint(load_text(path.read_text("utf-8"), str(path))) == [], path


def test_a_premium_written_as_a_premium_never_pays() -> None:
    text = OVERTIME.replace(
        "on a workday, each hour worked beyond the standard day earns 150% of the\n  hourly wage.",
        "each hour worked earns 100% of the hourly wage.\n"
        "  each hour worked beyond the standard day earns 25% of the hourly wage.",
    )
    assert warnings_of(text) == [
        "warn.law:33:3: warning: this rule never pays: article 44.1 ('each hour worked earns 100% of the hourly "
        "wage') applies to every minute this rule does, at 100%; rates never stack, the highest wins and ties go "
        "to the earlier article (to add a premium to the rate in force, write 'earns an additional 25% of the hourly wage')",
        # and the workday overtime limit: the 25% rule was the only premium on workdays
        "warn.law:50:3: warning: this limit can never be exceeded: no earning rule that applies here pays more "
        "than 100% of the hourly wage, so there is no overtime to count",
    ]


def test_a_weekly_rule_below_a_daily_one_with_a_lower_threshold_is_not_flagged() -> None:
    """A weekly threshold is not implied by a daily one: the weekly rule pays on long weeks of short days."""
    text = OVERTIME.replace(
        "on a workday, each hour worked beyond the standard day earns 150% of the\n  hourly wage.",
        "each hour worked beyond 2 hours in a day earns 150% of the hourly wage.\n"
        "  each hour worked beyond 40 hours in a week earns 125% of the hourly wage.",
    )
    assert warnings_of(text) == []


def test_a_daily_rule_covered_by_a_weekly_one_with_a_lower_threshold_is_flagged() -> None:
    text = OVERTIME.replace(
        "on a workday, each hour worked beyond the standard day earns 150% of the\n  hourly wage.",
        "each hour worked beyond 8 hours in a week earns 150% of the hourly wage.\n"
        "  each hour worked beyond 10 hours in a day earns 125% of the hourly wage.",
    )
    assert [w.split(": warning: ")[1][:40] for w in warnings_of(text)] == ["this rule never pays: article 44.1 ('eac"]


def test_a_holiday_rule_without_holidays_never_applies() -> None:
    start = OVERTIME.index("  public holidays are")
    text = OVERTIME[:start] + OVERTIME[OVERTIME.index("\n\narticle 44.1") :]
    assert warnings_of(text) == [
        "warn.law:42:3: warning: this rule never applies: the statute names no public holidays"
    ]


def test_an_overtime_limit_without_premium_rules_can_never_be_exceeded() -> None:
    text = OVERTIME.replace("150%", "100%").replace("200%", "100%").replace("300%", "100%")
    assert warnings_of(text) == [
        f"warn.law:{line}:3: warning: this limit can never be exceeded: no earning rule that applies here pays "
        "more than 100% of the hourly wage, so there is no overtime to count"
        for line in (50, 52)
    ]


def test_warnings_speak_chinese_in_a_chinese_statute() -> None:
    text = OVERTIME_ZH.replace("150%", "100%").replace("200%", "100%").replace("300%", "100%")
    assert warnings_of(text, "warn.zh.law")[0] == (
        "warn.zh.law:42:3: warning: 此限制永远不会被超出：此处适用的计发规则均不超过小时工资的 100%，因此没有可计算的加班"
    )


def test_a_premium_warning_quotes_the_winning_rule_in_chinese() -> None:
    text = OVERTIME_ZH.replace(
        "工作日内，超出标准工作日的每小时工作，按小时工资的 150% 计发。",
        "每小时工作按小时工资的 100% 计发。\n  超出标准工作日的每小时工作，按小时工资的 25% 计发。",
    )
    assert warnings_of(text, "warn.zh.law")[0] == (
        "warn.zh.law:30:3: warning: 此规则永远不会计发：第 44.1 条（“每小时工作按小时工资的 100% 计发”）适用于此规则所适用的"
        "每一分钟，费率为 100%；费率不叠加，取最高者，相同时取在先的条文（如需在适用费率之上加付，请写作“按小时工资的 25% 另行加发”）"
    )


def test_check_prints_warnings_and_strict_makes_them_errors(tmp_path: Path) -> None:
    path = tmp_path / "premium.law"
    path.write_text(OVERTIME.replace("150%", "100%").replace("200%", "100%").replace("300%", "100%"), "utf-8")
    command = [sys.executable, "-c", "import sys; from lawdsl.cli import main; sys.exit(main())", "check"]
    plain = subprocess.run([*command, str(path)], capture_output=True, text=True, cwd=ROOT)
    strict = subprocess.run([*command, "--strict", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert plain.returncode == 0 and "warning: this limit can never be exceeded" in plain.stderr
    assert f"{path}: ok" in plain.stdout
    assert strict.returncode == 1 and strict.stderr == plain.stderr and "ok" not in strict.stdout

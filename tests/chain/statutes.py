"""The statutes the chain tests deploy: the overtime example and two variants of it.

The variants exercise what the example does not: weekly and monthly pay,
a weekly threshold and an hours-worked limit, another time zone and week
start. They are built from the example's AST, so no extra `.law` file can
drift from it.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from lawdsl.ast import (Article, DayKind, Domain, Duration, EarningRule, LimitRule, Lit, Measure, PaySchedule,
                        Percentage, Period, Statute, TimeZone, WagePaymentRule, WeekStart, Weekday)
from lawdsl.load import load_statute
from lawdsl.scenario import Scenario, load_scenario

DATA = Path(__file__).resolve().parent / "data"
OVERTIME = DATA / "overtime.law"
PROJECT_STATUTES = Path(__file__).resolve().parents[2] / "statutes"


def overtime() -> Statute:
    return load_statute(OVERTIME)


def _paid(statute: Statute, schedule: PaySchedule) -> tuple[Article, ...]:
    """The statute's articles with its payment sentence set to `schedule`."""
    return tuple(
        replace(article, rules=tuple(replace(rule, schedule=schedule) if isinstance(rule, WagePaymentRule)
                                     else rule for rule in article.rules))
        for article in statute.articles)


def weekly_overtime() -> Statute:
    """Weekly pay, weeks from Sunday, UTC-05:00, 125% beyond 40 hours a week, a 44-hour week limit."""
    base = overtime()
    extra = Article("45", "Weekly hours", (
        EarningRule(Lit(Percentage(1_250_000)), beyond=Lit(Duration(40 * 60, "hour")), period=Period.WEEK),
        LimitRule(Measure.HOURS, Lit(Duration(44 * 60, "hour")), Period.WEEK),
    ))
    articles = _paid(base, PaySchedule.WEEK)
    return replace(base, source_name="overtime-weekly.law (a variant built in tests)",
                   header=replace(base.header, title="Overtime Act (weekly pay)", time_zone=TimeZone(-5 * 60)),
                   terms=(*base.terms, WeekStart(Weekday(6))),
                   articles=(*articles[:-1], extra, articles[-1]))


def monthly_overtime() -> Statute:
    """Monthly pay in UTC, 120% beyond 40 hours a month, a limit on rest-day hours per week."""
    base = overtime()
    extra = Article("46", "Monthly hours", (
        EarningRule(Lit(Percentage(1_200_000)), beyond=Lit(Duration(40 * 60, "hour")), period=Period.MONTH),
        LimitRule(Measure.HOURS, Lit(Duration(10 * 60, "hour")), Period.WEEK, DayKind.REST_DAY),
    ))
    articles = _paid(base, PaySchedule.MONTH)
    return replace(base, source_name="overtime-monthly.law (a variant built in tests)",
                   header=replace(base.header, title="Overtime Act (monthly pay)", time_zone=TimeZone(0)),
                   articles=(*articles[:-1], extra, articles[-1]))


def project_scenarios() -> list[Scenario]:
    """The working-time scenarios of the project's `statutes/` folder."""
    scenarios = [load_scenario(path) for path in sorted(PROJECT_STATUTES.glob("*.yaml"))]
    return [s for s in scenarios if s.statute.header.domain is Domain.WORKING_TIME]


def chain_statutes() -> list[Statute]:
    """Every working-time statute the chain tests deploy, once per title."""
    found = [overtime(), weekly_overtime(), monthly_overtime(),
             *(scenario.statute for scenario in project_scenarios())]
    return list({statute.header.title: statute for statute in found}.values())

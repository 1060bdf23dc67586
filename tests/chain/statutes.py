"""The statutes the chain tests deploy: each domain's example and variants of it.

The working-time variants exercise what the overtime example does not:
weekly and monthly pay, a weekly threshold and an hours-worked limit,
another time zone and week start, night premiums and counts that leave out
overtime; the voucher and procurement variants
leave out the optional sentences (the defaults docs/language.md states) or allow what the
example forbids; one voucher variant pays in instalments. All are built from the examples' ASTs, so no extra `.law`
file can drift from them, and `chain_statutes()` lists them all, so that a
test session compiles in one solc call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from lawdsl.ast import (
    Article,
    AwardRule,
    BestValueRule,
    DayKind,
    DeliveryRule,
    DepositRule,
    Domain,
    Duration,
    EarningRule,
    ForfeitRule,
    InspectionRule,
    Instalment,
    InstalmentRule,
    IssueRule,
    LimitRule,
    Lit,
    Measure,
    MinimumRule,
    PaySchedule,
    PenaltyRule,
    Percentage,
    Period,
    Ref,
    Rule,
    ScoringRule,
    SecurityRule,
    ShareRule,
    SplitRule,
    Statute,
    TimeZone,
    TransferRule,
    WagePaymentRule,
    Weekday,
    WeekStart,
    WhereRule,
    Window,
)
from lawdsl.load import load_statute
from lawdsl.money import Money
from lawdsl.scenario import Scenario, load_scenario

PROJECT_STATUTES = Path(__file__).resolve().parents[2] / "statutes"
DATA = PROJECT_STATUTES  # the project's example statutes and scenarios, never copies
OVERTIME = DATA / "overtime.law"


def overtime() -> Statute:
    return load_statute(OVERTIME)


def _paid(statute: Statute, schedule: PaySchedule) -> tuple[Article, ...]:
    """The statute's articles with its payment sentence set to `schedule`."""
    return tuple(
        replace(
            article,
            rules=tuple(
                replace(rule, schedule=schedule) if isinstance(rule, WagePaymentRule) else rule
                for rule in article.rules
            ),
        )
        for article in statute.articles
    )


def weekly_overtime() -> Statute:
    """Weekly pay, weeks from Sunday, UTC-05:00, 125% beyond 40 hours a week, a 44-hour week limit."""
    base = overtime()
    extra = Article(
        "45",
        "Weekly hours",
        (
            EarningRule(Lit(Percentage(1_250_000)), beyond=Lit(Duration(40 * 60, "hour")), period=Period.WEEK),
            LimitRule(Measure.HOURS, Lit(Duration(44 * 60, "hour")), Period.WEEK),
        ),
    )
    articles = _paid(base, PaySchedule.WEEK)
    return replace(
        base,
        source_name="overtime-weekly.law (a variant built in tests)",
        header=replace(base.header, title="Overtime Act (weekly pay)", time_zone=TimeZone(-5 * 60)),
        terms=(*base.terms, WeekStart(Weekday(6))),
        articles=(*articles[:-1], extra, articles[-1]),
    )


def monthly_overtime() -> Statute:
    """Monthly pay in UTC, 120% beyond 40 hours a month, a limit on rest-day hours per week."""
    base = overtime()
    extra = Article(
        "46",
        "Monthly hours",
        (
            EarningRule(Lit(Percentage(1_200_000)), beyond=Lit(Duration(40 * 60, "hour")), period=Period.MONTH),
            LimitRule(Measure.HOURS, Lit(Duration(10 * 60, "hour")), Period.WEEK, DayKind.REST_DAY),
        ),
    )
    articles = _paid(base, PaySchedule.MONTH)
    return replace(
        base,
        source_name="overtime-monthly.law (a variant built in tests)",
        header=replace(base.header, title="Overtime Act (monthly pay)", time_zone=TimeZone(0)),
        articles=(*articles[:-1], extra, articles[-1]),
    )


def many_rules_overtime() -> Statute:
    """Eight earning rules (several per article, a tie of rates, thresholds per day, week and month)
    and four limit sentences: the generated contract's larger shapes (starts recomputed rather than
    kept in locals, limit counters past the worker's slot)."""
    base = overtime()
    percent = lambda p: Lit(Percentage(p * 10_000))  # noqa: E731
    hours = lambda h: Lit(Duration(h * 60, "hour"))  # noqa: E731
    long_shifts = Article(
        "47",
        "Long shifts",
        (
            EarningRule(percent(110), beyond=hours(2), period=Period.DAY),
            EarningRule(percent(130), DayKind.WORKDAY, beyond=hours(30), period=Period.WEEK),
            EarningRule(percent(150), beyond=hours(100), period=Period.MONTH),  # ties article 44.1's rate
            LimitRule(Measure.HOURS, hours(12), Period.DAY),
        ),
    )
    rest_days = Article(
        "48",
        "Long rest days",
        (
            EarningRule(percent(250), DayKind.REST_DAY, beyond=hours(4), unless_time_off=True),
            EarningRule(percent(150), DayKind.PUBLIC_HOLIDAY),  # below article 44.3's rate: never wins
            LimitRule(Measure.OVERTIME, hours(10), Period.WEEK, DayKind.WORKDAY),
        ),
    )
    articles = base.articles
    return replace(
        base,
        source_name="overtime-many-rules.law (a variant built in tests)",
        header=replace(base.header, title="Overtime Act (many rules)"),
        articles=(*articles[:-1], long_shifts, rest_days, articles[-1]),
    )


def project_scenarios() -> list[Scenario]:
    """The working-time scenarios of the project's `statutes/` folder."""
    scenarios = [load_scenario(path) for path in sorted(PROJECT_STATUTES.glob("*.yaml"))]
    return [s for s in scenarios if s.statute.header.domain is Domain.WORKING_TIME]


# ---------------------------------------------------------------- vouchers


def vouchers() -> Statute:
    return load_statute(DATA / "vouchers.law")


def whole_transferable_vouchers() -> Statute:
    """The example with whole vouchers, transfers allowed, no minimum and no share limit."""
    base = vouchers()
    dropped = (SplitRule, MinimumRule, ShareRule)
    articles = tuple(
        replace(
            article,
            rules=tuple(
                TransferRule(True) if isinstance(rule, TransferRule) else rule
                for rule in article.rules
                if not isinstance(rule, dropped)
            ),
        )
        for article in base.articles
    )
    return replace(
        base,
        header=replace(base.header, title="Household Voucher Program (whole, transferable)"),
        articles=articles,
        source_name="whole-transferable (built in tests/chain/statutes.py)",
    )


def minimal_vouchers() -> Statute:
    """Only the required sentences (issue, where), the issue without an attribute: the defaults docs/language.md states elsewhere."""
    base = vouchers()
    articles = tuple(
        replace(
            article,
            rules=tuple(
                replace(rule, attribute=None, attester=None) if isinstance(rule, IssueRule) else rule
                for rule in article.rules
                if isinstance(rule, (IssueRule, WhereRule))
            ),
        )
        for article in base.articles[:2]
    )
    return replace(
        base,
        header=replace(base.header, title="Household Voucher Program (minimal)"),
        articles=articles,
        source_name="minimal (built in tests/chain/statutes.py)",
    )


def instalment_vouchers() -> Statute:
    """The example's CNY 200.00 in three instalments across March: 100.00 from the 1st, 60.00 from the
    10th, 40.00 from the 20th, so generated spends meet each part before and after its date."""
    base = vouchers()
    parts = (("100.00", dt.date(2026, 3, 1)), ("60.00", dt.date(2026, 3, 10)), ("40.00", dt.date(2026, 3, 20)))
    rule = InstalmentRule(tuple(Instalment(Lit(Money.parse(f"CNY {a}")), Lit(on)) for a, on in parts))
    issue, *rest = base.articles
    return replace(
        base,
        header=replace(base.header, title="Household Voucher Program (instalments)"),
        articles=(replace(issue, rules=(*issue.rules, rule)), *rest),
        source_name="instalments (built in tests/chain/statutes.py)",
    )


VOUCHER_VARIANTS = {
    "example": vouchers,
    "whole": whole_transferable_vouchers,
    "minimal": minimal_vouchers,
    "instalments": instalment_vouchers,
}


# ---------------------------------------------------------------- procurement


def procurement() -> Statute:
    return load_statute(DATA / "procurement.law")


def minimal_procurement() -> Statute:
    """Only the required sentences: no deposit, no late penalty, no forfeit (the defaults docs/language.md states)."""
    base = procurement()
    optional = (DepositRule, PenaltyRule, ForfeitRule)
    articles = tuple(
        replace(article, rules=tuple(r for r in article.rules if not isinstance(r, optional)))
        for article in base.articles
    )
    return replace(
        base,
        header=replace(base.header, title="Grain Purchase Regulation (minimal)"),
        articles=articles,
        source_name="minimal (built in tests/chain/statutes.py)",
    )


def guarded_procurement() -> Statute:
    """procurement.law with the guarantees: 10% a day late capped at 30% of the contract price (so the
    grace is 10 days and generated tenders may default), a 3-day inspection window and a 10% security."""
    base = procurement()
    penalty = PenaltyRule(Lit(Percentage(100_000)), cap=Lit(Percentage(300_000)))

    def guarded(rule: Rule) -> tuple[Rule, ...]:
        if isinstance(rule, PenaltyRule):
            return (penalty,)
        if isinstance(rule, DeliveryRule):
            return (rule, InspectionRule(rule.inspector, Lit(Duration(3 * 1440, "day"))))
        if isinstance(rule, AwardRule):
            return (rule, SecurityRule(Lit(Percentage(100_000))))
        return (rule,)

    return replace(
        base,
        header=replace(base.header, title="Grain Purchase Regulation (guarded)"),
        articles=tuple(replace(a, rules=tuple(r for rule in a.rules for r in guarded(rule))) for a in base.articles),
        source_name="guarded (built in tests/chain/statutes.py)",
    )


def best_value_procurement() -> Statute:
    """procurement.law awarding by best value: price 60%, quality 40%, scored by the reserve during the
    10 days after the reveal period (so generated scores often fall in it)."""
    base = procurement()

    def best(rule: Rule) -> tuple[Rule, ...]:
        if isinstance(rule, AwardRule):
            return (
                BestValueRule(Lit(Percentage(600_000)), Lit(Percentage(400_000))),
                ScoringRule(Ref("state reserve"), Lit(Duration(10 * 1440, "day"))),
            )
        return (rule,)

    return replace(
        base,
        header=replace(base.header, title="Grain Purchase Regulation (best value)"),
        articles=tuple(replace(a, rules=tuple(r for rule in a.rules for r in best(rule))) for a in base.articles),
        source_name="best value (built in tests/chain/statutes.py)",
    )


PROCUREMENT_VARIANTS = {
    "example": procurement,
    "minimal": minimal_procurement,
    "guarded": guarded_procurement,
    "best value": best_value_procurement,
}


def night_and_straight_time_overtime() -> Statute:
    """The weekly variant plus a night premium (22:00-06:00) and counts that leave out overtime: a
    week counted both ways (its straight time in a side slot on chain) and a month counted in straight
    time only (in the worker slot)."""
    base = weekly_overtime()
    extra = Article(
        "47",
        "Night work and straight time",
        (
            EarningRule(Lit(Percentage(250_000)), window=Window(22 * 60, 6 * 60), additional=True),
            EarningRule(
                Lit(Percentage(1_400_000)),
                beyond=Lit(Duration(30 * 60, "hour")),
                period=Period.WEEK,
                not_counting_overtime=True,
            ),
            EarningRule(
                Lit(Percentage(100_000)),
                beyond=Lit(Duration(60 * 60, "hour")),
                period=Period.MONTH,
                additional=True,
                not_counting_overtime=True,
            ),
        ),
    )
    return replace(
        base,
        source_name="overtime-night.law (a variant built in tests)",
        header=replace(base.header, title="Overtime Act (night work and straight time)"),
        articles=(*base.articles[:-1], extra, base.articles[-1]),
    )


def chain_statutes() -> list[Statute]:
    """Every statute the chain tests deploy, once per title."""
    found = [
        overtime(),
        weekly_overtime(),
        monthly_overtime(),
        many_rules_overtime(),
        night_and_straight_time_overtime(),
        *(scenario.statute for scenario in project_scenarios()),
        *(build() for build in VOUCHER_VARIANTS.values()),
        *(build() for build in PROCUREMENT_VARIANTS.values()),
    ]
    return list({statute.header.title: statute for statute in found}.values())


def assert_chain_meets_law(path: Path, chain, artifacts) -> None:
    """A scenario file run on `chain` gives the interpreter's outcome, and that meets its `expect:` block."""
    from chain.runner import run_on_chain
    from lawdsl.expect import compare
    from lawdsl.interpret import interpret

    scenario = load_scenario(path)
    outcome = run_on_chain(scenario, chain, artifacts)
    assert outcome == interpret(scenario)
    assert compare(scenario.expect, outcome) == []


def compiled_variants(statutes: dict, variants: dict) -> dict:
    """The session-compiled statutes (`chain_statutes()`) by variant name."""
    return {name: statutes[build().header.title] for name, build in variants.items()}

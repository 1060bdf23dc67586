"""What a statute's values may be so that its contract compiles and deploys: the checker's last pass.

A statute the checker accepts must compile and deploy (issue 12's promise,
tested on generated statutes in tests/chain/test_every_checked_statute_compiles.py).
The contracts keep values in fixed widths (a rate in 64 bits of millionths,
a duration in 32 bits of minutes, a voucher in 64 bits of minor units, an
article number in 32 bytes, time as unsigned seconds since 1970) and a
contract's code may not exceed 24,576 bytes; these bounds say so at the
sentence, in the legislator's units, far beyond any real law's values.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterator

from .. import ast as A
from ..money import Money
from ..zones import TABLE_YEARS, table_end, table_problem, zone_table

#: 1,000,000%: rates are millionths in 64 bits on chain.
MAX_PERCENT_MILLIONTHS = 10**10
#: 100,000 weeks, in minutes: durations are minutes in 32 bits on chain.
MAX_DURATION_MINUTES = 100_000 * 7 * 24 * 60
#: Amounts are minor units in 64 bits (a voucher's value shares its slot with its holder).
MAX_MINOR = 2**64 - 1
#: Dates are days and seconds since 1970-01-01 00:00 UTC, in any time zone; a range's window ends
#: the day after its last date.
FIRST_DATE, LAST_DATE = dt.date(1970, 1, 2), dt.date(9999, 12, 30)
MAX_VERSION = 10**9
#: Article numbers are stored as 32 bytes of text, and a working-time contract writes its article's
#: number into every payment it logs, so a long number costs code in every rule: 8 + 8 rules measured
#: 24,568 bytes with 32-character numbers, 24,035 with 16 and 23,871 with 12 (the limit is 24,576).
MAX_ARTICLE_ID = 12
#: A working-time contract carries its rules and holidays as code, within the 24,576-byte limit.
MAX_WORKING_TIME_RULES = 8  # 9 + 9 measured at 24,459 bytes: too close to the limit
#: Windows (`between 22:00 and 05:00`) and counts that leave out overtime bring code of their own (up to
#: ~800 bytes): a statute using them has at most this many limit sentences. Found by the generated-statute
#: differential: 4 earning rules and 8 limits with 30-character article numbers measured 25,302 bytes.
MAX_LIMITS_WITH_WINDOWS = 4
#: Public holidays are a bitmap in code, a word for each 256 days of their span (~60 bytes a word):
#: 8 + 8 rules with 12-character article numbers measured 23,890 bytes with one year of holidays,
#: 24,243 with five and 28,031 with 49 (the limit is 24,576).
MAX_HOLIDAY_YEARS = 5
#: A zone whose clocks change puts its table of changes (60 entries, 480 bytes) and the code that reads
#: it (about 550 bytes) into the contract: the room of two earning and two limit sentences.
#: Not yet firm: with five years of holidays, 6 earning and 2 limit sentences beside a window in
#: America/Los_Angeles measured 24,867 bytes (24,514 with one year); a size model in the checker is next.
CLOCK_TABLE_RULES = 2
#: A rule on consecutive days of work brings code of its own (the run, passed to every rule's start).
#: Measured with 12-character article numbers, one article a sentence, windows and counts leaving out
#: overtime: 5 earning and 2 limit sentences, 24,450 bytes; 6 and 2, 24,589 (the limit is 24,576).
#: California's statute (6 earning sentences, short article numbers) is 22,051.
#: With five years of holidays, 6 earning sentences and 1 limit measured 23,542 bytes at a fixed offset;
#: in Europe/Berlin 5 and 1 measured 24,539, 6 and 0 23,974: there, one sentence fewer together.
MAX_EARNING_WITH_CONSECUTIVE_DAYS = 6
MAX_RULES_WITH_CONSECUTIVE_DAYS = 7  # earning and limit sentences together
#: Counts of overtime and years (`each hour of overtime beyond …`, `… in a year is a violation`) bring
#: code of their own and make every rule's start a call: a statute using them has at most 6 earning
#: sentences in at most 3 articles, 1 of them counting overtime, and 2 limit sentences. Measured with
#: 12-character article numbers: 6 sentences in 4 articles and 2 limits, 24,563 bytes; in 6 articles,
#: 24,731 (the limit is 24,576); 3 articles and one count, the Japanese statute's shape, stay near 24,400.
MAX_EARNING_WITH_COUNTS = 6
MAX_EARNING_ARTICLES_WITH_COUNTS = 3
MAX_OVERTIME_COUNTS = 1
MAX_LIMITS_WITH_COUNTS = 2

Report = Callable[..., None]  # (span, message key, **fields)


def check_bounds(statute: A.Statute, report: Report) -> None:
    """Report every value beyond what the contracts hold, at the sentence that writes it."""
    header = statute.header
    if header.version > MAX_VERSION:
        report(header.span, "version_too_large", most=f"{MAX_VERSION:,}")
    _date(header.effective, header.span, report)
    if header.domain is A.Domain.WORKING_TIME:
        _zone_table(statute, report)
    for item in statute.terms:
        if isinstance(item, A.Term):
            _value(item.value, item.span, report)
        elif isinstance(item, A.PublicHolidays):
            for day in item.dates:
                _date(day, item.span, report)
            if item.dates and (max(item.dates) - min(item.dates)).days > MAX_HOLIDAY_YEARS * 365.25:
                report(
                    item.span,
                    "holidays_too_far_apart",
                    years=MAX_HOLIDAY_YEARS,
                    first=min(item.dates),
                    last=max(item.dates),
                )
    for article in statute.articles:
        if len(article.id) > MAX_ARTICLE_ID:
            report(article.span, "article_id_too_long", most=MAX_ARTICLE_ID)
        for rule in article.rules:
            for operand in _operands(rule):
                _value(operand.value, operand.span, report)
    if statute.header.domain is A.Domain.WORKING_TIME:
        zoned = zone_table(statute.header) is not None
        most, key = (MAX_WORKING_TIME_RULES, "too_many_rules")
        # A rule on consecutive days has tighter bounds of its own (`_consecutive_days_bounds`).
        if zoned and not uses_consecutive_days(statute):
            most, key = (MAX_WORKING_TIME_RULES - CLOCK_TABLE_RULES, "too_many_rules_with_clock_changes")
        for kind, name in ((A.EarningRule, "earning"), (A.LimitRule, "limit")):
            spans = [rule.span for article in statute.articles for rule in article.rules if isinstance(rule, kind)]
            if len(spans) > most:
                report(spans[most], key, rule=name, most=most)
        limits = [rule.span for article in statute.articles for rule in article.rules if isinstance(rule, A.LimitRule)]
        most = MAX_LIMITS_WITH_WINDOWS - (CLOCK_TABLE_RULES if zoned else 0)
        if uses_windows_or_straight_time(statute) and len(limits) > most:
            report(limits[most], "too_many_limits_with_windows", most=most)
        if uses_consecutive_days(statute):
            _consecutive_days_bounds(statute, report, zoned)
        if uses_counts(statute):
            _counts_bounds(statute, report)
        if zoned and uses_counts(statute):
            spans = [rule.span for _, rule in statute.rules(A.EarningRule) if rule.counts_overtime]
            spans += [rule.span for _, rule in statute.rules(A.LimitRule) if rule.period is A.Period.YEAR]
            report(
                min(spans, key=lambda span: (span.line, span.column)),
                "working_time_zone_with_counts",
                tz=statute.header.time_zone,
            )


def _zone_table(statute: A.Statute, report: Report) -> None:
    """A working-time statute in a zone whose clocks change: the changes its contract's table can read,
    and public holidays within the table's years."""
    header = statute.header
    table = zone_table(header)
    if table is None:
        return
    problem = table_problem(table)
    if problem is not None:
        key, instant = problem
        when = dt.datetime.fromtimestamp(instant, dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
        report(header.span, f"working_time_zone_{key}", tz=header.time_zone, when=when)
    end = table_end(table, header.time_zone)
    for item in statute.terms:
        if isinstance(item, A.PublicHolidays):
            for day in item.dates:
                if day >= end:
                    report(
                        item.span, "holiday_after_zone_table", date=day, tz=header.time_zone, end=end, years=TABLE_YEARS
                    )


def uses_consecutive_days(statute: A.Statute) -> bool:
    """Some earning rule holds on the Nth consecutive day of work only: the contract counts runs of days."""
    return any(rule.consecutive_day is not None for _, rule in statute.rules(A.EarningRule))


def _consecutive_days_bounds(statute: A.Statute, report: Report, zoned: bool) -> None:
    """How many earning sentences, and earning and limit sentences together, such a statute holds
    (one fewer together in a zone whose clocks change)."""
    earning = [rule.span for _, rule in statute.rules(A.EarningRule)]
    limits = [rule.span for _, rule in statute.rules(A.LimitRule)]
    together = MAX_RULES_WITH_CONSECUTIVE_DAYS - (1 if zoned else 0)
    most_earning = min(MAX_EARNING_WITH_CONSECUTIVE_DAYS, together)
    if len(earning) > most_earning:
        report(earning[most_earning], "too_many_with_consecutive_days", rule="earning", most=most_earning)
    elif len(earning) + len(limits) > together:
        report(
            limits[together - len(earning)], "too_many_with_consecutive_days", rule="earning and limit", most=together
        )


def uses_counts(statute: A.Statute) -> bool:
    """The statute counts overtime or limits hours in a year: its contract carries those counts."""
    return any(rule.counts_overtime for _, rule in statute.rules(A.EarningRule)) or any(
        rule.period is A.Period.YEAR for _, rule in statute.rules(A.LimitRule)
    )


def _counts_bounds(statute: A.Statute, report: Report) -> None:
    """How many earning sentences, articles, counts of overtime and limits a statute with counts holds."""
    earning = [(article, rule) for article, rule in statute.rules(A.EarningRule)]
    articles: list[A.Article] = []
    for article, rule in earning:
        if article not in articles:
            articles.append(article)
            if len(articles) > MAX_EARNING_ARTICLES_WITH_COUNTS:
                report(
                    rule.span,
                    "too_many_with_counts",
                    rule="articles with earning sentences",
                    most=MAX_EARNING_ARTICLES_WITH_COUNTS,
                )
                break
    for what, found, most in (
        ("earning sentences", [rule for _, rule in earning], MAX_EARNING_WITH_COUNTS),
        ("rule counting overtime", [rule for _, rule in earning if rule.counts_overtime], MAX_OVERTIME_COUNTS),
        ("limit sentences", [rule for _, rule in statute.rules(A.LimitRule)], MAX_LIMITS_WITH_COUNTS),
    ):
        if len(found) > most:
            report(found[most].span, "too_many_with_counts", rule=what, most=most)


def uses_windows_or_straight_time(statute: A.Statute) -> bool:
    """The statute has a time-of-day window or a count that leaves out overtime: more contract code."""
    return any(rule.window is not None or rule.not_counting_overtime for _, rule in statute.rules(A.EarningRule))


def _operands(rule: A.Rule) -> Iterator[A.Lit]:
    for value in vars(rule).values():
        if isinstance(value, A.Lit):
            yield value
    if isinstance(rule, A.InstalmentRule):
        for instalment in rule.instalments:
            yield from (v for v in (instalment.amount, instalment.on) if isinstance(v, A.Lit))


def _value(value: A.Literal, span: A.Span, report: Report) -> None:
    if isinstance(value, A.Percentage) and value.millionths > MAX_PERCENT_MILLIONTHS:
        report(span, "percentage_too_large", most=f"{MAX_PERCENT_MILLIONTHS // 10_000:,}%")
    elif isinstance(value, A.Duration) and value.minutes > MAX_DURATION_MINUTES:
        report(span, "duration_too_long", most="100,000")
    elif isinstance(value, Money):
        if value.minor < 0:
            report(span, "negative_amount", amount=value)
        elif value.minor > MAX_MINOR:
            report(span, "amount_too_large", most=Money(value.currency, MAX_MINOR))
    elif isinstance(value, dt.date):
        _date(value, span, report)
    elif isinstance(value, A.DateRange):
        _date(value.first, span, report)
        _date(value.last, span, report)


def _date(day: dt.date, span: A.Span, report: Report) -> None:
    if not FIRST_DATE <= day <= LAST_DATE:
        report(span, "date_out_of_range", date=day.isoformat(), first=FIRST_DATE, last=LAST_DATE)

"""Warnings: sentences that are valid but cannot do what they seem to say.

Rates never stack — each minute is paid under the highest rate that applies
to it, the earlier article on a tie — so a rule written as a premium ("earns
25% of the hourly wage") beside a 100% rule on the same hours is accepted
and never pays. `lawdsl check` prints these warnings; `--strict` makes them
errors. A premium written with `an additional` adds to the rate in force and
always pays. Only what is certain is reported: a rule is said never to pay only
when one other rule applies to every minute it applies to and outbids it.
"""

from __future__ import annotations

from .. import ast as A
from ..diagnostics import Diagnostic
from ..formatter import sentence_text
from ..messages import message, word

_DAYS = {A.DayKind.PUBLIC_HOLIDAY: "public holidays", A.DayKind.REST_DAY: "rest days"}


def lint(statute: A.Statute) -> list[Diagnostic]:
    """Every warning for a checked statute, in source order."""
    if statute.header.domain is not A.Domain.WORKING_TIME:
        return []
    found: list[Diagnostic] = []

    def warn(span: A.Span, key: str, **fields: object) -> None:
        found.append(Diagnostic(statute.source_name, span, message(statute.language, key, **fields), "warning"))

    earnings = list(statute.rules(A.EarningRule))
    for order, (article, rule) in enumerate(earnings):
        if (missing := _no_such_days(statute, rule.day_kind)) is not None:
            warn(rule.span, "never_applies", days=word(statute.language, missing))
            continue
        if rule.additional:  # a premium adds to the rate in force: it pays whatever else applies
            continue
        for other_order, (other_article, other) in enumerate(earnings):
            if other.additional:
                continue
            if (
                other_order != order
                and _outbids(statute, other, other_order, rule, order)
                and _covers(statute, other, rule)
            ):
                warn(
                    rule.span,
                    "never_pays",
                    article=other_article.id,
                    sentence=sentence_text(other, statute.language),
                    rate=statute.value(other.rate),
                )
                break
    for _, limit in statute.rules(A.LimitRule):
        if (missing := _no_such_days(statute, limit.day_kind)) is not None:
            warn(limit.span, "never_applies", days=word(statute.language, missing))
        elif limit.measure is A.Measure.OVERTIME and not any(
            _rate(statute, rule) > A.Percentage.SCALE
            and not rule.additional
            and (limit.day_kind is None or rule.day_kind in (None, limit.day_kind))
            for _, rule in earnings
        ):
            warn(limit.span, "no_overtime")
    return sorted(found, key=lambda d: (d.span.line, d.span.column))


def _no_such_days(statute: A.Statute, kind: A.DayKind | None) -> str | None:
    """The statute's name for a kind of day it never has (no holidays listed, no rest days)."""
    if kind is A.DayKind.PUBLIC_HOLIDAY and not statute.public_holidays:
        return _DAYS[kind]
    if kind is A.DayKind.REST_DAY and not statute.rest_days:
        return _DAYS[kind]
    return None


def _rate(statute: A.Statute, rule: A.EarningRule) -> int:
    rate = statute.value(rule.rate)
    assert isinstance(rate, A.Percentage)
    return rate.millionths


def _outbids(statute: A.Statute, rule: A.EarningRule, order: int, other: A.EarningRule, other_order: int) -> bool:
    """`rule` wins a minute both apply to: a higher rate, or the same rate written earlier."""
    mine, theirs = _rate(statute, rule), _rate(statute, other)
    return mine > theirs or (mine == theirs and order < other_order)


def _threshold(statute: A.Statute, rule: A.EarningRule) -> int:
    if rule.beyond is None:
        return 0
    beyond = statute.value(rule.beyond)
    assert isinstance(beyond, A.Duration)
    return beyond.minutes


def _covers(statute: A.Statute, wide: A.EarningRule, narrow: A.EarningRule) -> bool:
    """`wide` applies to every minute `narrow` applies to."""
    if wide.day_kind not in (None, narrow.day_kind):
        return False
    if wide.consecutive_day not in (None, narrow.consecutive_day):  # only on some days of a run
        return False
    if wide.unless_time_off and not narrow.unless_time_off:
        return False
    if wide.counts_overtime:  # it applies to overtime only, whatever its threshold
        return False
    wide_from, narrow_from = _threshold(statute, wide), _threshold(statute, narrow)
    if wide_from == 0:
        return True
    if wide.not_counting_overtime:  # its count leaves out overtime: it may be reached later than it seems
        return False
    if narrow_from < wide_from:
        return False
    # Minutes worked in a week or month include the day's: a daily threshold reached means a
    # weekly or monthly one as low is reached too.
    return wide.threshold_period is narrow.threshold_period or narrow.threshold_period is A.Period.DAY

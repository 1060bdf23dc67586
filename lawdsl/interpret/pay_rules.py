"""A working-time statute's earning and limit sentences resolved to plain numbers, and the minute
arithmetic that pays a shift under them.

Apart from the interpreter's state machine (`working_time.py`) because this is the part the
contract mirrors function for function (`_windowMinutes`, the sweep over rule starts): the pure
functions here are what the differential and property tests pin down minute by minute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..ast import DayKind, Duration, EarningRule, LimitRule, Measure, Percentage, Period, Statute


@dataclass(frozen=True, eq=False)
class Earning:
    """An earning rule resolved to plain numbers; `order` ranks it for ties.

    Compared by identity: each rule is one object, and hashing by identity
    keeps the per-shift dictionaries cheap.
    """

    order: int
    article: int  # position of its article in the statute
    rate: int  # millionths
    day_kind: DayKind | None
    threshold: int  # minutes; 0 without `beyond`
    period: Period
    unless_time_off: bool
    additional: bool = False  # a premium: added to the rate in force, never competing
    window: tuple[int, int] | None = None  # (opens, closes), minutes after local midnight
    straight: bool = False  # `not counting hours already paid as overtime`: counts straight time only
    overtime: bool = False  # `each hour of overtime [beyond D in a P]`: counts, and is paid on, overtime only
    consecutive: int = 0  # `on the Nth consecutive day of work in a week`: N (0: any day)

    def start(self, before: dict[Period, int], straight: dict[Period, int], overtime_from: int) -> int:
        """The shift minute the rule applies from (`NEVER`: not in this shift).

        A rule counting straight time only applies at minute m once the period's minutes not paid as
        overtime reach its threshold: `straight[P] + min(m, overtime_from) >= T`, which stops growing
        where overtime begins."""
        if not self.straight:
            return max(0, self.threshold - before[self.period])
        needed = self.threshold - straight[self.period]
        if needed <= 0:
            return 0
        return needed if needed <= overtime_from else NEVER

    def beats(self, other: "Earning") -> bool:
        return self.rate > other.rate or (self.rate == other.rate and self.order < other.order)


@dataclass(frozen=True)
class Limit:
    """A limit sentence resolved to minutes, with the article id its violations carry."""

    article: str
    measure: Measure
    limit: int  # minutes
    period: Period
    day_kind: DayKind | None


def earnings(statute: Statute) -> tuple[Earning, ...]:
    rules = []
    positions = {article.id: i for i, article in enumerate(statute.articles)}
    for order, (article, rule) in enumerate(statute.rules(EarningRule)):
        rate = statute.value(rule.rate)
        beyond = statute.value(rule.beyond) if rule.beyond is not None else None
        assert isinstance(rate, Percentage) and (beyond is None or isinstance(beyond, Duration))
        rules.append(
            Earning(
                order,
                positions[article.id],
                rate.millionths,
                rule.day_kind,
                beyond.minutes if beyond else 0,
                rule.threshold_period,
                rule.unless_time_off,
                rule.additional,
                (rule.window.opens, rule.window.closes) if rule.window else None,
                rule.not_counting_overtime,
                rule.counts_overtime,
                rule.consecutive_day.nth if rule.consecutive_day else 0,
            )
        )
    return tuple(rules)


def limits(statute: Statute) -> tuple[Limit, ...]:
    limits = []
    for article, rule in statute.rules(LimitRule):
        limit = statute.value(rule.limit)
        assert isinstance(limit, Duration)
        limits.append(Limit(article.id, rule.measure, limit.minutes, rule.period, rule.day_kind))
    return tuple(limits)


#: The start of a rule that does not apply to a shift: after any shift's last minute.
NEVER = 1 << 62


def overtime_start(rules: Iterable[Earning], before: dict[Period, int]) -> int:
    """The shift minute from which the shift is paid as overtime (above 100%) by competing rules that
    count every hour: where straight-time counts stop (`NEVER`: no such minute)."""
    return min(
        (
            max(0, r.threshold - before[r.period])
            for r in rules
            if r.rate > Percentage.SCALE and not r.straight and not r.overtime
        ),
        default=NEVER,
    )


def paid_minutes(
    rules: Iterable[Earning],
    length: int,
    before: dict[Period, int],
    straight: dict[Period, int] | None = None,
    overtime_from: int = NEVER,
) -> dict[Earning, int]:
    """Minutes of a `length`-minute shift paid under each rule, highest rate winning.

    `before` holds the minutes already worked in the shift's day, week and
    month (`straight`: those not paid as overtime). A rule with threshold T in
    period P applies from shift minute `T - before[P]` on (`Earning.start`),
    so sorting the rules by that start and sweeping once gives the per-minute
    result without visiting minutes.
    """
    straight = straight or before
    return sweep(sorted(((r.start(before, straight, overtime_from), r.order), r) for r in rules), length)


def sweep(starts: list[tuple[tuple[int, int], Earning]], length: int) -> dict[Earning, int]:
    """Minutes each rule wins, from competing rules sorted by (start, order): a rule pays from its
    start until a rule that beats it starts."""
    paid: dict[Earning, int] = {}
    best: Earning | None = None
    since = 0
    for (start, _), rule in starts:
        if start >= length:
            break
        if best is None or rule.beats(best):
            if best is not None and start > since:
                paid[best] = paid.get(best, 0) + start - since
            best, since = rule, start
    if best is not None and length > since:
        paid[best] = paid.get(best, 0) + length - since
    return paid


_DAY_MINUTES = 24 * 60
#: The window's occurrences a shift can meet: on the day before its clock-in's, that day and the next.
_WINDOW_DAYS = (0, _DAY_MINUTES, 2 * _DAY_MINUTES)


def window_minutes(clock_in: int, start: int, length: int, window: tuple[int, int]) -> int:
    """Minutes `start <= i < length` of a shift whose first second falls inside a time-of-day window.

    `clock_in` is the clock-in's second after local midnight, so minute i begins `clock_in + 60 i`
    seconds after it. On a timeline that begins the midnight before, a shift (at most a day long)
    lies within three days, so the window's occurrences on those days are all it can meet; they
    never overlap, and `_minutes_before` turns each into a range of minute indices. The contract's
    `_windowMinutes` is the same arithmetic.
    """
    if start >= length:
        return 0
    opens, closes = window
    if closes <= opens:  # crosses midnight
        closes += _DAY_MINUTES
    base = clock_in + _DAY_MINUTES * 60
    total = 0
    for day in _WINDOW_DAYS:  # comparisons, not min/max: this runs for every premium of every shift
        first = _minutes_before((opens + day) * 60, base)
        if first < start:
            first = start
        last = _minutes_before((closes + day) * 60, base)
        if last > length:
            last = length
        if last > first:
            total += last - first
    return total


def _minutes_before(second: int, base: int) -> int:
    """How many minutes `base + 60 i` (i >= 0) begin before `second`."""
    return (second - base + 59) // 60 if second > base else 0


def premium_minutes(
    rule: Earning,
    parts: list[tuple[int, int, int]],
    length: int,
    before: dict[Period, int],
    straight: dict[Period, int] | None = None,
    overtime_from: int = NEVER,
) -> int:
    """Minutes of a shift a premium applies to: its suffix, within its window if it has one, each part
    of the shift (`_clock_parts`) read at its own offset."""
    return suffix_minutes(rule, parts, rule.start(before, straight or before, overtime_from), length)


def suffix_minutes(rule: Earning, parts: list[tuple[int, int, int]], start: int, length: int) -> int:
    """Minutes of a premium's suffix from `start`, within its window if it has one, each part of the
    shift (`_clock_parts`: first minute, end minute, clock-in second) read at its own offset."""
    if rule.window is None:
        return max(0, length - start)
    window = rule.window
    return sum(window_minutes(clock_in, max(start, lo), min(length, hi), window) for lo, hi, clock_in in parts)


def consecutive_days(mask: int, offset: int) -> int:
    """Of which run of consecutive days of work within its week day `offset` (0: the week's first
    day) is the day: `mask` has bit i set when day i of the week was a day of work (0: not one).

    A day of work is a day a shift of at least one minute starts on (docs/semantics.md,
    "Consecutive days of work"); the run counts back from the day to the week's first day."""
    run = 0
    while offset >= 0 and mask >> offset & 1:
        run, offset = run + 1, offset - 1
    return run

"""A working-time statute → a contract inheriting `contracts/WorkingTimeStatute.sol`.

The base contract holds the semantics (docs/semantics.md); the generated contract holds
the law: its terms as named constants, each rule as code under its canonical
sentence (a function giving the shift minute an earning rule applies from;
`_applyRules` calling the limit sentences, then paying each earning article),
the calendar (rest days, public holidays as bit words, time zone, week start)
and the payment schedule. Someone reading the contract next to the statute
should find every sentence in it. Specialising the rules at compile time, with
no rule words decoded and no memory arrays, is also what keeps a paying
clock-out cheap (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lawdsl.ast import (
    Article,
    DayKind,
    Duration,
    EarningRule,
    LimitRule,
    Lit,
    Measure,
    MinimumWageRule,
    Operand,
    PaySchedule,
    Percentage,
    Period,
    Ref,
    Rule,
    Statute,
    Term,
    WagePaymentRule,
    clock_text,
)
from lawdsl.formatter import rule_atoms
from lawdsl.interpret.working_time import minimum_hourly_wage
from lawdsl.zones import zone_table

from ..naming import article_constant, constant_name, contract_name, natspec
from ..solidity import GeneratedContract, contract_opening
from .working_time_calendar import calendar, clock_table_overrides, holidays

_DAY_KIND = {
    None: "DayKind.Any",
    DayKind.WORKDAY: "DayKind.Workday",
    DayKind.REST_DAY: "DayKind.RestDay",
    DayKind.PUBLIC_HOLIDAY: "DayKind.PublicHoliday",
}
_PERIOD = {Period.DAY: "Period.Day", Period.WEEK: "Period.Week", Period.MONTH: "Period.Month"}
#: The first day of the shift's period, as a rule counting overtime passes it.
_PERIOD_START = {
    Period.DAY: "shift.day",
    Period.WEEK: "shift.weekStart",
    Period.MONTH: "shift.monthStart",
    Period.YEAR: "_yearStart(shift)",
}
_SCHEDULE = {
    PaySchedule.CLOCK_OUT: "PaySchedule.ClockOut",
    PaySchedule.WEEK: "PaySchedule.EndOfWeek",
    PaySchedule.MONTH: "PaySchedule.EndOfMonth",
    PaySchedule.HALF_MONTH: "PaySchedule.EndOfHalfMonth",
}
_MEASURE = {Measure.OVERTIME: "Measure.Overtime", Measure.HOURS: "Measure.HoursWorked"}


@dataclass
class _Constants:
    """Named constants the rules use: statute terms first, then literals written in rules."""

    lines: list[str]
    names: dict[str, str]  # term key -> constant name

    def operand(self, operand: Operand, name: str, article: Article) -> str:
        """The constant for an operand, declaring `name` for a literal written in the rule."""
        if isinstance(operand, Ref):
            return self.names[operand.key]
        assert isinstance(operand, Lit)
        self.lines += _constant(name, operand.value, f"Written in article {article.id}")
        return name


def _constant(name: str, value: object, note: str, visibility: str = "public") -> list[str]:
    tag = "@notice" if visibility == "public" else "@dev"  # NatSpec notices are for the external API
    if isinstance(value, Duration):
        return [
            f"    /// {tag} {note}: {value}.",
            f"    uint32 {visibility} constant {name} = {value.minutes}; // minutes",
        ]
    assert isinstance(value, Percentage)
    return [
        f"    /// {tag} {note}: {value} = {value.millionths:_} / 1_000_000 of the hourly wage.",
        f"    uint64 {visibility} constant {name} = {value.millionths:_};",
    ]


def _term_constants(statute: Statute) -> _Constants:
    """Each duration and percentage term as a constant named after it, `TERM_` first: a term may be
    called anything ("effective day", "never", "default admin role"), and no identifier of the
    contract or its bases starts so. Names that still meet ("standard day", "standard-day") are
    numbered."""
    constants = _Constants([], {})
    taken: set[str] = set()
    for index, term in enumerate(t for t in statute.terms if isinstance(t, Term)):
        if not isinstance(term.value, (Duration, Percentage)):
            continue
        name = stem = "TERM_" + constant_name(term.name, str(index + 1))
        for number in range(2, len(taken) + 2):
            if name not in taken:
                break
            name = f"{stem}_{number}"
        taken.add(name)
        constants.names[term.key] = name
        # Internal: a term's name is wording (it differs between a statute's languages), and a
        # public getter would put it into the runtime code; the value reaches the rules all the same.
        constants.lines += _constant(name, term.value, f'"{term.name}"', "internal")
    return constants


def _rule_doc(article: Article, rule: Rule, indent: str = "        ") -> str:
    """The rule's canonical sentence, as the comment above the code that applies it."""
    return f"{indent}// Article {article.id}: {' '.join(rule_atoms(rule))}."


def _rule_name(article: Article, rules_in_article: Sequence[Rule], rule: object, what: str) -> str:
    """Numbered by position (`is`, not `==`): two identical sentences in one article are two rules, and
    equality would give both the first one's name (found by the generated-statute property test)."""
    position = next(i for i, other in enumerate(rules_in_article) if other is rule)
    suffix = f"_RULE_{position + 1}" if len(rules_in_article) > 1 else ""
    return f"{article_constant(article.id)}{suffix}_{what}"


@dataclass(frozen=True)
class _Earning:
    """An earning rule as the contract applies it: a function giving the shift minute it starts from."""

    article: Article
    rule: EarningRule
    order: int  # in article order: the earlier rule wins a tie of rates
    millionths: int
    rate: str  # the constant holding the rate
    start: str  # the name of the function giving its start

    def beats(self, other: _Earning) -> bool:
        """Wins a minute both apply to; premiums (`additional`) never compete."""
        if self.rule.additional or other.rule.additional:
            return False
        return self.millionths > other.millionths or (self.millionths == other.millionths and self.order < other.order)

    @property
    def parameters(self) -> str:
        """Its start function's parameters: the shift, and for a rule on a consecutive day of work, the
        shift's day's place in its run (`_countDayWorked`, once per shift)."""
        consecutive = ", uint256 consecutiveDays" if self.rule.consecutive_day else ""
        overtime = ", uint256 overtime" if self.rule.counts_overtime else ""  # where overtime begins, the counts
        return f"Shift memory shift{consecutive}{overtime}"

    @property
    def call(self) -> str:
        """A call of its start function."""
        consecutive = ", consecutiveDays" if self.rule.consecutive_day else ""
        return f"{self.start}(shift{consecutive}{_overtime_arguments(self)})"

    def minutes(self, start: str, higher: str, window: tuple[str, str] | None) -> str:
        """The expression for the minutes this rule pays, from `start`: until `higher` for a competing rule,
        to the shift's end (inside its window) for a premium."""
        if window is not None:
            return f"_windowMinutes(shift, {start}, {window[0]}, {window[1]})"
        return f"_minutesWon(shift, {start}, {higher})"


_BEFORE = {Period.DAY: "shift.beforeDay", Period.WEEK: "shift.beforeWeek", Period.MONTH: "shift.beforeMonth"}
_STRAIGHT_BEFORE = {
    Period.DAY: "shift.straightBeforeDay",
    Period.WEEK: "shift.straightBeforeWeek",
    Period.MONTH: "shift.straightBeforeMonth",
}
_PREMIUM = 1_000_000  # minutes paid above 100% of the wage are overtime


def _resolve_earnings(statute: Statute, constants: _Constants) -> list[_Earning]:
    found = list(statute.rules(EarningRule))
    earnings = []
    for order, (article, rule) in enumerate(found):
        siblings = [r for r in article.rules if isinstance(r, EarningRule)]
        rate = constants.operand(rule.rate, _rule_name(article, siblings, rule, "RATE"), article)
        value = statute.value(rule.rate)
        assert isinstance(value, Percentage)
        name = _rule_name(article, siblings, rule, "START").lower().replace("article_", "article")
        earnings.append(_Earning(article, rule, order, value.millionths, rate, "_" + _camel(name)))
    return earnings


def _camel(snake: str) -> str:
    """`article44_1_rule_2_start` → `article44_1Rule2Start`: digits keep their underscores."""
    words = snake.split("_")
    out = words[0]
    for word in words[1:]:
        out += f"_{word}" if word[:1].isdigit() else word[:1].upper() + word[1:]
    return out


def _start_functions(earnings: list[_Earning], constants: _Constants) -> list[str]:
    """One function per earning rule: the shift minute it applies from, or `NEVER`."""
    lines: list[str] = []
    counts = _overtime_count_keys(earnings)
    for earning in earnings:
        rule, article = earning.rule, earning.article
        excluded = []
        if rule.day_kind is not None:
            excluded.append(f"shift.kind != {_DAY_KIND[rule.day_kind]}")
        if rule.unless_time_off:
            excluded.append("shift.timeOff")
        if rule.consecutive_day is not None:
            excluded.append(f"consecutiveDays != {_consecutive_day_constant(earning, constants)}")
        if rule.counts_overtime:
            threshold = "0"
            if rule.beyond is not None:
                threshold = constants.operand(
                    rule.beyond,
                    _rule_name(article, [r for r in article.rules if isinstance(r, EarningRule)], rule, "THRESHOLD"),
                    article,
                )
            count = "0"  # without `beyond`: from the shift's first minute of overtime
            if rule.beyond is not None:
                count = f"_overtimeField(overtime, {1 + counts.index((rule.day_kind, rule.threshold_period))})"
            start = f"_beyondOvertime({threshold}, {count}, _overtimeField(overtime, 0), shift.length)"
        elif rule.beyond is None:
            start = "0"
        else:
            threshold = constants.operand(
                rule.beyond,
                _rule_name(article, [r for r in article.rules if isinstance(r, EarningRule)], rule, "THRESHOLD"),
                article,
            )
            if rule.not_counting_overtime:
                already = _STRAIGHT_BEFORE[rule.threshold_period]
                start = f"_beyondStraight({threshold}, {already}, shift.overtimeFrom)"
            else:
                start = f"_beyond({threshold}, {_BEFORE[rule.threshold_period]})"
        lines += [
            _rule_doc(article, rule, "    ").replace("    //", "    /// @dev", 1),
            "    /// @return The shift minute from which the rule applies (`NEVER`: not to this shift).",
        ]
        signature = f"    function {earning.start}({earning.parameters}) private pure returns (uint256) {{"
        if len(signature) > _LINE:
            signature = (
                f"    function {earning.start}({earning.parameters})\n        private pure returns (uint256)\n    {{"
            )
        lines.append(signature)
        if excluded:
            lines.append(f"        if ({' || '.join(excluded)}) return NEVER;")
        lines += [f"        return {start};", "    }", ""]
    return lines


def _consecutive_day_constant(earning: _Earning, constants: _Constants) -> str:
    """Declare the day of a run of consecutive days of work a rule holds on, and name it."""
    rule, article = earning.rule, earning.article
    assert rule.consecutive_day is not None
    siblings = [r for r in article.rules if isinstance(r, EarningRule)]
    name = _rule_name(article, siblings, rule, "CONSECUTIVE_DAY")
    constants.lines += [
        f"    /// @dev Article {article.id}: {str(rule.consecutive_day).rstrip(',')}.",
        f"    uint256 private constant {name} = {rule.consecutive_day.nth};",
    ]
    return name


def _counts_days(earnings: list[_Earning]) -> list[str]:
    """Under a rule on consecutive days of work, the shift's day counted first: the rules' starts read it."""
    if not any(e.rule.consecutive_day is not None for e in earnings):
        return []
    return [
        "        // The shift's day counted as a day of work of its week; its place in its run, for the rules on it.",
        "        uint256 consecutiveDays = _countDayWorked(shift);",
    ]


#: Limit sentences whose running count lives in the worker's slot (`WorkerSlots.LIMITS_IN_SLOT`).
_LIMITS_IN_SLOT = 2
#: Up to this many competing earning rules, their starts are computed once into locals; beyond it (the
#: EVM reaches only 16 stack slots) each use calls the rule's start function again. A premium's start,
#: used once, is always a call.
_LOCAL_STARTS = 4
#: Generated lines longer than this are broken (solhint's and forge fmt's width).
_LINE = 120
#: Up to this many starts are combined in one nested expression; more, one statement each.
_NESTED = 3


def _earliest(starts: list[str], into: str, indent: str) -> tuple[list[str], str]:
    """The earliest of rule starts (`NEVER` for none): statements that compute it into local `into`
    when there are many (a deep expression would overflow the stack), and the expression to use."""
    if not starts:
        return [], "NEVER"
    if len(starts) <= _NESTED:
        expression = starts[-1]
        for start in reversed(starts[:-1]):
            expression = f"_earliest({start}, {expression})"
        return [], expression
    lines = [f"{indent}{into} = _earliest({starts[0]}, {starts[1]});"]
    lines += [f"{indent}{into} = _earliest({into}, {start});" for start in starts[2:]]
    return lines, into


def _position_constant(article: Article) -> str:
    """The constant naming an earning article's position: where its weekly/monthly pay accrues."""
    return f"{article_constant(article.id)}_POSITION"


def _counter_constant(article: Article, rule: LimitRule) -> str:
    """The constant naming a limit sentence's running count (`_limit`'s index)."""
    return _rule_name(article, [r for r in article.rules if isinstance(r, LimitRule)], rule, "COUNTER")


def _indices(statute: Statute, earnings: list[_Earning]) -> list[str]:
    """Named indices the rules pass: each earning article's position, each limit sentence's counter."""
    lines = []
    for position, article in enumerate(statute.articles):
        if any(e.article is article for e in earnings):
            lines += [
                f"    /// @dev Article {article.id}'s pay accrues at its position in the statute.",
                f"    uint256 private constant {_position_constant(article)} = {position};",
            ]
    for index, (article, rule) in enumerate(statute.rules(LimitRule)):
        where = "in the worker's slot" if index < _LIMITS_IN_SLOT else "in a slot of its own"
        lines += [
            f"    /// @dev {_rule_doc(article, rule, '').lstrip('/ ')} Its running count, {where}.",
            f"    uint256 private constant {_counter_constant(article, rule)} = {index};",
        ]
    return lines


def _windows(earnings: list[_Earning], constants: _Constants) -> dict[int, tuple[str, str]]:
    """Each windowed premium's opening and closing constants (minutes after local midnight), declared."""
    found = {}
    for earning in earnings:
        window, article = earning.rule.window, earning.article
        if window is None:
            continue
        siblings = [r for r in article.rules if isinstance(r, EarningRule)]
        names = tuple(_rule_name(article, siblings, earning.rule, what) for what in ("OPENS", "CLOSES"))
        for name, minutes, what in zip(names, (window.opens, window.closes), ("opens", "closes")):
            constants.lines += [
                f"    /// @dev Article {article.id}: its window {what} at {clock_text(minutes)}, local time.",
                f"    uint256 private constant {name} = {minutes}; // minutes after midnight",
            ]
        found[id(earning)] = (names[0], names[1])
    return found


_PERIOD_BIT = {Period.DAY: 1, Period.WEEK: 2, Period.MONTH: 4}


def _straight_time(counting: list[_Earning], straight: list[_Earning], start: dict[int, str]) -> list[str]:
    """Where the shift's overtime begins under the rules that count every hour, and the straight-time
    counts (`_countStraightTime`) that rules `not counting hours already paid as overtime` read: in
    the worker slot for a period no rule counts in full (no storage of its own), else a side slot."""
    overtime = [start[id(e)] for e in counting if e.millionths > _PREMIUM and not e.rule.additional]
    lines, earliest = _earliest(overtime, "shift.overtimeFrom", "        ")
    full = {e.rule.threshold_period for e in counting if e.rule.beyond is not None}
    read = {e.rule.threshold_period for e in straight}
    in_slot = sum(_PERIOD_BIT[period] for period in read - full)
    in_side = sum(_PERIOD_BIT[period] for period in read & full)
    return [
        "        // Hours paid as overtime by the rules that count every hour begin here; straight time ends.",
        *(lines or [f"        shift.overtimeFrom = {earliest};"]),
        "        // Straight-time counts per period (bit `Period`): in the worker slot, in a side slot.",
        f"        _countStraightTime(shift, {in_slot}, {in_side});",
    ]


def _apply_rules(statute: Statute, earnings: list[_Earning], constants: _Constants) -> list[str]:
    """`_applyRules`: the rules' starts, the limit sentences (unrolled), the worker stored, then the
    pay: per earning article, in article order, the rate-minutes its rules won, and its premiums'."""
    body: list[str] = _counts_days(earnings)
    windows = _windows(earnings, constants)
    straight = [e for e in earnings if e.rule.not_counting_overtime]
    counting = [e for e in earnings if not e.rule.not_counting_overtime and not e.rule.counts_overtime]
    competing = [e for e in earnings if not e.rule.additional]
    counts = _overtime_count_keys(earnings)
    of_overtime = any(e.rule.counts_overtime for e in earnings)
    calls = {id(e): e.call for e in earnings}
    # With rules counting overtime, every start is a call: their calls take more stack than locals leave.
    if len(competing) <= _LOCAL_STARTS and not of_overtime:
        # Competing rules' starts are used several times: locals. A premium's is used once: a call.
        start = {id(e): e.start[1:] if not e.rule.additional else calls[id(e)] for e in earnings}
        if competing:
            body.append("        // The shift minute each earning rule applies from (`NEVER`: not to this shift).")
        body += [f"        uint256 {e.start[1:]} = {e.call};" for e in counting if not e.rule.additional]
        body += _straight_time(counting, straight, start) if straight else []
        body += [f"        uint256 {e.start[1:]} = {e.call};" for e in straight if not e.rule.additional]
    else:
        start = calls
        body += _straight_time(counting, straight, start) if straight else []
        body += _overtime_counts(earnings, counts, start) if of_overtime else []
    limits = list(statute.rules(LimitRule))
    if len(competing) > _NESTED:  # a list of starts may then be long enough for statements
        body.append("        uint256 higher; // the earliest start of the rules paying more than the one at hand")
    if any(sum(e.article is a for e in earnings) > 1 for a in statute.articles):
        body.append("        uint256 rateMinutes; // an article's rules together")
    if not of_overtime and any(rule.measure is Measure.OVERTIME for _, rule in limits):
        overtime_rules = [e for e in earnings if e.millionths > _PREMIUM and not e.rule.additional]
        lines, premium = _earliest([start[id(e)] for e in overtime_rules], "higher", "        ")
        body += [
            "        // Overtime: the minutes paid above 100% of the wage, from the first premium rule's start.",
            *lines,
            f"        uint256 overtime = _minutesWon(shift, {premium}, NEVER);",
        ]
    for article, rule in limits:
        siblings = [r for r in article.rules if isinstance(r, LimitRule)]
        limit = constants.operand(rule.limit, _rule_name(article, siblings, rule, "LIMIT"), article)
        applies = "true" if rule.day_kind is None else f"shift.kind == {_DAY_KIND[rule.day_kind]}"
        added = "shift.length"
        if rule.measure is Measure.OVERTIME:  # with overtime counts, the overtime they count
            added = _OVERTIME_MINUTES if of_overtime else "overtime"
        if rule.period is Period.YEAR:
            body += [
                _rule_doc(article, rule),
                f"        _yearLimit(shift, {_counter_constant(article, rule)}, {article_constant(article.id)}, "
                f"{applies},",
                f"                   {limit}, {added});",
            ]
            continue
        body += [
            _rule_doc(article, rule),
            f"        _limit(shift, {_counter_constant(article, rule)}, {article_constant(article.id)}, "
            f"{_PERIOD[rule.period]}, "
            f"{applies},",
            f"               {limit}, {added});",
        ]
    body += ["        _storeWorker(shift); // the worker's record is complete before any payment"]
    if earnings:
        body.append("        // Rates are below 2^64 and a shift below 2^11 minutes: no product or sum overflows.")
        body.append("        unchecked {")
    for article in statute.articles:
        mine = [e for e in earnings if e.article is article]
        if not mine:
            continue
        if len(mine) == 1:
            lines, higher = _earliest([start[id(e)] for e in earnings if e.beats(mine[0])], "higher", " " * 12)
            minutes = mine[0].minutes(start[id(mine[0])], higher, windows.get(id(mine[0])))
            body += ["    " + _rule_doc(article, mine[0].rule), *lines]
            body.append(f"            _earned(shift, {_position_constant(article)}, {article_constant(article.id)},")
            body.append(f"                    {mine[0].rate} * {minutes});")
            continue
        for index, earning in enumerate(mine):
            lines, higher = _earliest([start[id(e)] for e in earnings if e.beats(earning)], "higher", " " * 12)
            minutes = earning.minutes(start[id(earning)], higher, windows.get(id(earning)))
            body += ["    " + _rule_doc(article, earning.rule), *lines]
            line = f"            rateMinutes {'+=' if index else '='} {earning.rate} * {minutes};"
            if len(line) > _LINE:
                line = f"            rateMinutes {'+=' if index else '='} {earning.rate}\n                * {minutes};"
            body.append(line)
        body.append(
            f"            _earned(shift, {_position_constant(article)}, {article_constant(article.id)}, rateMinutes);"
        )
    if earnings:
        body.append("        }")
    return body


#: The shift's overtime minutes where rules count overtime: from where it begins (field 0) to the end.
_OVERTIME_MINUTES = "shift.length - _overtimeField(overtime, 0)"


def _overtime_count_keys(earnings: list[_Earning]) -> list[tuple[DayKind | None, Period]]:
    """The overtime counts rules `each hour of overtime beyond D in a P` read: per kind of day and
    period, in a fixed order (each is `_countOvertime`'s index)."""
    keys = {(e.rule.day_kind, e.rule.threshold_period) for e in earnings if e.rule.counts_overtime and e.rule.beyond}
    return sorted(keys, key=str)


def _overtime_arguments(earning: _Earning) -> str:
    """What a rule counting overtime reads besides the shift: where overtime begins and the counts."""
    return ", overtime" if earning.rule.counts_overtime else ""


def _overtime_counts(
    earnings: list[_Earning], counts: list[tuple[DayKind | None, Period]], start: dict[int, str]
) -> list[str]:
    """Where the shift's overtime begins (the first start of a competing rule above 100% that counts
    hours, not overtime), how much of it there is, and each overtime count before it (the shift's own
    added to counts of its kind of day)."""
    begins = [
        start[id(e)]
        for e in earnings
        if e.millionths > _PREMIUM and not e.rule.additional and not e.rule.counts_overtime
    ]
    lines, earliest = _earliest(begins, "overtime", "        ")
    body = [
        "        // Overtime, as limit sentences count it: from the first rule above 100% counting hours worked.",
        "        // One word for the rules counting overtime (the stack is full): field 0, where it begins (at",
        "        // most the shift's length); field 1 + i, overtime count i before the shift (`_overtimeField`).",
        "        uint256 overtime;",
        *(lines or [f"        overtime = {earliest};"]),
        "        if (overtime > shift.length) overtime = shift.length; // the shift's overtime: length - field 0",
    ]
    for index, (kind, period) in enumerate(counts):
        count = (
            f"overtime |= _countOvertime(shift, {index}, {_PERIOD_START[period]}, {_OVERTIME_MINUTES})"
            f" << {32 * (index + 1)};"
        )
        if kind is None:
            body.append(f"        {count}")
        else:
            body += [f"        if (shift.kind == {_DAY_KIND[kind]}) {{", f"            {count}", "        }"]
    return body


def _uses_counts(statute: Statute) -> bool:
    """The statute needs `WorkingTimeCounts`: a limit in a year, or a rule counting overtime."""
    return any(rule.period is Period.YEAR for _, rule in statute.rules(LimitRule)) or any(
        rule.counts_overtime for _, rule in statute.rules(EarningRule)
    )


def _year_begins(statute: Statute) -> list[str]:
    """The effective date's month and day, where the statute's years begin."""
    effective = statute.header.effective
    return [
        "",
        f"    /// @dev Years begin on the effective date's month and day: {effective:%B} {effective.day}.",
        "    function _yearBegins() internal pure override returns (uint256 month, uint256 dayOfMonth) {",
        f"        return ({effective.month}, {effective.day});",
        "    }",
    ]


def _minimum_wage(statute: Statute) -> list[str]:
    """The statute's minimum hourly wage (minor units), which `employ` and `changeWage` enforce."""
    found = statute.rule(MinimumWageRule)
    if found is None:
        return [
            "",
            "    /// @dev The statute sets no minimum hourly wage.",
            "    function _minimumHourlyWage() internal pure override returns (uint256) {",
            "        return 0;",
            "    }",
        ]
    article, rule = found
    return [
        "",
        f"    /// @notice {_rule_doc(article, rule, '').lstrip('/ ')}",
        f"    uint256 public constant MINIMUM_HOURLY_WAGE = {minimum_hourly_wage(statute)}; // minor units",
        "",
        "    function _minimumHourlyWage() internal pure override returns (uint256) {",
        "        return MINIMUM_HOURLY_WAGE;",
        "    }",
    ]


def _article_lookup(statute: Statute, earnings: list[_Earning]) -> list[str]:
    lines = [
        "    /// @dev The earning article at each accrual position (weekly/monthly pay names it).",
        "    function _article(uint256 position) internal pure override returns (bytes32) {",
    ]
    lines += [
        f"        if (position == {_position_constant(article)}) return {article_constant(article.id)};"
        for article in statute.articles
        if any(e.article is article for e in earnings)
    ]
    return lines + ["        return bytes32(0);", "    }"]


def _articles(statute: Statute) -> list[str]:
    lines = []
    for article in statute.articles:
        lines += natspec(f'Article {article.id} "{article.title}"', "    ", "@notice")
        if article.wording:
            lines += natspec(article.wording, "    ", "@custom:wording")
        lines.append(f'    bytes32 public constant {article_constant(article.id)} = "{article.id}";')
    return lines


def generate(statute: Statute) -> GeneratedContract:
    header = statute.header
    name = contract_name(statute)
    positions = {article.id: i for i, article in enumerate(statute.articles)}
    constants = _term_constants(statute)
    earnings = _resolve_earnings(statute, constants)
    starts = _start_functions(earnings, constants)
    rules = _apply_rules(statute, earnings, constants)
    slots = max((positions[e.article.id] + 1 for e in earnings), default=0)
    found = statute.rule(WagePaymentRule)
    assert found is not None, "a checked working-time statute has its payment sentence"
    pay_article, pay_rule = found
    base = "WorkingTimeCounts" if _uses_counts(statute) else "WorkingTimeStatute"
    if zone_table(header) is not None:  # the checker refuses counts in such a zone, for now
        base = "ZonedWorkingTimeStatute"
    lines = [
        *contract_opening(
            statute,
            base,
            "Governs working time",
            f" from {header.effective.isoformat()}; wages are paid in {header.currency}.",
        ),
        "",
        "    // ---------------------------------------------------------------- calendar",
        *calendar(statute),
        "",
        "    // ---------------------------------------------------------------- articles",
        *_articles(statute),
        "",
        "    // ---------------------------------------------------------------- terms",
        *constants.lines,
        *_minimum_wage(statute),
        *(_year_begins(statute) if base == "WorkingTimeCounts" else []),
        "",
        "    // ---------------------------------------------------------------- what the rules pass",
        *_indices(statute, earnings),
        "",
        *natspec(f"Article {pay_article.id}: {' '.join(rule_atoms(pay_rule))}.", "    ", "@notice"),
        "    constructor(IERC20 currency, address authority)",
        f"        {base}(",
        "            currency,",
        "            authority,",
        f'            "{header.version}",',
        "            Calendar({effectiveDay: EFFECTIVE_DAY, timeZoneOffset: TIME_ZONE_OFFSET,"
        " restDays: REST_DAYS, weekStart: WEEK_START}),",
        f"            {_SCHEDULE[pay_rule.schedule]}",
        "        )",
        "    {}",
        "",
        "    // ---------------------------------------------------------------- earning rules",
        "    // Each rule applies to a suffix of a shift; each minute is paid under the highest rate that",
        "    // applies to it (the earlier rule on a tie), so a rule pays from its start until a higher one starts.",
        *(
            ["    // A premium (`an additional` rate) pays on top, for every minute of its suffix (inside its window)."]
            if any(e.rule.additional for e in earnings)
            else []
        ),
        "",
        *starts,
        "    /// @dev A finished shift under the statute: its limit sentences in article order (each",
        "    /// reports once per period instance), then one payment (or accrual) per earning article.",
        "    function _applyRules(Shift memory shift) internal override {",
        *rules,
        "    }",
        "",
        "    /// @dev Accrual slots per pay period: article positions up to the last earning article.",
        "    function _articleSlots() internal pure override returns (uint256) {",
        f"        return {slots};",
        "    }",
        "",
        *holidays(statute),
        "",
        *_article_lookup(statute, earnings),
        *([] if zone_table(header) is None else clock_table_overrides()),
        "}",
        "",
    ]
    return GeneratedContract(name, "\n".join(lines))

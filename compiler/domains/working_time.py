"""A working-time statute → a contract inheriting `contracts/WorkingTimeStatute.sol`.

The base contract holds the semantics (SPEC §4); the generated contract holds
the law: its terms as named constants, each rule as a struct literal under
the article's official wording, the calendar (rest days, public holidays,
time zone, week start) and the payment schedule. Someone reading the
contract next to the statute should find every sentence in it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from lawdsl.ast import (WEEKDAYS, Article, DayKind, Duration, EarningRule, LimitRule, Lit, Measure,
                        Operand, PaySchedule, Percentage, Period, Ref, Statute, Term,
                        WagePaymentRule)
from lawdsl.formatter import rule_atoms

from ..generate import GeneratedContract
from ..naming import article_constant, constant_name, contract_name, natspec, string_literal

EPOCH = dt.date(1970, 1, 1)
_DAY_KIND = {None: "DayKind.Any", DayKind.WORKDAY: "DayKind.Workday",
             DayKind.REST_DAY: "DayKind.RestDay", DayKind.PUBLIC_HOLIDAY: "DayKind.PublicHoliday"}
_PERIOD = {Period.DAY: "Period.Day", Period.WEEK: "Period.Week", Period.MONTH: "Period.Month"}
_SCHEDULE = {PaySchedule.CLOCK_OUT: "PaySchedule.ClockOut", PaySchedule.WEEK: "PaySchedule.EndOfWeek",
             PaySchedule.MONTH: "PaySchedule.EndOfMonth"}
_MEASURE = {Measure.OVERTIME: "Measure.Overtime", Measure.HOURS: "Measure.HoursWorked"}


def day_number(date: dt.date) -> int:
    """Days since 1970-01-01: how the contract names a local date."""
    return (date - EPOCH).days


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
    if isinstance(value, Duration):
        return [f"    /// @notice {note}: {value}.",
                f"    uint32 {visibility} constant {name} = {value.minutes}; // minutes"]
    assert isinstance(value, Percentage)
    return [f"    /// @notice {note}: {value} = {value.millionths:_} / 1_000_000 of the hourly wage.",
            f"    uint64 {visibility} constant {name} = {value.millionths:_};"]


def _term_constants(statute: Statute) -> _Constants:
    constants = _Constants([], {})
    for index, term in enumerate(t for t in statute.terms if isinstance(t, Term)):
        if not isinstance(term.value, (Duration, Percentage)):
            continue
        name = constant_name(term.name, f"TERM_{index + 1}")
        constants.names[term.key] = name
        # Internal: a term's name is wording (it differs between a statute's languages), and a
        # public getter would put it into the runtime code; the value reaches the rules all the same.
        constants.lines += _constant(name, term.value, f'"{term.name}"', "internal")
    return constants


def _rule_doc(article: Article, rule: object) -> list[str]:
    """The rule's canonical sentence above its struct literal (a plain comment: inside a body)."""
    return [f"        // Article {article.id}: {' '.join(rule_atoms(rule))}."]


def _rule_name(article: Article, rules_in_article: list, rule: object, what: str) -> str:
    suffix = f"_RULE_{rules_in_article.index(rule) + 1}" if len(rules_in_article) > 1 else ""
    return f"{article_constant(article.id)}{suffix}_{what}"


def _earning_rules(statute: Statute, constants: _Constants, positions: dict[str, int]) -> list[str]:
    found = list(statute.rules(EarningRule))
    body = [f"        rules = new uint256[]({len(found)});"]
    for index, (article, rule) in enumerate(found):
        siblings = [r for r in article.rules if isinstance(r, EarningRule)]
        rate = constants.operand(rule.rate, _rule_name(article, siblings, rule, "RATE"), article)
        threshold = ("0" if rule.beyond is None else
                     constants.operand(rule.beyond, _rule_name(article, siblings, rule, "THRESHOLD"), article))
        body += _rule_doc(article, rule)
        body += [
            f"        rules[{index}] = _earning({{",
            f"            position: {positions[article.id]}, // {article_constant(article.id)}",
            f"            rate: {rate},",
            f"            dayKind: {_DAY_KIND[rule.day_kind]},",
            f"            threshold: {threshold},",
            f"            period: {_PERIOD[rule.threshold_period]},",
            f"            unlessTimeOff: {'true' if rule.unless_time_off else 'false'}",
            "        });",
        ]
    return body


def _limit_rules(statute: Statute, constants: _Constants, positions: dict[str, int]) -> list[str]:
    found = list(statute.rules(LimitRule))
    body = [f"        rules = new uint256[]({len(found)});"]
    for index, (article, rule) in enumerate(found):
        siblings = [r for r in article.rules if isinstance(r, LimitRule)]
        limit = constants.operand(rule.limit, _rule_name(article, siblings, rule, "LIMIT"), article)
        body += _rule_doc(article, rule)
        body += [
            f"        rules[{index}] = _limit({{",
            f"            position: {positions[article.id]}, // {article_constant(article.id)}",
            f"            measure: {_MEASURE[rule.measure]},",
            f"            limit: {limit},",
            f"            period: {_PERIOD[rule.period]},",
            f"            dayKind: {_DAY_KIND[rule.day_kind]}",
            "        });",
        ]
    return body


def _holidays(statute: Statute) -> list[str]:
    dates = sorted(statute.public_holidays)
    if not dates:
        return ["    function _isPublicHoliday(uint256) internal pure override returns (bool) {",
                "        return false; // the statute names no public holidays",
                "    }"]
    tests = [f"day == {day_number(d)} // {d.isoformat()}" for d in dates]
    lines = ["    /// @notice Public holidays as local day numbers (days since 1970-01-01).",
             "    function _isPublicHoliday(uint256 day) internal pure override returns (bool) {",
             f"        return {tests[0]}"]
    lines += [f"            || {test}" for test in tests[1:]]
    lines[-1] = lines[-1].replace(" //", "; //", 1)
    return lines + ["    }"]


def _article_lookup(statute: Statute) -> list[str]:
    lines = ["    /// @notice The article at each position in the statute (rules name their article by position).",
             "    function _article(uint256 position) internal pure override returns (bytes32) {"]
    lines += [f"        if (position == {i}) return {article_constant(article.id)};"
              for i, article in enumerate(statute.articles)]
    return lines + ["        return bytes32(0);", "    }"]


def _articles(statute: Statute) -> list[str]:
    lines = []
    for article in statute.articles:
        lines += natspec(f'Article {article.id} "{article.title}"', "    ", "@notice")
        if article.wording:
            lines += natspec(article.wording, "    ", "@custom:wording")
        lines.append(f'    bytes32 public constant {article_constant(article.id)} = "{article.id}";')
    return lines


def _calendar(statute: Statute) -> list[str]:
    header = statute.header
    rest = sorted(statute.rest_days)
    mask = " | ".join(f"(1 << {d})" for d in rest) or "0"
    names = ", ".join(WEEKDAYS[d] for d in rest) or "none"
    return [
        f"    /// @notice Effective {header.effective.isoformat()}, as a local day number.",
        f"    uint32 public constant EFFECTIVE_DAY = {day_number(header.effective)};",
        f"    /// @notice Time zone {header.time_zone}, in seconds east of UTC.",
        f"    int32 public constant TIME_ZONE_OFFSET = {header.time_zone.offset_minutes * 60};",
        f"    /// @notice Rest days: {names} (bit i = weekday i, Monday = 0).",
        f"    uint8 public constant REST_DAYS = {mask};",
        f"    /// @notice Weeks begin on {WEEKDAYS[statute.week_start]} (Monday = 0).",
        f"    uint8 public constant WEEK_START = {statute.week_start};",
    ]


def generate(statute: Statute) -> GeneratedContract:
    header = statute.header
    name = contract_name(statute)
    positions = {article.id: i for i, article in enumerate(statute.articles)}
    if len(positions) > 256:  # rules carry their article's position in 8 bits
        raise ValueError(f"{statute.source_name}: a working-time contract holds at most 256 articles")
    constants = _term_constants(statute)
    earning = _earning_rules(statute, constants, positions)
    limits = _limit_rules(statute, constants, positions)
    found = statute.rule(WagePaymentRule)
    assert found is not None, "a checked working-time statute has its payment sentence"
    pay_article, pay_rule = found
    jurisdiction = f" in {header.jurisdiction}" if header.jurisdiction else ""

    lines = [
        "// SPDX-License-Identifier: UNLICENSED",
        f"// Generated by lawdsl from {Path(statute.source_name).name}. Do not edit: amend the statute and recompile.",
        "pragma solidity 0.8.30;",
        "",
        'import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";',
        'import {WorkingTimeStatute} from "../WorkingTimeStatute.sol";',
        "",
        *natspec(f"{header.title}, version {header.version}", "", "@title"),
        *natspec(f"Governs working time{jurisdiction} from {header.effective.isoformat()}; "
                 f"wages are paid in {header.currency}.", "", "@notice"),
    ]
    if statute.preamble:
        lines += natspec(statute.preamble, "", "@custom:preamble")
    lines += [
        f"contract {name} is WorkingTimeStatute {{",
        f"    uint256 public constant VERSION = {header.version};",
        "",
        "    // ---------------------------------------------------------------- calendar",
        *_calendar(statute),
        "",
        "    // ---------------------------------------------------------------- articles",
        *_articles(statute),
        "",
        "    // ---------------------------------------------------------------- terms",
        *constants.lines,
        "",
        *natspec(f"Article {pay_article.id}: {' '.join(rule_atoms(pay_rule))}.", "    ", "@notice"),
        "    constructor(IERC20 currency, address authority)",
        "        WorkingTimeStatute(",
        "            currency,",
        "            authority,",
        f'            "{header.version}",',
        "            Calendar({effectiveDay: EFFECTIVE_DAY, timeZoneOffset: TIME_ZONE_OFFSET,"
        " restDays: REST_DAYS, weekStart: WEEK_START}),",
        f"            {_SCHEDULE[pay_rule.schedule]}",
        "        )",
        "    {}",
        "",
        "    /// @notice Earning rules in article order; each minute is paid under the highest rate.",
        "    function _earningRules() internal pure override returns (uint256[] memory rules) {",
        *earning,
        "    }",
        "",
        "    /// @notice Limit sentences in article order; each reports once per period instance.",
        "    function _limitRules() internal pure override returns (uint256[] memory rules) {",
        *limits,
        "    }",
        "",
        *_holidays(statute),
        "",
        *_article_lookup(statute),
        "}",
        "",
    ]
    return GeneratedContract(name, "\n".join(lines))

"""Hypothesis strategies for valid statutes of every domain, on both surfaces.

A statute is drawn as an AST built from the grammar's sentence forms (every
optional sentence and clause, terms or literals as operands, names that
contain the language's keywords, public holidays anywhere in a year, rest
days, week starts, time zones, premiums with time-of-day windows, counts
that leave out overtime, counts of overtime hours, years, half-month pay, rules on the Nth
consecutive day of work), then
written out by the formatter in English or Chinese and read back through
`load_text`: what a test gets is what a legislator could have typed,
accepted by `lawdsl check`.

`written(statute)` gives the source text; `checked(statute)` parses and
checks it. The strategies draw well-formed sentences only, so a statute
that does not read back is itself a bug in lawdsl (the formatter, the
lexer or the checker), and the tests say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from hypothesis import strategies as st

from lawdsl import ast as A
from lawdsl.check import bounds as B
from lawdsl.formatter import render
from lawdsl.load import load_text
from lawdsl.money import CURRENCY_DIGITS, Money
from lawdsl.zones import TABLE_YEARS, zone_table

T = TypeVar("T")

#: Names per surface and kind. Many contain keywords of the language ("time", "hours", "week",
#: "加班", "休息日"): the lexer must take the longest declared name.
NAMES: dict[str, dict[str, list[str]]] = {
    "en": {
        "firm": [
            "employer",
            "overtime employer",
            "hourly wage payer",
            "merchant",
            "supplier",
            "week end shop",
            "registered merchant in town",
            "grain supplier",
        ],
        "worker": ["employee", "hourly worker", "rest day worker", "non-exempt employee", "worker on time"],
        "device": ["attendance device", "time clock", "overtime gate", "inspection station", "public holiday scanner"],
        "agency": [
            "commerce bureau",
            "state reserve",
            "voucher office",
            "civil affairs bureau",
            "bureau of time and wages",
            "delivery agency",
        ],
        "citizen": ["resident", "each citizen holder", "household", "voucher holder"],
        "term": [
            "standard day",
            "standard-day",
            "daily overtime limit",
            "monthly overtime limit",
            "weekly time cap",
            "rest day premium",
            "holiday rate",
            "premium",
            "maximum workweek",
            "threshold",
            "face value",
            "eligible categories",
            "validity period",
            "minimum purchase",
            "maximum share",
            "price ceiling",
            "bidding period",
            "reveal period",
            "delivery deadline",
            "deposit rate",
            "late penalty",
            "effective day",
            "rest days",
            "never",
            "holidays from",
            "hours worked limit",
            "end of week rate",
            "value of each bid",
        ],
        "unit": ["kilograms", "tonnes", "units", "litres"],
        "text": [
            "wheat",
            "laptops",
            "groceries",
            "household appliances",
            "restaurants",
            "books",
            "time off",
            "hours worked",
            "low income household",
            "overtime",
            "each day",
        ],
    },
    "zh": {
        "firm": ["用人单位", "加班企业", "商户", "供应商", "粮食供应商", "每周商店"],
        "worker": ["劳动者", "小时工", "休息日职工", "加班员工"],
        "device": ["考勤机", "打卡机", "检验站", "工作时间记录仪"],
        "agency": ["商务局", "国家储备局", "民政局", "消费券办公室", "采购中心"],
        "citizen": ["居民", "持券人", "低收入家庭"],
        "term": [
            "标准工作日",
            "每日加班上限",
            "每月加班上限",
            "每周工作上限",
            "休息日加班费率",
            "节假日费率",
            "面值",
            "适用类别",
            "有效期",
            "最低消费",
            "最高比例",
            "最高限价",
            "投标期",
            "揭示期",
            "交付期限",
            "保证金比例",
            "逾期费率",
            "加班门槛",
            "工作时长上限",
        ],
        "unit": ["公斤", "吨", "台", "升"],
        "text": ["小麦", "笔记本电脑", "日用品", "家用电器", "餐饮", "图书", "低收入家庭", "加班"],
    },
}
CURRENCIES = sorted(CURRENCY_DIGITS)
YEARS = range(2025, 2031)
#: The first and last dates a statute may name, and the last effective date whose year has room left.
BOUND_DATES = [B.FIRST_DATE, B.LAST_DATE]

surfaces = st.sampled_from(["en", "zh"])
#: Shares of a contract price (a cap on deductions, a performance security): more than 0%, at most 100%.
contract_shares = st.integers(1, 1_000_000).map(A.Percentage)
percentages = st.one_of(
    st.integers(0, 10_000).map(lambda p: A.Percentage(p * 10_000)),  # whole percents up to 10,000%
    st.integers(0, 1_000_000).map(lambda p: A.Percentage(p * 100)),  # four decimals
    st.integers(0, B.MAX_PERCENT_MILLIONTHS // 100).map(lambda p: A.Percentage(p * 100)),  # up to the bound
)
weekdays = st.integers(0, 6).map(A.Weekday)
#: Zones of the tz database: clocks that change in both hemispheres, one that changes at midnight
#: (Santiago), and one that keeps one offset (Tokyo, counted as +09:00). A working-time contract in a
#: zone whose clocks change carries the table of its changes.
named_zones = st.sampled_from(
    ["America/Los_Angeles", "Europe/Berlin", "Australia/Sydney", "America/Santiago", "Asia/Tokyo"]
).map(lambda name: A.TimeZone(name=name))
time_zones = st.integers(-14 * 4, 14 * 4).map(lambda quarters: A.TimeZone(quarters * 15)) | named_zones
#: `on the second … seventh consecutive day of work in a week`.
consecutive_days = st.integers(2, 7).map(lambda nth: A.ConsecutiveDay(nth, A.Period.WEEK))
#: Times of day, often on the hour; a window's two differ and may cross midnight.
clocks = st.integers(0, 23).map(lambda hour: hour * 60) | st.integers(0, 24 * 60 - 1)
windows = st.tuples(clocks, clocks).filter(lambda pair: pair[0] != pair[1]).map(lambda pair: A.Window(*pair))


@st.composite
def durations(draw: st.DrawFn, most_minutes: int = 60 * 24 * 400) -> A.Duration:
    """A positive duration in the unit it is written in (`90 minutes`, `7.5 hours`, `3 days`, `2 weeks`)."""
    unit = draw(st.sampled_from(["minute", "hour", "hour", "day", "week"]))
    if draw(st.integers(0, 9)) == 0:  # now and then, up to the longest a contract holds
        most_minutes = B.MAX_DURATION_MINUTES
    per = A.Duration.UNIT_MINUTES[unit]
    if unit == "hour":  # halves and quarters of an hour are written as decimals
        return A.Duration(draw(st.integers(1, most_minutes // 15)) * 15, unit)
    return A.Duration(draw(st.integers(1, max(1, most_minutes // per))) * per, unit)


def money(currency: str, most_major: int = 10**9) -> st.SearchStrategy[Money]:
    """Amounts a law would write, and now and then the largest a contract holds."""
    scale = 10 ** CURRENCY_DIGITS[currency]
    return (st.integers(1, most_major * scale) | st.just(B.MAX_MINOR)).map(lambda minor: Money(currency, minor))


def dates_in(year: int) -> st.SearchStrategy[dt.date]:
    return st.dates(max(dt.date(year, 1, 1), B.FIRST_DATE), min(dt.date(year, 12, 31), B.LAST_DATE))


@st.composite
def date_ranges(draw: st.DrawFn, year: int) -> A.DateRange:
    first = draw(dates_in(year))
    return A.DateRange(first, first + dt.timedelta(days=draw(st.integers(0, min(400, (B.LAST_DATE - first).days)))))


class _Names:
    """Distinct names of one surface, drawn without repeats (keys differ, as the checker requires)."""

    def __init__(self, draw: st.DrawFn, language: str) -> None:
        self.draw, self.pool, self.used = draw, NAMES[language], set[str]()

    def __call__(self, kind: str) -> str:
        name = self.draw(st.sampled_from([n for n in self.pool[kind] if A.name_key(n) not in self.used]))
        self.used.add(A.name_key(name))
        return name


class _Terms:
    """The statute's terms: each operand is either a literal or a term declared here."""

    def __init__(self, draw: st.DrawFn, names: _Names) -> None:
        self.draw, self.names, self.sentences = draw, names, list[A.TermSentence]()

    def operand(self, values: st.SearchStrategy[A.Literal], written: bool = True) -> A.Operand:
        """A literal or a term; `written=False` for values only a term can state (lists, date ranges)."""
        value = self.draw(values)
        if written and not self.draw(st.booleans()):
            return A.Lit(value)
        name = self.names("term")
        self.sentences.append(A.Term(name, value))
        return A.Ref(name)


def _header(
    draw: st.DrawFn, domain: A.Domain, language: str, currency: str | None = None, effective: dt.date | None = None
) -> A.Header:
    """A header; `currency` and `effective` pin what a scenario written in advance needs."""
    currency = currency or draw(st.sampled_from(CURRENCIES))
    jurisdiction = draw(st.none() | st.sampled_from(NAMES[language]["text"]))
    return A.Header(
        title="generated",
        domain=domain,
        version=draw(st.integers(1, 10**6) | st.just(B.MAX_VERSION)),
        effective=effective
        or draw(st.dates(dt.date(2025, 1, 1), dt.date(2030, 12, 31)) | st.sampled_from(BOUND_DATES)),
        currency=currency,
        time_zone=draw(time_zones),
        jurisdiction=jurisdiction,
    )


def _articles(draw: st.DrawFn, rules: list[A.Rule], language: str) -> tuple[A.Article, ...]:
    """The rules in their order, cut into articles with distinct dotted ids and titles."""
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(rules) - 1)), max_size=len(rules) - 1)))
    return _articles_of(draw, [rules[a:b] for a, b in zip([0, *cuts], [*cuts, len(rules)]) if rules[a:b]], language)


def _articles_of(draw: st.DrawFn, groups: list[list[A.Rule]], language: str) -> tuple[A.Article, ...]:
    """Each group of rules an article, with distinct dotted ids and titles."""
    ids = draw(
        st.lists(
            st.tuples(st.integers(1, 300) | st.just(10**9), st.none() | st.integers(1, 9)),
            min_size=len(groups),
            max_size=len(groups),
            unique=True,
        )
    )
    titles = NAMES[language]["text"]
    wording = st.none() | st.sampled_from(["Official wording of the article.", "法律条文原文。"])
    return tuple(
        A.Article(
            f"{major}" if minor is None else f"{major}.{minor}",
            draw(st.sampled_from(titles)),
            tuple(group),
            draw(wording),
        )
        for (major, minor), group in zip(ids, groups)
    )


def _statute(
    header: A.Header,
    parties: list[A.Party],
    terms: list[A.TermSentence],
    articles: tuple[A.Article, ...],
    language: str,
) -> A.Statute:
    return A.Statute(
        header,
        tuple(parties),
        tuple(terms),
        articles,
        language=language,
        source_name="generated.zh.law" if language == "zh" else "generated.law",
    )


# ---------------------------------------------------------------- working time


@st.composite
def working_time_statutes(
    draw: st.DrawFn, language: str | None = None, currency: str | None = None, effective: dt.date | None = None
) -> A.Statute:
    language = language or draw(surfaces)
    names = _Names(draw, language)
    header = _header(draw, A.Domain.WORKING_TIME, language, currency, effective)
    firm, worker, device = names("firm"), names("worker"), names("device")
    parties = [
        A.Party(firm, A.PartyKind.FIRM),
        A.Party(worker, A.PartyKind.WORKER),
        A.Party(device, A.PartyKind.DEVICE),
    ]
    terms = _Terms(draw, names)
    day_kinds = st.none() | st.sampled_from(list(A.DayKind))
    periods = st.sampled_from([A.Period.DAY, A.Period.WEEK, A.Period.MONTH])  # what hours worked are counted in
    limit_periods = periods | st.just(A.Period.YEAR)
    # A zone whose clocks change leaves room for fewer sentences (its contract carries the table), and
    # takes no counts of overtime or years yet.
    fewer = B.CLOCK_TABLE_RULES if zone_table(header) is not None else 0
    # Counts of overtime and years are drawn in one statute in four, within their bounds (bounds.py).
    counts = draw(st.integers(0, 3)) == 0 and not fewer
    rules: list[A.Rule] = []
    most_earning = B.MAX_EARNING_WITH_COUNTS if counts else B.MAX_WORKING_TIME_RULES - fewer
    for index in range(draw(st.integers(1, 6 - fewer) | st.just(most_earning))):
        of_overtime = counts and index == 0  # the one count of overtime a statute with counts may have
        beyond = terms.operand(durations(60 * 24 * 31)) if draw(st.booleans()) else None
        additional = draw(st.sampled_from([False, False, True]))  # premiums: added to the rate in force
        day_kind = draw(day_kinds)
        rules.append(
            A.EarningRule(
                terms.operand(percentages),
                day_kind,
                beyond,
                draw(st.none() | (limit_periods if of_overtime else periods)) if beyond else None,
                draw(st.booleans()),
                draw(st.none() | windows) if additional else None,
                additional,
                draw(st.booleans()) if beyond and not of_overtime else False,  # not counting hours paid as overtime
                of_overtime,
                # `on the Nth consecutive day of work in a week`, in place of a kind of day (not beside counts)
                consecutive_day=draw(st.none() | consecutive_days)
                if day_kind is None and not counts and not fewer
                else None,
            )
        )
    newer = any(isinstance(r, A.EarningRule) and (r.window or r.not_counting_overtime) for r in rules)
    most_limits = (B.MAX_LIMITS_WITH_WINDOWS if newer else B.MAX_WORKING_TIME_RULES) - fewer
    if counts:
        most_limits = B.MAX_LIMITS_WITH_COUNTS
    if any(isinstance(r, A.EarningRule) and r.consecutive_day for r in rules):  # a smaller contract's bounds
        rules = rules[: B.MAX_EARNING_WITH_CONSECUTIVE_DAYS]
        most_limits = min(most_limits, B.MAX_RULES_WITH_CONSECUTIVE_DAYS - len(rules))
    for _ in range(draw(st.integers(0, min(3, most_limits)) | st.just(most_limits))):
        rules.append(
            A.LimitRule(
                draw(st.sampled_from(list(A.Measure))),
                terms.operand(durations(60 * 24 * 31)),
                draw(limit_periods if counts else periods),
                draw(day_kinds),
            )
        )
    rules = draw(st.permutations(rules))
    payment = A.WagePaymentRule(A.Ref(firm), A.Ref(worker), draw(st.sampled_from(list(A.PaySchedule))))
    rules.insert(draw(st.integers(0, len(rules))), payment)
    if counts:  # earning sentences in at most 3 articles; the other sentences in one of their own
        earning = [r for r in rules if isinstance(r, A.EarningRule)]
        others = [r for r in rules if not isinstance(r, A.EarningRule)]
        most_cuts = min(len(earning) - 1, B.MAX_EARNING_ARTICLES_WITH_COUNTS - 1)
        cuts = sorted(draw(st.sets(st.integers(1, max(1, len(earning) - 1)), max_size=most_cuts)))
        groups = [earning[a:b] for a, b in zip([0, *cuts], [*cuts, len(earning)])]
        articles = _articles_of(draw, [*groups, others], language)
    else:
        articles = _articles(draw, rules, language)
    calendar: list[A.TermSentence] = []
    if draw(st.booleans()):
        calendar.append(A.RestDays(tuple(sorted(draw(st.sets(weekdays, min_size=1)), key=lambda d: d.index))))
    if draw(st.booleans()):
        year = draw(st.sampled_from(YEARS))
        first = dt.date(year, 1, 1)
        span = B.MAX_HOLIDAY_YEARS
        widest = st.dates(first, first + dt.timedelta(days=int(span * 365.25)))
        holidays = draw(st.sets(dates_in(year) | dates_in(year + 1) | widest, min_size=1, max_size=30))
        if fewer:  # holidays within the table of clock changes (also for tests that redraw 2025-2030)
            last = min(header.effective.year, YEARS[0]) + TABLE_YEARS
            holidays = {day for day in holidays if day.year < last}
        if holidays:
            calendar.append(A.PublicHolidays(tuple(sorted(holidays))))
    if draw(st.booleans()):
        calendar.append(A.WeekStart(draw(weekdays)))
    return _statute(header, parties, draw(st.permutations([*terms.sentences, *calendar])), articles, language)


# ---------------------------------------------------------------- vouchers


@st.composite
def voucher_statutes(
    draw: st.DrawFn, language: str | None = None, currency: str | None = None, effective: dt.date | None = None
) -> A.Statute:
    language = language or draw(surfaces)
    names = _Names(draw, language)
    header = _header(draw, A.Domain.VOUCHERS, language, currency, effective)
    issuer, holder, merchant = names("agency"), names("citizen"), names("firm")
    attester = names("agency") if draw(st.booleans()) else None
    parties = [
        A.Party(issuer, A.PartyKind.AGENCY),
        A.Party(holder, A.PartyKind.CITIZEN),
        A.Party(merchant, A.PartyKind.FIRM),
    ]
    if attester:
        parties.append(A.Party(attester, A.PartyKind.AGENCY))
    terms = _Terms(draw, names)
    currency, year = header.currency, header.effective.year
    texts = NAMES[language]["text"]
    attribute = draw(st.none() | st.sampled_from(texts))
    included = {name: draw(st.booleans()) for name in ("when", "minimum", "share", "split", "transfer", "expiry")}
    during, expiry = draw(date_ranges(year)), draw(date_ranges(year))
    parts = draw(
        _instalment_parts(header, during if included["when"] else None, expiry if included["expiry"] else None)
    )
    face = st.just(Money(currency, sum(amount for amount, _ in parts))) if parts else money(currency, 10**6)
    rules: list[A.Rule] = [
        A.IssueRule(
            A.Ref(issuer),
            terms.operand(face),
            A.Ref(holder),
            attribute,
            A.Ref(attester) if attester and attribute else None,
        ),
        A.WhereRule(
            A.Ref(merchant),
            terms.operand(
                st.lists(st.sampled_from(texts), min_size=1, max_size=5, unique=True).map(
                    lambda names: A.Categories(tuple(names))
                ),
                written=False,
            ),
        ),
    ]
    if parts:
        rules.append(
            A.InstalmentRule(
                tuple(
                    A.Instalment(terms.operand(st.just(Money(currency, amount))), terms.operand(st.just(on)))
                    for amount, on in parts
                )
            )
        )
    optional: dict[str, Callable[[], A.Rule]] = {
        "when": lambda: A.WhenRule(terms.operand(st.just(during), written=False)),
        "minimum": lambda: A.MinimumRule(terms.operand(money(currency))),
        "share": lambda: A.ShareRule(terms.operand(percentages)),
        "split": lambda: A.SplitRule(),
        # Instalment vouchers are never transferable (lawdsl/check/instalments.py).
        "transfer": lambda: A.TransferRule(not parts and draw(st.booleans())),
        "expiry": lambda: A.ExpiryRule(
            terms.operand(st.just(expiry), written=False),
            A.Ref(draw(st.sampled_from([issuer, attester] if attester else [issuer]))),
        ),
    }
    for name, include in optional.items():
        if included[name]:
            rules.append(include())
    return _statute(
        header,
        parties,
        draw(st.permutations(terms.sentences)),
        _articles(draw, draw(st.permutations(rules)), language),
        language,
    )


@st.composite
def _instalment_parts(
    draw: st.DrawFn, header: A.Header, during: A.DateRange | None, expiry: A.DateRange | None
) -> list[tuple[int, dt.date]]:
    """None, or up to 4 parts (minor units, date) in date order within the days on which vouchers may be
    spent; few, so that CI's example counts stay bounded (12 is the language's limit, tested on its own)."""
    first = during.first if during else header.effective
    ends = [r.last for r in (during, expiry) if r]
    last = min(ends) if ends else first + dt.timedelta(days=min(90, (B.LAST_DATE - first).days))
    if last < first or not draw(st.booleans()):
        return []
    offsets = draw(st.lists(st.integers(0, min((last - first).days, 400)), min_size=1, max_size=4, unique=True))
    amounts = draw(st.lists(st.integers(1, 10**5), min_size=len(offsets), max_size=len(offsets)))
    return [(amount, first + dt.timedelta(days=offset)) for amount, offset in zip(amounts, sorted(offsets))]


# ---------------------------------------------------------------- procurement


@st.composite
def procurement_statutes(
    draw: st.DrawFn, language: str | None = None, currency: str | None = None, effective: dt.date | None = None
) -> A.Statute:
    language = language or draw(surfaces)
    names = _Names(draw, language)
    header = _header(draw, A.Domain.PROCUREMENT, language, currency, effective)
    buyer, supplier = names("agency"), names("firm")
    parties = [A.Party(buyer, A.PartyKind.AGENCY), A.Party(supplier, A.PartyKind.FIRM)]
    inspector_kind = draw(st.sampled_from(["device", "agency", "buyer"]))
    if inspector_kind == "buyer":
        inspector = buyer
    else:
        inspector = names(inspector_kind)
        parties.append(A.Party(inspector, A.PartyKind(inspector_kind)))
    terms = _Terms(draw, names)
    pool = NAMES[language]
    unit = draw(st.sampled_from(pool["unit"]))
    periods = durations(60 * 24 * 366)
    rules: list[A.Rule] = [
        A.PurchaseRule(
            A.Ref(buyer), draw(st.sampled_from(pool["text"])), unit, terms.operand(money(header.currency)), unit
        ),
        A.BiddingRule(terms.operand(periods), terms.operand(periods)),
        A.DeliveryRule(A.Ref(inspector), terms.operand(periods)),
        A.SupplyPaymentRule(A.Ref(buyer), A.Ref(supplier)),
    ]
    if draw(st.booleans()):
        rules.append(A.AwardRule())
    else:  # best value: weights of 100% in all, the buyer scoring
        quality = draw(st.integers(1, 999_999))
        rules.append(
            A.BestValueRule(
                terms.operand(st.just(A.Percentage(1_000_000 - quality))), terms.operand(st.just(A.Percentage(quality)))
            )
        )
        rules.append(A.ScoringRule(A.Ref(buyer), terms.operand(periods)))
    if draw(st.booleans()):
        rules.append(A.DepositRule(terms.operand(percentages)))
    if draw(st.booleans()):
        cap = terms.operand(contract_shares) if draw(st.booleans()) else None
        rules.append(A.PenaltyRule(terms.operand(percentages), cap=cap))
    if draw(st.booleans()):
        rules.append(A.ForfeitRule(A.Ref(supplier)))
    if draw(st.booleans()):
        rules.append(A.InspectionRule(A.Ref(inspector), terms.operand(periods)))
    if draw(st.booleans()):
        rules.append(A.SecurityRule(terms.operand(contract_shares)))
    return _statute(
        header,
        parties,
        draw(st.permutations(terms.sentences)),
        _articles(draw, draw(st.permutations(rules)), language),
        language,
    )


STRATEGIES: dict[A.Domain, Callable[..., st.SearchStrategy[A.Statute]]] = {
    A.Domain.WORKING_TIME: working_time_statutes,
    A.Domain.VOUCHERS: voucher_statutes,
    A.Domain.PROCUREMENT: procurement_statutes,
}


# ---------------------------------------------------------------- as a legislator writes them


def titled(statute: A.Statute, title: str) -> A.Statute:
    """The statute under another title: a batch compiled in one solc call needs distinct titles."""
    return replace(statute, header=replace(statute.header, title=title))


def written(statute: A.Statute) -> str:
    """The statute's source text in its own surface, as `lawdsl fmt` lays it out."""
    return render(statute)


def checked(statute: A.Statute) -> A.Statute:
    """The statute as `lawdsl check` reads it back from its text (raises `StatuteError` if refused)."""
    return load_text(written(statute), statute.source_name)

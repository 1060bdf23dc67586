"""The statute AST: frozen dataclasses that every surface language parses to.

One legal meaning has one AST, whichever surface (English, Chinese) it was
written in; spans point back into the source so that the checker, the
formatter and the citizens' portal can name the exact place of a rule.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator, TypeVar, Union

from .money import Money
from .zones import zone

FILLERS = frozenset({"a", "an", "the"})


def name_key(text: str) -> str:
    """Case-, space- and filler-insensitive identity of a declared name."""
    return " ".join(w for w in text.lower().split() if w not in FILLERS)


@dataclass(frozen=True)
class Span:
    """1-based line and column of the first character; end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @staticmethod
    def merge(first: "Span", last: "Span") -> "Span":
        return Span(first.line, first.column, last.end_line, last.end_column)


NO_SPAN = Span(0, 0, 0, 0)


class Domain(enum.Enum):
    WORKING_TIME = "working time"
    VOUCHERS = "vouchers"
    PROCUREMENT = "procurement"


class PartyKind(enum.Enum):
    FIRM = "firm"
    WORKER = "worker"
    DEVICE = "device"
    AGENCY = "agency"
    CITIZEN = "citizen"


class _Keyed(enum.Enum):
    """An enum the interpreter keys its per-shift dictionaries by: members are singletons, so the
    identity hash is exact, and it is computed in C where `Enum`'s own hashes the member's name in
    Python (a tenth of a long run's time)."""

    __hash__ = object.__hash__


class DayKind(_Keyed):
    WORKDAY = "workday"
    REST_DAY = "rest day"
    PUBLIC_HOLIDAY = "public holiday"


class Period(_Keyed):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    #: From the effective date's month and day to the day before it a year later (docs/semantics.md).
    YEAR = "year"
    #: A pay period only: the 1st to the 15th, the 16th to the month's last day (California §204).
    HALF_MONTH = "half month"


class PaySchedule(enum.Enum):
    CLOCK_OUT = "clock-out"
    WEEK = "week"
    MONTH = "month"
    HALF_MONTH = "half month"


class Measure(enum.Enum):
    """What a limit sentence counts: overtime minutes or all minutes worked."""

    OVERTIME = "overtime"
    HOURS = "hours"


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# ---------------------------------------------------------------- literals


@dataclass(frozen=True)
class Duration:
    minutes: int
    unit: str  # minute | hour | day | week: the unit the legislator wrote

    UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080}

    def __str__(self) -> str:
        per = self.UNIT_MINUTES[self.unit]
        amount = Fraction(self.minutes, per)
        text = str(amount.numerator) if amount.denominator == 1 else _decimal_text(amount)
        plural = "" if amount == 1 else "s"
        return f"{text} {self.unit}{plural}"


@dataclass(frozen=True)
class Percentage:
    """A rate held exactly as millionths of the whole (150% = 1_500_000)."""

    millionths: int

    SCALE = 1_000_000

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.millionths, self.SCALE)

    def __str__(self) -> str:
        return f"{_decimal_text(self.ratio * 100)}%"


@dataclass(frozen=True)
class Weekday:
    index: int  # 0 = Monday, as datetime.date.weekday()

    def __str__(self) -> str:
        return WEEKDAYS[self.index]


@dataclass(frozen=True)
class TimeZone:
    """A fixed offset (`+08:00`) or a zone of the tz database (`America/Los_Angeles`), whose offset
    follows its daylight-saving rules (`lawdsl.zones`: the pinned `tzdata` package)."""

    offset_minutes: int = 0  # a fixed offset's minutes east of UTC; 0 for a named zone
    name: str = ""  # a named zone, e.g. "Asia/Tokyo"

    @property
    def tzinfo(self) -> dt.tzinfo:
        if self.name:
            return zone(self.name)
        return dt.timezone(dt.timedelta(minutes=self.offset_minutes))

    @property
    def is_utc(self) -> bool:
        """UTC as a fixed offset: what a statute that names no zone is in."""
        return not self.name and self.offset_minutes == 0

    def __str__(self) -> str:
        if self.name:
            return self.name
        if self.offset_minutes == 0:
            return "UTC"
        sign = "+" if self.offset_minutes > 0 else "-"
        hours, minutes = divmod(abs(self.offset_minutes), 60)
        return f"{sign}{hours:02d}:{minutes:02d}"


@dataclass(frozen=True)
class DateRange:
    """Inclusive of both dates as written; as a window it ends the day after `last`."""

    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class Categories:
    names: tuple[str, ...]


Literal = Union[Money, Percentage, Duration, dt.date, Weekday, DateRange, Categories, str, int]


def _decimal_text(value: Fraction) -> str:
    """Shortest exact decimal for a fraction whose denominator divides a power of ten."""
    for places in range(0, 7):
        scaled = value * 10**places
        if scaled.denominator == 1:
            whole = abs(scaled.numerator)
            sign = "-" if value < 0 else ""
            if places == 0:
                return f"{sign}{whole}"
            return f"{sign}{whole // 10**places}.{whole % 10**places:0{places}d}"
    return str(float(value))


def type_name(value: object) -> str:
    """The legislator's name for a value's type, used in type errors."""
    return {
        Money: "money",
        Percentage: "a percentage",
        Duration: "a duration",
        dt.date: "a date",
        Weekday: "a weekday",
        DateRange: "a date range",
        Categories: "a list of categories",
        str: "a string",
        int: "an integer",
        TimeZone: "a time zone",
    }.get(type(value), type(value).__name__)


# ---------------------------------------------------------------- references


@dataclass(frozen=True)
class Ref:
    """A bare use of a declared name; the checker resolves it."""

    text: str
    span: Span = field(compare=False, default=NO_SPAN)

    @property
    def key(self) -> str:
        return name_key(self.text)


@dataclass(frozen=True)
class Lit:
    """A literal written in a rule sentence rather than through a term."""

    value: Literal
    span: Span = field(compare=False, default=NO_SPAN)


Operand = Union[Ref, Lit]

# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Header:
    title: str
    domain: Domain
    version: int
    effective: dt.date
    currency: str
    time_zone: TimeZone = TimeZone(0)
    jurisdiction: str | None = None
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class Party:
    name: str
    kind: PartyKind
    span: Span = field(compare=False, default=NO_SPAN)

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True)
class Term:
    name: str
    value: Literal
    span: Span = field(compare=False, default=NO_SPAN)

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True)
class RestDays:
    days: tuple[Weekday, ...]
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class PublicHolidays:
    dates: tuple[dt.date, ...]
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class WeekStart:
    day: Weekday
    span: Span = field(compare=False, default=NO_SPAN)


TermSentence = Union[Term, RestDays, PublicHolidays, WeekStart]

# ---------------------------------------------------------------- rules: working time


@dataclass(frozen=True)
class Window:
    """`between 22:00 and 05:00`: local times of day as minutes after midnight; crosses midnight
    when `closes` is not after `opens`. The two are never equal (the builder says so)."""

    opens: int
    closes: int
    span: Span = field(compare=False, default=NO_SPAN)

    def __str__(self) -> str:
        return f"between {clock_text(self.opens)} and {clock_text(self.closes)}"


#: Ordinals a statute may write before `consecutive day`, as words (index + 1 is the number).
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
#: … and the Chinese numerals of `第七日`.
ZH_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


@dataclass(frozen=True)
class ConsecutiveDay:
    """`on the seventh consecutive day of work in a week`: a shift on a day that is the `nth` of a run of
    days of work within one week (docs/semantics.md, "Consecutive days of work"). The builder keeps
    what was written; the checker allows the second to the seventh day, in a week."""

    nth: int
    period: Period
    span: Span = field(compare=False, default=NO_SPAN)

    def __str__(self) -> str:
        return f"on the {ORDINALS[self.nth - 1]} consecutive day of work in a {self.period.value},"


def clock_text(minutes: int) -> str:
    """Minutes after midnight as the statute writes them: `05:00`."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class EarningRule:
    """`[on a K,] each hour worked | of overtime [between T and T] [beyond D [in a P] [, not counting hours
    already paid as overtime,]] earns [an additional] R of the hourly wage [unless …]`.

    Without `additional` the rule competes: each minute is paid at the highest such rate. With it,
    the rule is a premium: its rate is added to whatever rate is in force for the minutes it covers.
    """

    rate: Operand
    day_kind: DayKind | None = None
    beyond: Operand | None = None
    period: Period | None = None  # None with `beyond` means per day, as written
    unless_time_off: bool = False
    window: Window | None = None  # only on premiums (the checker says so)
    additional: bool = False
    #: `beyond D in a P, not counting hours already paid as overtime`: the count leaves out minutes
    #: paid above 100% by the competing rules written without this clause (no pyramiding).
    not_counting_overtime: bool = False
    #: `each hour of overtime [beyond D in a P]`: the rule applies to overtime minutes only, and its
    #: count is of the overtime (as limit sentences count it) of the shifts of its kind of day.
    counts_overtime: bool = False
    span: Span = field(compare=False, default=NO_SPAN)
    #: `on the seventh consecutive day of work in a week`: only shifts on such a day (never with `day_kind`).
    consecutive_day: ConsecutiveDay | None = None

    @property
    def threshold_period(self) -> Period:
        return self.period or Period.DAY


@dataclass(frozen=True)
class LimitRule:
    measure: Measure
    limit: Operand
    period: Period
    day_kind: DayKind | None = None
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class MinimumWageRule:
    """`the hourly wage is at least <money>`: no employment (and no wage change) below it."""

    amount: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class WagePaymentRule:
    payer: Ref
    payee: Ref
    schedule: PaySchedule
    span: Span = field(compare=False, default=NO_SPAN)


# ---------------------------------------------------------------- rules: vouchers


@dataclass(frozen=True)
class IssueRule:
    issuer: Ref
    face_value: Operand
    holder: Ref
    attribute: str | None = None
    attester: Ref | None = None
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class Instalment:
    """One part of the face value and the date from which it may be spent."""

    amount: Operand
    on: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class InstalmentRule:
    """`vouchers are issued in instalments: …`: each recipient's face value comes as these parts, each
    a voucher of its own that may be spent only from its date (docs/semantics.md, "Instalments")."""

    instalments: tuple[Instalment, ...]
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class WhereRule:
    merchant: Ref
    categories: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class WhenRule:
    during: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class MinimumRule:
    amount: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class ShareRule:
    share: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class SplitRule:
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class TransferRule:
    transferable: bool
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class ExpiryRule:
    after: Operand
    recipient: Ref
    span: Span = field(compare=False, default=NO_SPAN)


# ---------------------------------------------------------------- rules: procurement


@dataclass(frozen=True)
class PurchaseRule:
    buyer: Ref
    good: str
    unit: str
    ceiling: Operand
    per_unit: str
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class BiddingRule:
    sealed: Operand
    revealed: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class DepositRule:
    rate: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class AwardRule:
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class DeliveryRule:
    inspector: Ref
    within: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class SupplyPaymentRule:
    buyer: Ref
    supplier: Ref
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class PenaltyRule:
    rate: Operand
    span: Span = field(compare=False, default=NO_SPAN)
    #: "…, at most 10% of the contract price": the most all of a tender's deductions may take together.
    cap: Operand | None = None


@dataclass(frozen=True)
class BestValueRule:
    """`the best revealed bid wins, weighing price 60% and quality 40%; ties go to the earliest bid.`"""

    price_weight: Operand
    quality_weight: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class ScoringRule:
    """`the state reserve scores the quality of each revealed bid within 3 days.`"""

    scorer: Ref
    within: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class InspectionRule:
    """`the inspection station confirms or disputes each delivery within 7 days of its record.`"""

    inspector: Ref
    within: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class SecurityRule:
    """`the winner lodges a performance security of 10% of the contract price, held until acceptance
    and forfeited on default.`"""

    rate: Operand
    span: Span = field(compare=False, default=NO_SPAN)


@dataclass(frozen=True)
class ForfeitRule:
    supplier: Ref
    span: Span = field(compare=False, default=NO_SPAN)


Rule = Union[
    EarningRule,
    LimitRule,
    WagePaymentRule,
    MinimumWageRule,
    IssueRule,
    InstalmentRule,
    WhereRule,
    WhenRule,
    MinimumRule,
    ShareRule,
    SplitRule,
    TransferRule,
    ExpiryRule,
    PurchaseRule,
    BiddingRule,
    DepositRule,
    AwardRule,
    DeliveryRule,
    SupplyPaymentRule,
    PenaltyRule,
    ForfeitRule,
    InspectionRule,
    SecurityRule,
    BestValueRule,
    ScoringRule,
]

# ---------------------------------------------------------------- the statute


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    rules: tuple[Rule, ...]
    wording: str | None = None
    span: Span = field(compare=False, default=NO_SPAN)


R = TypeVar("R")


@dataclass(frozen=True)
class Statute:
    header: Header
    parties: tuple[Party, ...]
    terms: tuple[TermSentence, ...]
    articles: tuple[Article, ...]
    preamble: str | None = None
    preamble_span: Span = field(compare=False, default=NO_SPAN)
    source_name: str = field(compare=False, default="<statute>")
    language: str = field(compare=False, default="en")

    # Lookups used by the checker, the interpreter and the compiler. They
    # assume a checked statute: every Ref resolves and has the right type.

    def party(self, ref: Ref) -> Party:
        return next(p for p in self.parties if p.key == ref.key)

    def term(self, key: str) -> Term | None:
        return next((t for t in self.terms if isinstance(t, Term) and t.key == key), None)

    def value(self, operand: Operand) -> Literal:
        if isinstance(operand, Lit):
            return operand.value
        term = self.term(operand.key)
        if term is None:
            raise KeyError(operand.text)
        return term.value

    def value_as(self, operand: Operand, kind: type[R]) -> R:
        """`value` where the checker has already typed the operand as `kind`."""
        value = self.value(operand)
        assert isinstance(value, kind), (operand, value)
        return value

    def rules(self, kind: type[R]) -> Iterator[tuple[Article, R]]:
        """Rules of one kind with their article, in article order as written."""
        for article in self.articles:
            for rule in article.rules:
                if isinstance(rule, kind):
                    yield article, rule

    def rule(self, kind: type[R]) -> tuple[Article, R] | None:
        return next(self.rules(kind), None)

    def parties_of(self, kind: PartyKind) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.kind is kind)

    @property
    def rest_days(self) -> frozenset[int]:
        return frozenset(d.index for s in self.terms if isinstance(s, RestDays) for d in s.days)

    @property
    def public_holidays(self) -> frozenset[dt.date]:
        return frozenset(d for s in self.terms if isinstance(s, PublicHolidays) for d in s.dates)

    @property
    def week_start(self) -> int:
        return next((s.day.index for s in self.terms if isinstance(s, WeekStart)), 0)

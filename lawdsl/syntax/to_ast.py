"""Lark tree → AST, converting literal text to exact values as it goes.

A literal that cannot be a value (an impossible date, a rate with too many
decimals, an unknown currency) is reported here, at its own span; names and
types are the checker's business.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn, cast

from lark import Token, Transformer, Tree, v_args
from lark.exceptions import VisitError
from lark.tree import Meta

from .. import ast as A
from ..diagnostics import Diagnostic, StatuteError
from ..messages import message, suggest, word
from ..money import CURRENCY_DIGITS, Money, MoneyError
from ..zones import closest, zone_names
from .lexer import WEEKDAY_NAMES, LexError
from .lexer_zh import WEEKDAY_INDEX as _ZH_WEEKDAYS


def token_span(token: Token) -> A.Span:
    # The parser's tokens always carry their positions.
    assert token.line is not None and token.column is not None
    assert token.end_line is not None and token.end_column is not None
    return A.Span(token.line, token.column, token.end_line, token.end_column)


def meta_span(meta: Meta) -> A.Span:
    if getattr(meta, "empty", True):
        return A.NO_SPAN
    return A.Span(meta.line, meta.column, meta.end_line, meta.end_column)


def _values(children: list[Any]) -> list[Any]:
    """Drop keyword and punctuation tokens: what is left carries meaning."""
    return [c for c in children if not isinstance(c, Token) or c.type in _VALUE_TOKENS]


_VALUE_TOKENS = {
    "STRING",
    "TEXT",
    "NAME",
    "NUMBER",
    "MONEY",
    "PERCENT",
    "DATE",
    "TZ",
    "CLOCK",
    "WEEKDAY",
    "ARTICLE_ID",
    "UTC",
    "NOT",
}
_ARTICLE_ID = re.compile(r"\d+(\.\d+)*")


def _unquote(token: Token) -> str:
    return str(token)[1:-1]


def _weekday(token: Token) -> A.Weekday:
    """A weekday as written in either surface (`Monday`, `星期一`)."""
    text = str(token)
    return A.Weekday(_ZH_WEEKDAYS[text] if text in _ZH_WEEKDAYS else WEEKDAY_NAMES.index(text.lower()))


def _of(kind: type | tuple[type, ...], values: list[Any]) -> list[Any]:
    """The values of one kind, in source order.

    Rules pick their values by kind rather than by place, so one method
    serves every surface: Chinese word order moves some values (the period
    before `超出`, the payee after the schedule) but never reorders two
    values of the same kind.
    """
    return [v for v in values if isinstance(v, kind)]


def _names(values: list[Any]) -> list[Token]:
    """The NAME tokens among a rule's values, in source order."""
    return [v for v in values if isinstance(v, Token) and v.type == "NAME"]


_OPERAND = (A.Ref, A.Lit)

# A party clause as `party` builds it: ("party", name, kind token, span).
_PartyClause = tuple[str, str, Token, A.Span]


def _text_block(token: Token) -> str:
    return str(token)[3:-3]


@v_args(meta=True)
class _Builder(Transformer[Token, Tree[Any]]):
    def __init__(self, source_name: str, language: str = "en") -> None:
        super().__init__(visit_tokens=False)
        self.source_name = source_name
        self.language = language

    def _fail(self, span: A.Span, key: str, **fields: object) -> NoReturn:
        """Stop at a literal that cannot be a value, with the catalogue message `key` in the statute's language."""
        raise LexError(span, message(self.language, key, **fields))

    def _decimal(self, token: Token, what: str) -> Decimal:
        try:
            return Decimal(str(token).rstrip("% "))
        except InvalidOperation:
            self._fail(token_span(token), "not_a", text=token, what=word(self.language, what))

    def _date(self, token: Token) -> dt.date:
        """A calendar date, or the reason it is impossible, in the statute's language."""
        text, span = str(token), token_span(token)
        year, month, day = (int(part) for part in text.split("-"))
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self._fail(span, "date_format", text=text)
        if not 1 <= month <= 12:
            self._fail(span, "no_such_month", text=text, month=month)
        try:
            return dt.date(year, month, day)
        except ValueError:
            days = calendar.monthrange(year, month)[1]
            self._fail(
                span, "no_such_day", text=text, year=year, month=month, month_name=calendar.month_name[month], days=days
            )

    # ---------------------------------------------------------- literals

    def literal(self, meta: Meta, children: list[Any]) -> A.Literal:
        (value,) = children
        if not isinstance(value, Token):
            return cast(A.Literal, value)
        span = token_span(value)
        if value.type == "MONEY":
            code, amount = str(value).split(None, 1)
            whole, _, frac = amount.partition(".")
            try:
                return Money.from_parts(code, whole, frac)
            except MoneyError as error:
                raise LexError(span, str(error)) from None
        if value.type == "PERCENT":
            number = self._decimal(value, "a percentage")
            if -cast(int, number.as_tuple().exponent) > 4:  # finite: PERCENT is digits
                self._fail(span, "percent_decimals", text=value)
            return A.Percentage(int(number * 10_000))
        if value.type == "DATE":
            return self._date(value)
        if value.type == "WEEKDAY":
            return _weekday(value)
        if value.type == "NUMBER":
            if not re.fullmatch(r"\d+", str(value)):
                self._fail(span, "not_whole", text=value)
            return int(str(value))
        self._fail(span, "unexpected_literal", text=value)

    def duration(self, meta: Meta, children: list[Any]) -> A.Duration:
        number, unit = _values(children)[0], children[1]
        amount = self._decimal(number, "a number")
        minutes = amount * A.Duration.UNIT_MINUTES[unit]
        if minutes != minutes.to_integral_value():
            self._fail(meta_span(meta), "duration_minutes", number=number, unit=word(self.language, unit))
        return A.Duration(int(minutes), unit)

    def unit(self, meta: Meta, children: list[Any]) -> str:
        return {"MINUTE": "minute", "HOUR": "hour", "DAY": "day", "WEEK": "week"}[children[0].type]

    def operand(self, meta: Meta, children: list[Any]) -> A.Operand:
        (value,) = children
        if isinstance(value, Token):
            return A.Ref(str(value), token_span(value))
        return A.Lit(value, meta_span(meta))

    def period(self, meta: Meta, children: list[Any]) -> A.Period:
        return A.Period(children[0].type.lower())

    def day_kind(self, meta: Meta, children: list[Any]) -> A.DayKind:
        return A.DayKind.WORKDAY

    def rest_day(self, meta: Meta, children: list[Any]) -> A.DayKind:
        return A.DayKind.REST_DAY

    def public_holiday(self, meta: Meta, children: list[Any]) -> A.DayKind:
        return A.DayKind.PUBLIC_HOLIDAY

    def on_day_kind(self, meta: Meta, children: list[Any]) -> A.DayKind:
        return cast(A.DayKind, _values(children)[0])

    def string_list(self, meta: Meta, children: list[Any]) -> tuple[str, ...]:
        return tuple(_unquote(t) for t in _values(children))

    def weekday_list(self, meta: Meta, children: list[Any]) -> tuple[A.Weekday, ...]:
        return tuple(_weekday(t) for t in _values(children))

    def date_list(self, meta: Meta, children: list[Any]) -> tuple[dt.date, ...]:
        return tuple(self._date(t) for t in _values(children))

    # ---------------------------------------------------------- header and declarations

    def working_time(self, meta: Meta, children: list[Any]) -> A.Domain:
        return A.Domain.WORKING_TIME

    def vouchers(self, meta: Meta, children: list[Any]) -> A.Domain:
        return A.Domain.VOUCHERS

    def procurement(self, meta: Meta, children: list[Any]) -> A.Domain:
        return A.Domain.PROCUREMENT

    def jurisdiction(self, meta: Meta, children: list[Any]) -> tuple[str, str, A.Span]:
        return ("jurisdiction", _unquote(_values(children)[0]), meta_span(meta))

    def currency(self, meta: Meta, children: list[Any]) -> tuple[str, str, A.Span]:
        code = _values(children)[0]
        if str(code) not in CURRENCY_DIGITS:
            raise LexError(
                token_span(code),
                message(self.language, "unknown_currency", code=code)
                + suggest(self.language, str(code), CURRENCY_DIGITS),
            )
        return ("currency", str(code), meta_span(meta))

    def time_zone(self, meta: Meta, children: list[Any]) -> tuple[str, A.TimeZone, A.Span]:
        return ("time_zone", _values(children)[0], meta_span(meta))

    def zone(self, meta: Meta, children: list[Any]) -> A.TimeZone:
        (token,) = children
        if token.type == "UTC":
            return A.TimeZone(0)
        if "/" in token:
            if str(token) not in zone_names():
                hint = closest(str(token))
                self._fail(token_span(token), "time_zone_unknown", tz=token, hint=hint[0] if hint else "Asia/Shanghai")
            return A.TimeZone(name=str(token))
        sign = -1 if str(token).startswith("-") else 1
        hours, minutes = (int(p) for p in str(token)[1:].split(":"))
        if hours > 14 or minutes >= 60:
            self._fail(token_span(token), "time_zone_range", tz=token)
        return A.TimeZone(sign * (hours * 60 + minutes))

    def header(self, meta: Meta, children: list[Any]) -> A.Header:
        title, domain, version, effective, *clauses = _values(children)
        fields: dict[str, Any] = {}
        for key, value, span in clauses:
            if key in fields:
                self._fail(span, "header_twice", what=word(self.language, key.replace("_", " ")))
            fields[key] = value
        if "currency" not in fields:
            self._fail(meta_span(meta), "header_currency")
        return A.Header(
            title=_unquote(title),
            domain=domain,
            version=int(str(version)) if re.fullmatch(r"\d+", str(version)) else self._bad_version(version),
            effective=self._date(effective),
            currency=fields["currency"],
            time_zone=fields.get("time_zone", A.TimeZone(0)),
            jurisdiction=fields.get("jurisdiction"),
            span=meta_span(meta),
        )

    def _bad_version(self, token: Token) -> NoReturn:
        self._fail(token_span(token), "bad_version", text=token)

    def preamble(self, meta: Meta, children: list[Any]) -> tuple[str, str, A.Span]:
        return ("preamble", _text_block(children[0]), meta_span(meta))

    def party_kind(self, meta: Meta, children: list[Any]) -> Token:
        return cast(Token, children[0])

    def party(self, meta: Meta, children: list[Any]) -> _PartyClause:
        name, kind = _values(children)[0], children[-2]
        return ("party", _unquote(name), kind, meta_span(meta))

    def parties(self, meta: Meta, children: list[Any]) -> tuple[str, list[_PartyClause]]:
        return ("parties", [c for c in children if isinstance(c, tuple)])

    def term(self, meta: Meta, children: list[Any]) -> A.Term:
        name, value = _values(children)
        return A.Term(_unquote(name), value, meta_span(meta))

    def categories_term(self, meta: Meta, children: list[Any]) -> A.Term:
        name, names = _values(children)
        return A.Term(_unquote(name), A.Categories(names), meta_span(meta))

    def date_range_term(self, meta: Meta, children: list[Any]) -> A.Term:
        name, first, last = _values(children)
        first_date, last_date = self._date(first), self._date(last)
        if last_date < first_date:
            self._fail(token_span(last), "range_reversed", first=first_date, last=last_date)
        return A.Term(_unquote(name), A.DateRange(first_date, last_date), meta_span(meta))

    def rest_days(self, meta: Meta, children: list[Any]) -> A.RestDays:
        return A.RestDays(_values(children)[0], meta_span(meta))

    def public_holidays(self, meta: Meta, children: list[Any]) -> A.PublicHolidays:
        return A.PublicHolidays(_values(children)[0], meta_span(meta))

    def week_start(self, meta: Meta, children: list[Any]) -> A.WeekStart:
        (day,) = _values(children)
        return A.WeekStart(_weekday(day), meta_span(meta))

    def terms(self, meta: Meta, children: list[Any]) -> tuple[str, list[A.TermSentence]]:
        return ("terms", [c for c in children if not isinstance(c, Token)])

    # ---------------------------------------------------------- rules

    def beyond(self, meta: Meta, children: list[Any]) -> tuple[str, A.Operand, A.Period | None, bool]:
        values = _values(children)
        periods = _of(A.Period, values)
        return ("beyond", _of(_OPERAND, values)[0], periods[0] if periods else None, "not counting" in values)

    def not_counting(self, meta: Meta, children: list[Any]) -> str:
        return "not counting"

    def unless_time_off(self, meta: Meta, children: list[Any]) -> str:
        return "unless"

    def of_overtime(self, meta: Meta, children: list[Any]) -> str:
        return "of overtime"

    def additional(self, meta: Meta, children: list[Any]) -> str:
        return "additional"

    def _clock(self, token: Token) -> int:
        """A time of day (`22:00`) as minutes after midnight, or why it is none."""
        hours, minutes = (int(part) for part in str(token).split(":"))
        if hours > 23 or minutes > 59:
            self._fail(token_span(token), "no_such_time", text=token)
        return hours * 60 + minutes

    def window(self, meta: Meta, children: list[Any]) -> A.Window:
        opens, closes = (t for t in _values(children) if t.type == "CLOCK")
        window = A.Window(self._clock(opens), self._clock(closes), meta_span(meta))
        if window.opens == window.closes:
            self._fail(window.span, "empty_window", opens=opens, closes=closes)
        return window

    def on_consecutive_day(self, meta: Meta, children: list[Any]) -> A.ConsecutiveDay:
        """`on the seventh consecutive day of work in a week,` / `一周内连续工作的第七日，`."""
        (period,) = _of(A.Period, children)
        ordinal = next(c for c in children if isinstance(c, Token) and c.type in ("NTH", "NTH_DAY"))
        text = str(ordinal).lower()
        nth = A.ORDINALS.index(text) + 1 if ordinal.type == "NTH" else A.ZH_NUMERALS.index(text[1]) + 1
        return A.ConsecutiveDay(nth, period, meta_span(meta))

    def earning(self, meta: Meta, children: list[Any]) -> A.EarningRule:
        values = _values(children)
        day_kind = next((v for v in values if isinstance(v, A.DayKind)), None)
        beyond = next((v for v in values if isinstance(v, tuple)), None)
        rate = next(v for v in values if isinstance(v, (A.Ref, A.Lit)))
        return A.EarningRule(
            rate=rate,
            day_kind=day_kind,
            beyond=beyond[1] if beyond else None,
            period=beyond[2] if beyond else None,
            unless_time_off="unless" in values,
            window=next((v for v in values if isinstance(v, A.Window)), None),
            additional="additional" in values,
            not_counting_overtime="not counting" in values or bool(beyond and beyond[3]),
            counts_overtime="of overtime" in values,
            span=meta_span(meta),
            consecutive_day=next((v for v in values if isinstance(v, A.ConsecutiveDay)), None),
        )

    def measure(self, meta: Meta, children: list[Any]) -> A.Measure:
        return A.Measure.OVERTIME

    def hours_worked(self, meta: Meta, children: list[Any]) -> A.Measure:
        return A.Measure.HOURS

    def limit(self, meta: Meta, children: list[Any]) -> A.LimitRule:
        values = _values(children)
        day_kinds = _of(A.DayKind, values)
        (measure,), (limit,), (period,) = _of(A.Measure, values), _of(_OPERAND, values), _of(A.Period, values)
        return A.LimitRule(measure, limit, period, day_kinds[0] if day_kinds else None, meta_span(meta))

    def schedule(self, meta: Meta, children: list[Any]) -> A.PaySchedule:
        values = _values(children)
        if values and values[0] is A.Period.YEAR:
            self._fail(meta_span(meta), "yearly_pay")
        return A.PaySchedule(values[0].value) if values else A.PaySchedule.CLOCK_OUT

    def half_month(self, meta: Meta, children: list[Any]) -> A.PaySchedule:
        return A.PaySchedule.HALF_MONTH

    def wage_payment(self, meta: Meta, children: list[Any]) -> A.WagePaymentRule:
        values = _values(children)
        (payer, payee), (schedule,) = _names(values), _of(A.PaySchedule, values)
        return A.WagePaymentRule(self._ref(payer), self._ref(payee), schedule, meta_span(meta))

    def wage_floor(self, meta: Meta, children: list[Any]) -> A.MinimumWageRule:
        return A.MinimumWageRule(_values(children)[0], meta_span(meta))

    def holding(self, meta: Meta, children: list[Any]) -> tuple[str, A.Ref | None]:
        values = _values(children)
        return (_unquote(values[0]), self._ref(values[1]) if len(values) > 1 else None)

    def issue(self, meta: Meta, children: list[Any]) -> A.IssueRule:
        values = _values(children)
        (issuer, holder), (face,) = _names(values), _of(_OPERAND, values)
        holding = _of(tuple, values)
        attribute, attester = holding[0] if holding else (None, None)
        return A.IssueRule(self._ref(issuer), face, self._ref(holder), attribute, attester, meta_span(meta))

    def instalment(self, meta: Meta, children: list[Any]) -> A.Instalment:
        amount, on = _of(_OPERAND, _values(children))
        return A.Instalment(amount, on, meta_span(meta))

    def dated_instalment(self, meta: Meta, children: list[Any]) -> A.Instalment:
        """The Chinese order: `在 <date> 发放 <amount>`."""
        on, amount = _of(_OPERAND, _values(children))
        return A.Instalment(amount, on, meta_span(meta))

    def instalments(self, meta: Meta, children: list[Any]) -> A.InstalmentRule:
        return A.InstalmentRule(tuple(_of(A.Instalment, _values(children))), meta_span(meta))

    def where(self, meta: Meta, children: list[Any]) -> A.WhereRule:
        values = _values(children)
        (merchant,), (categories,) = _names(values), _of(_OPERAND, values)
        return A.WhereRule(self._ref(merchant), categories, meta_span(meta))

    def when(self, meta: Meta, children: list[Any]) -> A.WhenRule:
        return A.WhenRule(_values(children)[0], meta_span(meta))

    def minimum(self, meta: Meta, children: list[Any]) -> A.MinimumRule:
        return A.MinimumRule(_values(children)[0], meta_span(meta))

    def share(self, meta: Meta, children: list[Any]) -> A.ShareRule:
        return A.ShareRule(_values(children)[0], meta_span(meta))

    def split(self, meta: Meta, children: list[Any]) -> A.SplitRule:
        return A.SplitRule(meta_span(meta))

    def transfer(self, meta: Meta, children: list[Any]) -> A.TransferRule:
        negated = any(isinstance(c, Token) and c.type == "NOT" for c in children)
        return A.TransferRule(not negated, meta_span(meta))

    def expiry(self, meta: Meta, children: list[Any]) -> A.ExpiryRule:
        after, recipient = _values(children)
        return A.ExpiryRule(after, self._ref(recipient), meta_span(meta))

    def purchase(self, meta: Meta, children: list[Any]) -> A.PurchaseRule:
        values = _values(children)
        (buyer, unit, per_unit), (ceiling,) = _names(values), _of(_OPERAND, values)
        (good,) = [v for v in values if isinstance(v, Token) and v.type == "STRING"]
        return A.PurchaseRule(self._ref(buyer), _unquote(good), str(unit), ceiling, str(per_unit), meta_span(meta))

    def bidding(self, meta: Meta, children: list[Any]) -> A.BiddingRule:
        sealed, revealed = _values(children)
        return A.BiddingRule(sealed, revealed, meta_span(meta))

    def deposit(self, meta: Meta, children: list[Any]) -> A.DepositRule:
        return A.DepositRule(_values(children)[0], meta_span(meta))

    def award(self, meta: Meta, children: list[Any]) -> A.AwardRule:
        return A.AwardRule(meta_span(meta))

    def delivery(self, meta: Meta, children: list[Any]) -> A.DeliveryRule:
        inspector, within = _values(children)
        return A.DeliveryRule(self._ref(inspector), within, meta_span(meta))

    def supply_payment(self, meta: Meta, children: list[Any]) -> A.SupplyPaymentRule:
        buyer, supplier = _values(children)
        return A.SupplyPaymentRule(self._ref(buyer), self._ref(supplier), meta_span(meta))

    def penalty(self, meta: Meta, children: list[Any]) -> A.PenaltyRule:
        rate, *cap = _values(children)
        return A.PenaltyRule(rate, meta_span(meta), cap[0] if cap else None)

    def penalty_cap(self, meta: Meta, children: list[Any]) -> A.Operand:
        (cap,) = _values(children)
        return cap  # type: ignore[no-any-return]

    def best_value(self, meta: Meta, children: list[Any]) -> A.BestValueRule:
        price, quality = _values(children)
        return A.BestValueRule(price, quality, meta_span(meta))

    def scoring(self, meta: Meta, children: list[Any]) -> A.ScoringRule:
        scorer, within = _values(children)
        return A.ScoringRule(self._ref(scorer), within, meta_span(meta))

    def inspection(self, meta: Meta, children: list[Any]) -> A.InspectionRule:
        inspector, within = _values(children)
        return A.InspectionRule(self._ref(inspector), within, meta_span(meta))

    def security(self, meta: Meta, children: list[Any]) -> A.SecurityRule:
        return A.SecurityRule(_values(children)[0], meta_span(meta))

    def forfeit(self, meta: Meta, children: list[Any]) -> A.ForfeitRule:
        return A.ForfeitRule(self._ref(_values(children)[0]), meta_span(meta))

    @staticmethod
    def _ref(token: Token) -> A.Ref:
        return A.Ref(str(token), token_span(token))

    # ---------------------------------------------------------- articles and the statute

    def article(self, meta: Meta, children: list[Any]) -> A.Article:
        values = _values(children)
        article_id, title = values[0], values[1]
        if not _ARTICLE_ID.fullmatch(str(article_id)):
            self._fail(token_span(article_id), "bad_article_id", id=article_id)
        rest = values[2:]
        wording = _text_block(rest[0]) if rest and isinstance(rest[0], Token) else None
        rules = tuple(r for r in rest if not isinstance(r, Token))
        return A.Article(str(article_id), _unquote(title), rules, wording, meta_span(meta))


def build_statute(tree: Tree[Token], source_name: str, language: str = "en") -> A.Statute:
    """The AST of a parse tree of any surface; `language` is the surface's, for messages and the AST."""
    try:
        parts = _Builder(source_name, language).transform(tree).children
    except VisitError as wrapped:
        error = wrapped.orig_exc
        if not isinstance(error, LexError):
            raise
        raise StatuteError([Diagnostic(source_name, error.span, error.message)]) from None
    header = parts[0]
    assert isinstance(header, A.Header)
    preamble = next((p for p in parts if isinstance(p, tuple) and p[0] == "preamble"), None)
    parties_raw: list[_PartyClause] = next((p[1] for p in parts if isinstance(p, tuple) and p[0] == "parties"), [])
    terms: list[A.TermSentence] = next((p[1] for p in parts if isinstance(p, tuple) and p[0] == "terms"), [])
    articles = tuple(p for p in parts if isinstance(p, A.Article))
    parties = []
    for _, name, kind_token, span in parties_raw:
        kind = A.PartyKind(kind_token.type.lower()) if kind_token.type != "NAME" else None
        parties.append((name, kind, kind_token, span))
    return A.Statute(
        header=header,
        parties=tuple(_party(name, kind, token, span, source_name, language) for name, kind, token, span in parties),
        terms=tuple(terms),
        articles=articles,
        preamble=preamble[1] if preamble else None,
        preamble_span=preamble[2] if preamble else A.NO_SPAN,
        source_name=source_name,
        language=language,
    )


def _party(name: str, kind: A.PartyKind | None, token: Token, span: A.Span, source_name: str, language: str) -> A.Party:
    if kind is None:
        kinds = [word(language, k.value) for k in A.PartyKind]
        raise StatuteError(
            [
                Diagnostic(
                    source_name,
                    token_span(token),
                    message(language, "unknown_party_kind", kind=token) + suggest(language, str(token), kinds),
                )
            ]
        )
    return A.Party(name, kind, span)

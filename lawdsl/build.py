"""Lark tree → AST, converting literal text to exact values as it goes.

A literal that cannot be a value (an impossible date, a rate with too many
decimals, an unknown currency) is reported here, at its own span; names and
types are the checker's business.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from lark import Token, Transformer, Tree, v_args
from lark.exceptions import VisitError

from . import ast as A
from .diagnostics import Diagnostic, StatuteError, suggestion
from .lexer import WEEKDAY_NAMES, LexError, parse_date
from .money import CURRENCY_DIGITS, Money, MoneyError


def token_span(token: Token) -> A.Span:
    return A.Span(token.line, token.column, token.end_line, token.end_column)


def meta_span(meta) -> A.Span:
    if getattr(meta, "empty", True):
        return A.NO_SPAN
    return A.Span(meta.line, meta.column, meta.end_line, meta.end_column)


def _values(children: list) -> list:
    """Drop keyword and punctuation tokens: what is left carries meaning."""
    return [c for c in children if not isinstance(c, Token) or c.type in _VALUE_TOKENS]


_VALUE_TOKENS = {"STRING", "TEXT", "NAME", "NUMBER", "MONEY", "PERCENT", "DATE", "TZ", "WEEKDAY",
                 "ARTICLE_ID", "UTC", "NOT"}
_ARTICLE_ID = re.compile(r"\d+(\.\d+)*")


def _unquote(token: Token) -> str:
    return str(token)[1:-1]


def _text_block(token: Token) -> str:
    return str(token)[3:-3]


def _decimal(token: Token, what: str) -> Decimal:
    try:
        return Decimal(str(token).rstrip("% "))
    except InvalidOperation:
        raise LexError(token_span(token), f"'{token}' is not {what}") from None


@v_args(meta=True)
class _Builder(Transformer):
    def __init__(self, source_name: str) -> None:
        super().__init__(visit_tokens=False)
        self.source_name = source_name

    # ---------------------------------------------------------- literals

    def literal(self, meta, children):
        (value,) = children
        if not isinstance(value, Token):
            return value
        span = token_span(value)
        if value.type == "MONEY":
            code, amount = str(value).split(None, 1)
            whole, _, frac = amount.partition(".")
            try:
                return Money.from_parts(code, whole, frac)
            except MoneyError as error:
                raise LexError(span, str(error)) from None
        if value.type == "PERCENT":
            number = _decimal(value, "a percentage")
            if -number.as_tuple().exponent > 4:
                raise LexError(span, f"a percentage has at most 4 decimals; '{value}' has more")
            return A.Percentage(int(number * 10_000))
        if value.type == "DATE":
            return parse_date(str(value), span)
        if value.type == "WEEKDAY":
            return A.Weekday(WEEKDAY_NAMES.index(str(value).lower()))
        if value.type == "NUMBER":
            if not re.fullmatch(r"\d+", str(value)):
                raise LexError(span, f"'{value}' is not a whole number")
            return int(str(value))
        raise LexError(span, f"unexpected literal '{value}'")

    def duration(self, meta, children):
        number, unit = _values(children)[0], children[1]
        amount = _decimal(number, "a number")
        minutes = amount * A.Duration.UNIT_MINUTES[unit]
        if minutes != minutes.to_integral_value():
            raise LexError(meta_span(meta), f"'{number} {unit}s' is not a whole number of minutes")
        return A.Duration(int(minutes), unit)

    def unit(self, meta, children):
        return {"MINUTE": "minute", "HOUR": "hour", "DAY": "day", "WEEK": "week"}[children[0].type]

    def operand(self, meta, children):
        (value,) = children
        if isinstance(value, Token):
            return A.Ref(str(value), token_span(value))
        return A.Lit(value, meta_span(meta))

    def period(self, meta, children):
        return A.Period(children[0].type.lower())

    def day_kind(self, meta, children):
        return A.DayKind.WORKDAY

    def rest_day(self, meta, children):
        return A.DayKind.REST_DAY

    def public_holiday(self, meta, children):
        return A.DayKind.PUBLIC_HOLIDAY

    def on_day_kind(self, meta, children):
        return _values(children)[0]

    def string_list(self, meta, children):
        return tuple(_unquote(t) for t in _values(children))

    def weekday_list(self, meta, children):
        return tuple(A.Weekday(WEEKDAY_NAMES.index(str(t).lower())) for t in _values(children))

    def date_list(self, meta, children):
        return tuple(parse_date(str(t), token_span(t)) for t in _values(children))

    # ---------------------------------------------------------- header and declarations

    def working_time(self, meta, children):
        return A.Domain.WORKING_TIME

    def vouchers(self, meta, children):
        return A.Domain.VOUCHERS

    def procurement(self, meta, children):
        return A.Domain.PROCUREMENT

    def jurisdiction(self, meta, children):
        return ("jurisdiction", _unquote(_values(children)[0]), meta_span(meta))

    def currency(self, meta, children):
        code = _values(children)[0]
        if str(code) not in CURRENCY_DIGITS:
            raise LexError(token_span(code), f"unknown currency '{code}'" + suggestion(str(code), CURRENCY_DIGITS))
        return ("currency", str(code), meta_span(meta))

    def time_zone(self, meta, children):
        return ("time_zone", _values(children)[0], meta_span(meta))

    def zone(self, meta, children):
        (token,) = children
        if token.type == "UTC":
            return A.TimeZone(0)
        sign = -1 if str(token).startswith("-") else 1
        hours, minutes = (int(p) for p in str(token)[1:].split(":"))
        if hours > 14 or minutes >= 60:
            raise LexError(token_span(token), f"time zone {token} does not exist (offsets run from -14:00 to +14:00)")
        return A.TimeZone(sign * (hours * 60 + minutes))

    def header(self, meta, children):
        title, domain, version, effective, *clauses = _values(children)
        fields: dict = {}
        for key, value, span in clauses:
            if key in fields:
                raise LexError(span, f"the header gives its {key.replace('_', ' ')} twice")
            fields[key] = value
        if "currency" not in fields:
            raise LexError(meta_span(meta), "the header must name the currency, like 'currency CNY'")
        return A.Header(
            title=_unquote(title),
            domain=domain,
            version=int(str(version)) if re.fullmatch(r"\d+", str(version)) else self._bad_version(version),
            effective=parse_date(str(effective), token_span(effective)),
            currency=fields["currency"],
            time_zone=fields.get("time_zone", A.TimeZone(0)),
            jurisdiction=fields.get("jurisdiction"),
            span=meta_span(meta),
        )

    @staticmethod
    def _bad_version(token: Token) -> int:
        raise LexError(token_span(token), f"version must be a whole number, found '{token}'")

    def preamble(self, meta, children):
        return _text_block(children[0])

    def party_kind(self, meta, children):
        return children[0]

    def party(self, meta, children):
        name, kind = _values(children)[0], children[-2]
        return ("party", _unquote(name), kind, meta_span(meta))

    def parties(self, meta, children):
        return ("parties", [c for c in children if isinstance(c, tuple)])

    def term(self, meta, children):
        name, value = _values(children)
        return A.Term(_unquote(name), value, meta_span(meta))

    def categories_term(self, meta, children):
        name, names = _values(children)
        return A.Term(_unquote(name), A.Categories(names), meta_span(meta))

    def date_range_term(self, meta, children):
        name, first, last = _values(children)
        first_date = parse_date(str(first), token_span(first))
        last_date = parse_date(str(last), token_span(last))
        if last_date < first_date:
            raise LexError(token_span(last), f"the range ends ({last_date}) before it begins ({first_date})")
        return A.Term(_unquote(name), A.DateRange(first_date, last_date), meta_span(meta))

    def rest_days(self, meta, children):
        return A.RestDays(_values(children)[0], meta_span(meta))

    def public_holidays(self, meta, children):
        return A.PublicHolidays(_values(children)[0], meta_span(meta))

    def week_start(self, meta, children):
        (day,) = _values(children)
        return A.WeekStart(A.Weekday(WEEKDAY_NAMES.index(str(day).lower())), meta_span(meta))

    def terms(self, meta, children):
        return ("terms", [c for c in children if not isinstance(c, Token)])

    # ---------------------------------------------------------- rules

    def beyond(self, meta, children):
        values = _values(children)
        return ("beyond", values[0], values[1] if len(values) > 1 else None)

    def unless_time_off(self, meta, children):
        return "unless"

    def earning(self, meta, children):
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
            span=meta_span(meta),
        )

    def measure(self, meta, children):
        return A.Measure.OVERTIME

    def hours_worked(self, meta, children):
        return A.Measure.HOURS

    def limit(self, meta, children):
        values = _values(children)
        day_kind = values[0] if isinstance(values[0], A.DayKind) else None
        measure, limit, period = values[-3:]
        return A.LimitRule(measure, limit, period, day_kind, meta_span(meta))

    def schedule(self, meta, children):
        values = _values(children)
        return A.PaySchedule(values[0].value) if values else A.PaySchedule.CLOCK_OUT

    def wage_payment(self, meta, children):
        payer, payee, schedule = _values(children)
        return A.WagePaymentRule(self._ref(payer), self._ref(payee), schedule, meta_span(meta))

    def holding(self, meta, children):
        values = _values(children)
        return (_unquote(values[0]), self._ref(values[1]) if len(values) > 1 else None)

    def issue(self, meta, children):
        values = _values(children)
        issuer, face, holder = values[:3]
        attribute, attester = values[3] if len(values) > 3 else (None, None)
        return A.IssueRule(self._ref(issuer), face, self._ref(holder), attribute, attester, meta_span(meta))

    def where(self, meta, children):
        merchant, categories = _values(children)
        return A.WhereRule(self._ref(merchant), categories, meta_span(meta))

    def when(self, meta, children):
        return A.WhenRule(_values(children)[0], meta_span(meta))

    def minimum(self, meta, children):
        return A.MinimumRule(_values(children)[0], meta_span(meta))

    def share(self, meta, children):
        return A.ShareRule(_values(children)[0], meta_span(meta))

    def split(self, meta, children):
        return A.SplitRule(meta_span(meta))

    def transfer(self, meta, children):
        negated = any(isinstance(c, Token) and c.type == "NOT" for c in children)
        return A.TransferRule(not negated, meta_span(meta))

    def expiry(self, meta, children):
        after, recipient = _values(children)
        return A.ExpiryRule(after, self._ref(recipient), meta_span(meta))

    def purchase(self, meta, children):
        buyer, good, unit, ceiling, per_unit = _values(children)
        return A.PurchaseRule(self._ref(buyer), _unquote(good), str(unit), ceiling, str(per_unit), meta_span(meta))

    def bidding(self, meta, children):
        sealed, revealed = _values(children)
        return A.BiddingRule(sealed, revealed, meta_span(meta))

    def deposit(self, meta, children):
        return A.DepositRule(_values(children)[0], meta_span(meta))

    def award(self, meta, children):
        return A.AwardRule(meta_span(meta))

    def delivery(self, meta, children):
        inspector, within = _values(children)
        return A.DeliveryRule(self._ref(inspector), within, meta_span(meta))

    def supply_payment(self, meta, children):
        buyer, supplier = _values(children)
        return A.SupplyPaymentRule(self._ref(buyer), self._ref(supplier), meta_span(meta))

    def penalty(self, meta, children):
        return A.PenaltyRule(_values(children)[0], meta_span(meta))

    def forfeit(self, meta, children):
        return A.ForfeitRule(self._ref(_values(children)[0]), meta_span(meta))

    @staticmethod
    def _ref(token: Token) -> A.Ref:
        return A.Ref(str(token), token_span(token))

    # ---------------------------------------------------------- articles and the statute

    def article(self, meta, children):
        values = _values(children)
        article_id, title = values[0], values[1]
        if not _ARTICLE_ID.fullmatch(str(article_id)):
            raise LexError(
                token_span(article_id),
                f"article id '{article_id}' is not a dotted number like 44 or 44.1",
            )
        rest = values[2:]
        wording = _text_block(rest[0]) if rest and isinstance(rest[0], Token) else None
        rules = tuple(r for r in rest if not isinstance(r, Token))
        return A.Article(str(article_id), _unquote(title), rules, wording, meta_span(meta))


def build_statute(tree: Tree, source_name: str) -> A.Statute:
    try:
        parts = _Builder(source_name).transform(tree).children
    except VisitError as wrapped:
        error = wrapped.orig_exc
        if not isinstance(error, LexError):
            raise
        raise StatuteError([Diagnostic(source_name, error.span, error.message)]) from None
    header = parts[0]
    preamble = next((p for p in parts if isinstance(p, str)), None)
    parties_raw = next((p[1] for p in parts if isinstance(p, tuple) and p[0] == "parties"), [])
    terms = next((p[1] for p in parts if isinstance(p, tuple) and p[0] == "terms"), [])
    articles = tuple(p for p in parts if isinstance(p, A.Article))
    parties = []
    for _, name, kind_token, span in parties_raw:
        kind = A.PartyKind(kind_token.type.lower()) if kind_token.type != "NAME" else None
        parties.append((name, kind, kind_token, span))
    return A.Statute(
        header=header,
        parties=tuple(_party(name, kind, token, span, source_name) for name, kind, token, span in parties),
        terms=tuple(terms),
        articles=articles,
        preamble=preamble,
        source_name=source_name,
    )


def _party(name: str, kind, token: Token, span: A.Span, source_name: str) -> A.Party:
    if kind is None:
        kinds = [k.value for k in A.PartyKind]
        raise StatuteError([Diagnostic(
            source_name, token_span(token),
            f"unknown party kind '{token}'; expected firm, worker, device, agency or citizen"
            + suggestion(str(token), kinds),
        )])
    return A.Party(name, kind, span)

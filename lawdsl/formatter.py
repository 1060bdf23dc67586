"""`lawdsl fmt`: one canonical layout for statutes, keeping every comment.

The layout is rebuilt from the AST (so formatting can never change the
law: the tests check that the AST is unchanged and that formatting twice
changes nothing). Comments are re-attached to the sentence they precede or
follow. Text blocks are official wording and are kept byte for byte.

The layout (sections, indentation, blank lines, comments, line filling) is
shared by every surface language; a `_Wording` supplies the words of one
surface: English here, Chinese in the section at the end.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

from . import ast as A
from .money import Money
from .syntax.lexer import Comment
from .syntax.lexer_zh import SPELLINGS as ZH_SPELLINGS
from .syntax.lexer_zh import WEEKDAYS_ZH

WIDTH = 80
INDENT = "  "
CONTINUATION = "    "


@dataclass
class _Chunk:
    """A run of output lines that comes from one span of the source."""

    start: int
    end: int
    indent: str
    lines: list[str]
    blank_before: bool = False


@dataclass(frozen=True)
class _Wording:
    """The words one surface language puts into the shared layout."""

    header_lines: Callable[[A.Header], list[str]]
    parties_heading: str
    terms_heading: str
    party_atoms: Callable[[A.Party], list[str]]
    term_atoms: Callable[[A.TermSentence], list[str]]
    article_head: Callable[[A.Article], str]
    rule_atoms: Callable[[A.Rule], list[str]]
    wrap: Callable[[list[str]], list[str]]


def format_source(text: str, source_name: str = "<statute>") -> str:
    """The canonical text of a statute, in its own surface language; raises `StatuteError` if it does not parse."""
    from .load import parse_text

    comments: list[Comment] = []
    statute = parse_text(text, source_name, comments)
    return render(statute, comments)


def render(statute: A.Statute, comments: Sequence[Comment] = ()) -> str:
    chunks = list(_chunks(statute, WORDINGS[statute.language]))
    pending = sorted(comments, key=lambda c: c.line)
    out: list[str] = []
    for chunk in chunks:
        if chunk.blank_before and out:
            out.append("")
        inside = [c for c in pending if chunk.start <= c.line <= chunk.end and c.trailing]
        # Own-line comments inside a multi-line chunk move above it: stable on a second run.
        before = [c for c in pending if c.line <= chunk.end and c not in inside[:1]]
        for comment in before:
            out.append(f"{chunk.indent}# {comment.text}".rstrip())
        lines = list(chunk.lines)
        if inside:
            lines[-1] += f"  # {inside[0].text}"
        out.extend(lines)
        pending = [c for c in pending if c not in before and c not in inside[:1]]
    if pending:
        out.append("")
        out.extend(f"# {c.text}".rstrip() for c in pending)
    return "\n".join(out) + "\n"


def _chunks(statute: A.Statute, wording: _Wording) -> Iterator[_Chunk]:
    header = statute.header
    yield _Chunk(header.span.line, header.span.end_line, "", wording.header_lines(header))
    if statute.preamble is not None:
        span = statute.preamble_span
        yield _Chunk(span.line, span.end_line, "", [f'"""{statute.preamble}"""'], True)
    if statute.parties:
        first = statute.parties[0].span.line
        yield _Chunk(first - 1, first - 1, "", [wording.parties_heading], True)
        for party in statute.parties:
            yield _sentence(party.span, wording.party_atoms(party), wording)
    if statute.terms:
        first = statute.terms[0].span.line
        yield _Chunk(first - 1, first - 1, "", [wording.terms_heading], True)
        for term in statute.terms:
            yield _sentence(term.span, wording.term_atoms(term), wording)
    for article in statute.articles:
        first_rule = article.rules[0].span.line if article.rules else article.span.line
        yield _Chunk(article.span.line, article.span.line, "", [wording.article_head(article)], True)
        if article.wording is not None:
            yield _Chunk(article.span.line + 1, first_rule - 1, INDENT, [f'{INDENT}"""{article.wording}"""'])
        for rule in article.rules:
            yield _sentence(rule.span, wording.rule_atoms(rule), wording)


def _header_lines(header: A.Header) -> list[str]:
    lines = [
        f'statute "{header.title}"',
        f"{INDENT}governs {header.domain.value}",
        f"{INDENT}version {header.version}",
        f"{INDENT}effective {header.effective.isoformat()}",
    ]
    if header.jurisdiction is not None:
        lines.append(f'{INDENT}jurisdiction "{header.jurisdiction}"')
    lines.append(f"{INDENT}currency {header.currency}")
    if not header.time_zone.is_utc:
        lines.append(f"{INDENT}time zone {header.time_zone}")
    lines[-1] += "."
    return lines


def _sentence(span: A.Span, atoms: list[str], wording: _Wording) -> _Chunk:
    return _Chunk(span.line, span.end_line, INDENT, wording.wrap(atoms))


def wrap(atoms: list[str]) -> list[str]:
    """Fill atoms into lines of at most WIDTH columns; a sentence ends with '.'."""
    return _fill(atoms, ".", lambda before, after: " ", len)


def _fill(atoms: list[str], end: str, joint: Callable[[str, str], str], width: Callable[[str], int]) -> list[str]:
    """Fill atoms into lines of at most WIDTH columns, `joint` between two atoms, `end` after the last."""
    atoms = atoms[:-1] + [atoms[-1] + end]
    lines: list[str] = []
    line = INDENT
    for atom in atoms:
        candidate = f"{line}{joint(line, atom)}{atom}" if line.strip() else f"{line}{atom}"
        if width(candidate) > WIDTH and line.strip():
            lines.append(line)
            line = CONTINUATION + atom
        else:
            line = candidate
    lines.append(line)
    return lines


def _article_for(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _join_list(items: list[str]) -> list[str]:
    """`x`, `x and y`, `x, y and z` as atoms (commas stick to their word)."""
    if len(items) == 1:
        return items
    return [f"{item}," for item in items[:-2]] + [items[-2], "and", items[-1]]


def _term_atoms(term: A.TermSentence) -> list[str]:
    if isinstance(term, A.RestDays):
        return ["rest", "days", "are", *_join_list([str(d) for d in term.days])]
    if isinstance(term, A.PublicHolidays):
        return ["public", "holidays", "are", *_join_list([d.isoformat() for d in term.dates])]
    if isinstance(term, A.WeekStart):
        return ["weeks", "begin", "on", str(term.day)]
    value = term.value
    if isinstance(value, A.Categories):
        return [f'"{term.name}"', "are", *_join_list([f'"{c}"' for c in value.names])]
    if isinstance(value, A.DateRange):
        return [f'"{term.name}"', "is", "from", value.first.isoformat(), "to", value.last.isoformat()]
    return [f'"{term.name}"', "is", literal_text(value)]


def literal_text(value: A.Literal) -> str:
    if isinstance(value, (Money, A.Percentage, A.Duration, A.Weekday)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _operand(operand: A.Operand) -> list[str]:
    if isinstance(operand, A.Ref):
        return ["the", operand.text]
    return [literal_text(operand.value)]


def _the(ref: A.Ref) -> list[str]:
    return ["the", ref.text]


def _day_kind(kind: A.DayKind | None) -> list[str]:
    if kind is None:
        return []
    return ["on", _article_for(kind.value), f"{kind.value},"]


def _consecutive_day(day: A.ConsecutiveDay | None) -> list[str]:
    return [] if day is None else str(day).split()


def rule_atoms(rule: A.Rule) -> list[str]:
    """The canonical English wording of one rule sentence, as unbreakable atoms."""
    if isinstance(rule, A.EarningRule):
        counted = ["of", "overtime"] if rule.counts_overtime else ["worked"]
        atoms = [*_day_kind(rule.day_kind), *_consecutive_day(rule.consecutive_day), "each", "hour", *counted]
        if rule.window is not None:
            atoms += str(rule.window).split()
        if rule.beyond is not None:
            atoms += ["beyond", *_operand(rule.beyond)]
            if rule.period is not None:
                atoms += ["in", "a", rule.period.value]
            if rule.not_counting_overtime:
                atoms[-1] += ","
                atoms += ["not", "counting", "hours", "already", "paid", "as", "overtime,"]
        rate = _operand(rule.rate)
        atoms += ["earns", *(["an", "additional", *rate[-1:]] if rule.additional else rate)]
        atoms += ["of", "the", "hourly", "wage"]
        if rule.unless_time_off:
            atoms += ["unless", "compensatory", "time", "off", "is", "granted"]
        return atoms
    if isinstance(rule, A.LimitRule):
        measure = ["overtime"] if rule.measure is A.Measure.OVERTIME else ["hours", "worked"]
        verb = "is" if rule.measure is A.Measure.OVERTIME else "are"
        return [
            *_day_kind(rule.day_kind),
            *measure,
            "beyond",
            *_operand(rule.limit),
            "in",
            "a",
            rule.period.value,
            verb,
            "a",
            "violation",
        ]
    if isinstance(rule, A.WagePaymentRule):
        when = (
            ["each", "clock-out"]
            if rule.schedule is A.PaySchedule.CLOCK_OUT
            else ["the", "end", "of", "each", *rule.schedule.value.split()]
        )
        return [*_the(rule.payer), "pays", *_the(rule.payee), "at", *when]
    if isinstance(rule, A.MinimumWageRule):
        return ["the", "hourly", "wage", "is", "at", "least", *_operand(rule.amount)]
    if isinstance(rule, A.IssueRule):
        atoms = [
            *_the(rule.issuer),
            "issues",
            "a",
            "voucher",
            "of",
            *_operand(rule.face_value),
            "to",
            "each",
            rule.holder.text,
        ]
        if rule.attribute is not None:
            atoms += ["holding", "the", "attribute", f'"{rule.attribute}"']
            if rule.attester is not None:
                atoms += ["attested", "by", *_the(rule.attester)]
        return atoms
    if isinstance(rule, A.InstalmentRule):
        atoms = ["vouchers", "are", "issued", "in", "instalments:"]
        for i, instalment in enumerate(rule.instalments):
            atoms += ([] if i == 0 else ["then"]) + [*_operand(instalment.amount), "on", *_operand(instalment.on)]
            if i < len(rule.instalments) - 1:
                atoms[-1] += ","
        return atoms
    if isinstance(rule, A.WhereRule):
        return [
            "vouchers",
            "may",
            "be",
            "spent",
            "only",
            "at",
            "a",
            rule.merchant.text,
            "in",
            *_operand(rule.categories),
        ]
    if isinstance(rule, A.WhenRule):
        return ["vouchers", "may", "be", "spent", "only", "during", *_operand(rule.during)]
    if isinstance(rule, A.MinimumRule):
        return [
            "vouchers",
            "may",
            "be",
            "spent",
            "only",
            "on",
            "a",
            "purchase",
            "of",
            "at",
            "least",
            *_operand(rule.amount),
        ]
    if isinstance(rule, A.ShareRule):
        return ["a", "voucher", "covers", "at", "most", *_operand(rule.share), "of", "a", "purchase"]
    if isinstance(rule, A.SplitRule):
        return ["vouchers", "may", "be", "split", "across", "purchases"]
    if isinstance(rule, A.TransferRule):
        return ["vouchers", "are", *([] if rule.transferable else ["not"]), "transferable"]
    if isinstance(rule, A.ExpiryRule):
        after = _operand(rule.after)
        after[-1] += ","
        return ["after", *after, "unspent", "value", "returns", "to", *_the(rule.recipient)]
    if isinstance(rule, A.PurchaseRule):
        return [
            *_the(rule.buyer),
            "buys",
            f'"{rule.good}"',
            "in",
            rule.unit,
            "at",
            "no",
            "more",
            "than",
            *_operand(rule.ceiling),
            "per",
            rule.per_unit,
        ]
    if isinstance(rule, A.BiddingRule):
        return [
            "bids",
            "are",
            "sealed",
            "during",
            *_operand(rule.sealed),
            "and",
            "revealed",
            "during",
            *_operand(rule.revealed),
        ]
    if isinstance(rule, A.DepositRule):
        return ["each", "bid", "carries", "a", "deposit", "of", *_operand(rule.rate), "of", "its", "value"]
    if isinstance(rule, A.AwardRule):
        return ["the", "lowest", "revealed", "bid", "wins;", "ties", "go", "to", "the", "earliest", "bid"]
    if isinstance(rule, A.DeliveryRule):
        return ["deliveries", "are", "confirmed", "by", *_the(rule.inspector), "within", *_operand(rule.within)]
    if isinstance(rule, A.SupplyPaymentRule):
        return [
            *_the(rule.buyer),
            "pays",
            *_the(rule.supplier),
            "for",
            "each",
            "confirmed",
            "delivery",
            "at",
            "the",
            "awarded",
            "price",
        ]
    if isinstance(rule, A.PenaltyRule):
        words = ["each", "day", "of", "late", "delivery", "reduces", "payment", "by", *_operand(rule.rate)]
        if rule.cap is None:
            return words
        words[-1] += ","
        return [*words, "at", "most", *_operand(rule.cap), "of", "the", "contract", "price"]
    if isinstance(rule, A.BestValueRule):
        return [
            "the",
            "best",
            "revealed",
            "bid",
            "wins,",
            "weighing",
            "price",
            *_operand(rule.price_weight),
            "and",
            "quality",
            *_operand(rule.quality_weight)[:-1],
            f"{_operand(rule.quality_weight)[-1]};",
            "ties",
            "go",
            "to",
            "the",
            "earliest",
            "bid",
        ]
    if isinstance(rule, A.ScoringRule):
        return [
            *_the(rule.scorer),
            "scores",
            "the",
            "quality",
            "of",
            "each",
            "revealed",
            "bid",
            "within",
            *_operand(rule.within),
        ]
    if isinstance(rule, A.InspectionRule):
        return [
            *_the(rule.inspector),
            "confirms",
            "or",
            "disputes",
            "each",
            "delivery",
            "within",
            *_operand(rule.within),
            "of",
            "its",
            "record",
        ]
    if isinstance(rule, A.SecurityRule):
        return [
            "the",
            "winner",
            "lodges",
            "a",
            "performance",
            "security",
            "of",
            *_operand(rule.rate),
            "of",
            "the",
            "contract",
            "price,",
            "held",
            "until",
            "acceptance",
            "and",
            "forfeited",
            "on",
            "default",
        ]
    if isinstance(rule, A.ForfeitRule):
        return ["a", rule.supplier.text, "who", "does", "not", "reveal", "its", "bid", "forfeits", "its", "deposit"]
    raise TypeError(f"no wording for {type(rule).__name__}")


def _party_atoms(party: A.Party) -> list[str]:
    return [f'"{party.name}"', "is", _article_for(party.kind.value), party.kind.value]


ENGLISH = _Wording(
    header_lines=_header_lines,
    parties_heading="parties:",
    terms_heading="terms:",
    party_atoms=_party_atoms,
    term_atoms=_term_atoms,
    article_head=lambda article: f'article {article.id} "{article.title}":',
    rule_atoms=rule_atoms,
    wrap=wrap,
)

# ---------------------------------------------------------------- the Chinese wording (docs/language-zh.md)

#: Full-width punctuation: no space on either side of it.
_ZH_PUNCTUATION = frozenset("、，。；：「」《》（）“”")
_ZH_UNITS = {"minute": "分钟", "hour": "小时", "day": "天", "week": "周"}
_ZH_DAY_KINDS = {A.DayKind.WORKDAY: "工作日", A.DayKind.REST_DAY: "休息日", A.DayKind.PUBLIC_HOLIDAY: "法定节假日"}
_ZH_PERIODS = {A.Period.DAY: "一日", A.Period.WEEK: "一周", A.Period.MONTH: "一月", A.Period.YEAR: "一年"}
_ZH_SCHEDULES = {
    A.PaySchedule.CLOCK_OUT: "每次下班打卡时",
    A.PaySchedule.WEEK: "每周结束时",
    A.PaySchedule.MONTH: "每月结束时",
    A.PaySchedule.HALF_MONTH: "每半月结束时",
}


def _display_width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _zh_joint(before: str, after: str) -> str:
    """Chinese runs together; a space sets off Latin letters and digits from Chinese characters.

    That is the usual typesetting of `为 8 小时` and `2026-10-02 和 2026-10-03`,
    and none beside full-width punctuation (`2026-01-01、2026-02-17`).
    """
    last, first = before[-1], after[0]
    if last in _ZH_PUNCTUATION or first in _ZH_PUNCTUATION or last == " ":
        return ""
    return " " if last.isascii() or first.isascii() else ""


def _zh_wrap(atoms: list[str]) -> list[str]:
    return _fill(atoms, "。", _zh_joint, _display_width)


def _zh_list(items: list[str]) -> list[str]:
    """`x`, `x 和 y`, `x、y 和 z` as atoms (each 、 sticks to its item)."""
    if len(items) == 1:
        return items
    return [f"{item}、" for item in items[:-2]] + [items[-2], "和", items[-1]]


def zh_literal_text(value: A.Literal) -> str:
    if isinstance(value, A.Duration):
        return f"{str(value).split()[0]} {_ZH_UNITS[value.unit]}"
    if isinstance(value, A.Weekday):
        return WEEKDAYS_ZH[value.index]
    if isinstance(value, A.DateRange):
        return f"{value.first.isoformat()} 至 {value.last.isoformat()}"
    return literal_text(value)


def _zh_operand(operand: A.Operand) -> str:
    return operand.text if isinstance(operand, A.Ref) else zh_literal_text(operand.value)


def _zh_header_lines(header: A.Header) -> list[str]:
    domain = {A.Domain.WORKING_TIME: "WORKING_TIME", A.Domain.VOUCHERS: "VOUCHER", A.Domain.PROCUREMENT: "PROCUREMENT"}[
        header.domain
    ]
    lines = [
        f"法规《{header.title}》",
        f"{INDENT}规范 {ZH_SPELLINGS[domain]}",
        f"{INDENT}第 {header.version} 版",
        f"{INDENT}自 {header.effective.isoformat()} 起施行",
    ]
    if header.jurisdiction is not None:
        lines.append(f"{INDENT}适用于「{header.jurisdiction}」")
    lines.append(f"{INDENT}货币 {header.currency}")
    if not header.time_zone.is_utc:
        lines.append(f"{INDENT}时区 {header.time_zone}")
    lines[-1] += "。"
    return lines


def _zh_party_atoms(party: A.Party) -> list[str]:
    return [f"「{party.name}」", "是", ZH_SPELLINGS[party.kind.name]]


def _zh_term_atoms(term: A.TermSentence) -> list[str]:
    if isinstance(term, A.RestDays):
        return ["休息日为", *_zh_list([WEEKDAYS_ZH[d.index] for d in term.days])]
    if isinstance(term, A.PublicHolidays):
        return ["法定节假日为", *_zh_list([d.isoformat() for d in term.dates])]
    if isinstance(term, A.WeekStart):
        return ["每周始于", WEEKDAYS_ZH[term.day.index]]
    value = term.value
    if isinstance(value, A.Categories):
        return [f"「{term.name}」为", *_zh_list([f"「{c}」" for c in value.names])]
    return [f"「{term.name}」为", zh_literal_text(value)]


def _zh_day_kind(kind: A.DayKind | None) -> list[str]:
    return [] if kind is None else [f"{_ZH_DAY_KINDS[kind]}内，"]


def _zh_within(period: A.Period | None) -> list[str]:
    return [] if period is None else [f"{_ZH_PERIODS[period]}内"]


def _zh_consecutive_day(day: A.ConsecutiveDay | None) -> list[str]:
    if day is None:
        return []
    return [*_zh_within(day.period), f"连续工作的第{A.ZH_NUMERALS[day.nth - 1]}日，"]


def zh_rule_atoms(rule: A.Rule) -> list[str]:
    """The canonical Chinese wording of one rule sentence, as unbreakable atoms."""
    if isinstance(rule, A.EarningRule):
        atoms = _zh_day_kind(rule.day_kind) + _zh_consecutive_day(rule.consecutive_day)
        if rule.window is not None:
            window = [A.clock_text(rule.window.opens), "至", A.clock_text(rule.window.closes), "之间的"]
            atoms += window if rule.beyond is None else [*window[:-1], "之间的、"]
        # A long subject (`超出…的每小时工作`) is set off by a comma; a short one is not.
        hour = "每小时加班" if rule.counts_overtime else "每小时工作"
        if rule.beyond is not None:
            counting = ["扣除已按加班计发的工时后"] if rule.not_counting_overtime else []
            atoms += [*_zh_within(rule.period), *counting, "超出", _zh_operand(rule.beyond), f"的{hour}，"]
        elif rule.window is not None:
            atoms += [f"{hour}，"]
        else:
            atoms += [hour]
        atoms += ["按小时工资的", _zh_operand(rule.rate), "另行加发" if rule.additional else "计发"]
        return atoms + (["，已安排补休的除外"] if rule.unless_time_off else [])
    if isinstance(rule, A.LimitRule):
        measure = "加班" if rule.measure is A.Measure.OVERTIME else "工作时长"
        return [
            *_zh_day_kind(rule.day_kind),
            *_zh_within(rule.period),
            "超出",
            _zh_operand(rule.limit),
            f"的{measure}，",
            "属于违法",
        ]
    if isinstance(rule, A.WagePaymentRule):
        return [rule.payer.text, f"在{_ZH_SCHEDULES[rule.schedule]}向", rule.payee.text, "支付"]
    if isinstance(rule, A.MinimumWageRule):
        return ["小时工资不低于", _zh_operand(rule.amount)]
    if isinstance(rule, A.IssueRule):
        atoms = [rule.issuer.text, "向每名", rule.holder.text, "发放面值为", _zh_operand(rule.face_value), "的消费券"]
        if rule.attribute is not None:
            atoms += ["，限持有", f"「{rule.attribute}」", "属性"]
            if rule.attester is not None:
                atoms += ["并经", rule.attester.text, "认证"]
            atoms += ["者"]
        return atoms
    if isinstance(rule, A.InstalmentRule):
        parts = [f"在 {_zh_operand(i.on)} 发放 {_zh_operand(i.amount)}" for i in rule.instalments]
        return ["消费券分期发放：", *[f"{part}，" for part in parts[:-1]], parts[-1]]
    if isinstance(rule, A.WhereRule):
        return ["消费券仅限在", _zh_operand(rule.categories), "的", rule.merchant.text, "使用"]
    if isinstance(rule, A.WhenRule):
        return ["消费券仅限在", _zh_operand(rule.during), "内使用"]
    if isinstance(rule, A.MinimumRule):
        return ["消费券仅限用于金额不低于", _zh_operand(rule.amount), "的消费"]
    if isinstance(rule, A.ShareRule):
        return ["消费券至多抵扣单笔消费的", _zh_operand(rule.share)]
    if isinstance(rule, A.SplitRule):
        return ["消费券可分次使用"]
    if isinstance(rule, A.TransferRule):
        return ["消费券可以转让" if rule.transferable else "消费券不得转让"]
    if isinstance(rule, A.ExpiryRule):
        return [_zh_operand(rule.after), "届满后，", "未使用的金额退还", rule.recipient.text]
    if isinstance(rule, A.PurchaseRule):
        return [
            rule.buyer.text,
            "收购",
            f"「{rule.good}」，",
            "以",
            rule.unit,
            "计，",
            "每",
            rule.per_unit,
            "价格不超过",
            _zh_operand(rule.ceiling),
        ]
    if isinstance(rule, A.BiddingRule):
        return ["投标在", _zh_operand(rule.sealed), "内密封，", "并在", _zh_operand(rule.revealed), "内揭示"]
    if isinstance(rule, A.DepositRule):
        return ["每份投标须缴纳其报价的", _zh_operand(rule.rate), "作为保证金"]
    if isinstance(rule, A.AwardRule):
        return ["已揭示的最低报价中标；", "报价相同的，", "由最早的投标中标"]
    if isinstance(rule, A.DeliveryRule):
        return ["交付由", rule.inspector.text, "在", _zh_operand(rule.within), "内确认"]
    if isinstance(rule, A.SupplyPaymentRule):
        return [rule.buyer.text, "就每批经确认的交付", "按中标价格向", rule.supplier.text, "支付"]
    if isinstance(rule, A.PenaltyRule):
        words = ["每逾期交付一日，", "付款减少", _zh_operand(rule.rate)]
        if rule.cap is None:
            return words
        return [*words[:-1], f"{words[-1]}，", "累计不超过合同价格的", _zh_operand(rule.cap)]
    if isinstance(rule, A.BestValueRule):
        return [
            "按价格",
            f"{_zh_operand(rule.price_weight)}、",
            "质量",
            _zh_operand(rule.quality_weight),
            "加权，",
            "综合得分最高的已揭示投标中标；",
            "得分相同的，",
            "由最早的投标中标",
        ]
    if isinstance(rule, A.ScoringRule):
        return [rule.scorer.text, "在揭示结束后", _zh_operand(rule.within), "内对每份已揭示投标的质量评分"]
    if isinstance(rule, A.InspectionRule):
        return [rule.inspector.text, "在交付记录后", _zh_operand(rule.within), "内确认或提出异议"]
    if isinstance(rule, A.SecurityRule):
        return ["中标人提交合同价格的", _zh_operand(rule.rate), "作为履约保证金，", "至验收时退还，", "违约时不予退还"]
    if isinstance(rule, A.ForfeitRule):
        return ["未揭示其投标的", f"{rule.supplier.text}，", "丧失其保证金"]
    raise TypeError(f"no Chinese wording for {type(rule).__name__}")


def sentence_text(rule: A.Rule, language: str) -> str:
    """One rule sentence on one line, without its full stop, as a message quotes it."""
    if language != "zh":
        return " ".join(rule_atoms(rule))
    text = ""
    for atom in zh_rule_atoms(rule):
        text += (_zh_joint(text, atom) if text else "") + atom
    return text


CHINESE = _Wording(
    header_lines=_zh_header_lines,
    parties_heading="当事人：",
    terms_heading="术语：",
    party_atoms=_zh_party_atoms,
    term_atoms=_zh_term_atoms,
    article_head=lambda article: f"第 {article.id} 条「{article.title}」：",
    rule_atoms=zh_rule_atoms,
    wrap=_zh_wrap,
)

#: The wording of each surface language, by `Statute.language`.
WORDINGS: dict[str, _Wording] = {"en": ENGLISH, "zh": CHINESE}

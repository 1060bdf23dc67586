"""`lawdsl fmt`: one canonical layout for statutes, keeping every comment.

The layout is rebuilt from the AST (so formatting can never change the
law: the tests check that the AST is unchanged and that formatting twice
changes nothing). Comments are re-attached to the sentence they precede or
follow. Text blocks are official wording and are kept byte for byte.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import ast as A
from .lexer import Comment
from .money import Money

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


def format_source(text: str, source_name: str = "<statute>") -> str:
    """The canonical text of a statute; raises `StatuteError` if it does not parse."""
    from .parser import parse

    comments: list[Comment] = []
    statute = parse(text, source_name, comments)
    return render(statute, comments)


def render(statute: A.Statute, comments: list[Comment] = ()) -> str:
    chunks = list(_chunks(statute))
    pending = sorted(comments, key=lambda c: c.line)
    out: list[str] = []
    for chunk in chunks:
        if chunk.blank_before and out:
            out.append("")
        inside = [c for c in pending if chunk.start <= c.line <= chunk.end and c.trailing]
        before = [c for c in pending if c.line < chunk.start or (c in inside[1:])]
        before = [c for c in pending if c in before]
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


def _chunks(statute: A.Statute):
    header = statute.header
    yield _Chunk(header.span.line, header.span.end_line, "", _header_lines(header))
    if statute.preamble is not None:
        # The preamble has no span of its own: it sits between header and parties.
        first_party = statute.parties[0].span.line if statute.parties else header.span.end_line + 1
        yield _Chunk(header.span.end_line + 1, first_party - 2, "", [f'"""{statute.preamble}"""'], True)
    if statute.parties:
        yield _Chunk(statute.parties[0].span.line - 1, statute.parties[0].span.line - 1, "", ["parties:"], True)
        for party in statute.parties:
            yield _sentence(party.span, [f'"{party.name}"', "is", _article_for(party.kind.value),
                                         party.kind.value])
    if statute.terms:
        first = statute.terms[0].span.line
        yield _Chunk(first - 1, first - 1, "", ["terms:"], True)
        for term in statute.terms:
            yield _sentence(term.span, _term_atoms(term))
    for article in statute.articles:
        first_rule = article.rules[0].span.line if article.rules else article.span.line
        head = [f'article {article.id} "{article.title}":']
        yield _Chunk(article.span.line, article.span.line, "", head, True)
        if article.wording is not None:
            yield _Chunk(article.span.line + 1, first_rule - 1, INDENT, [f'{INDENT}"""{article.wording}"""'])
        for rule in article.rules:
            yield _sentence(rule.span, rule_atoms(rule))


def _header_lines(header: A.Header) -> list[str]:
    lines = [f'statute "{header.title}"', f"{INDENT}governs {header.domain.value}",
             f"{INDENT}version {header.version}", f"{INDENT}effective {header.effective.isoformat()}"]
    if header.jurisdiction is not None:
        lines.append(f'{INDENT}jurisdiction "{header.jurisdiction}"')
    lines.append(f"{INDENT}currency {header.currency}")
    if header.time_zone.offset_minutes:
        lines.append(f"{INDENT}time zone {header.time_zone}")
    lines[-1] += "."
    return lines


def _sentence(span: A.Span, atoms: list[str]) -> _Chunk:
    return _Chunk(span.line, span.end_line, INDENT, wrap(atoms))


def wrap(atoms: list[str]) -> list[str]:
    """Fill atoms into lines of at most WIDTH columns; a sentence ends with '.'."""
    atoms = atoms[:-1] + [atoms[-1] + "."]
    lines: list[str] = []
    line = INDENT
    for atom in atoms:
        candidate = f"{line} {atom}" if line.strip() else f"{line}{atom}"
        if len(candidate) > WIDTH and line.strip():
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


def rule_atoms(rule: A.Rule) -> list[str]:
    """The canonical English wording of one rule sentence, as unbreakable atoms."""
    if isinstance(rule, A.EarningRule):
        atoms = [*_day_kind(rule.day_kind), "each", "hour", "worked"]
        if rule.beyond is not None:
            atoms += ["beyond", *_operand(rule.beyond)]
            if rule.period is not None:
                atoms += ["in", "a", rule.period.value]
        atoms += ["earns", *_operand(rule.rate), "of", "the", "hourly", "wage"]
        if rule.unless_time_off:
            atoms += ["unless", "compensatory", "time", "off", "is", "granted"]
        return atoms
    if isinstance(rule, A.LimitRule):
        measure = ["overtime"] if rule.measure is A.Measure.OVERTIME else ["hours", "worked"]
        verb = "is" if rule.measure is A.Measure.OVERTIME else "are"
        return [*_day_kind(rule.day_kind), *measure, "beyond", *_operand(rule.limit), "in", "a",
                rule.period.value, verb, "a", "violation"]
    if isinstance(rule, A.WagePaymentRule):
        when = (["each", "clock-out"] if rule.schedule is A.PaySchedule.CLOCK_OUT
                else ["the", "end", "of", "each", rule.schedule.value])
        return [*_the(rule.payer), "pays", *_the(rule.payee), "at", *when]
    if isinstance(rule, A.IssueRule):
        atoms = [*_the(rule.issuer), "issues", "a", "voucher", "of", *_operand(rule.face_value), "to", "each",
                 rule.holder.text]
        if rule.attribute is not None:
            atoms += ["holding", "the", "attribute", f'"{rule.attribute}"']
            if rule.attester is not None:
                atoms += ["attested", "by", *_the(rule.attester)]
        return atoms
    if isinstance(rule, A.WhereRule):
        return ["vouchers", "may", "be", "spent", "only", "at", "a", rule.merchant.text, "in",
                *_operand(rule.categories)]
    if isinstance(rule, A.WhenRule):
        return ["vouchers", "may", "be", "spent", "only", "during", *_operand(rule.during)]
    if isinstance(rule, A.MinimumRule):
        return ["vouchers", "may", "be", "spent", "only", "on", "a", "purchase", "of", "at", "least",
                *_operand(rule.amount)]
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
        return [*_the(rule.buyer), "buys", f'"{rule.good}"', "in", rule.unit, "at", "no", "more", "than",
                *_operand(rule.ceiling), "per", rule.per_unit]
    if isinstance(rule, A.BiddingRule):
        return ["bids", "are", "sealed", "during", *_operand(rule.sealed), "and", "revealed", "during",
                *_operand(rule.revealed)]
    if isinstance(rule, A.DepositRule):
        return ["each", "bid", "carries", "a", "deposit", "of", *_operand(rule.rate), "of", "its", "value"]
    if isinstance(rule, A.AwardRule):
        return ["the", "lowest", "revealed", "bid", "wins;", "ties", "go", "to", "the", "earliest", "bid"]
    if isinstance(rule, A.DeliveryRule):
        return ["deliveries", "are", "confirmed", "by", *_the(rule.inspector), "within", *_operand(rule.within)]
    if isinstance(rule, A.SupplyPaymentRule):
        return [*_the(rule.buyer), "pays", *_the(rule.supplier), "for", "each", "confirmed", "delivery", "at",
                "the", "awarded", "price"]
    if isinstance(rule, A.PenaltyRule):
        return ["each", "day", "of", "late", "delivery", "reduces", "payment", "by", *_operand(rule.rate)]
    if isinstance(rule, A.ForfeitRule):
        return ["a", rule.supplier.text, "who", "does", "not", "reveal", "its", "bid", "forfeits", "its",
                "deposit"]
    raise TypeError(f"no wording for {type(rule).__name__}")
